import { cookies } from 'next/headers';
import { AutoSubmitForm } from '../../_components/auto-submit-form';
import { JoinButton } from '../../_components/join-button';
import { ProblemCard } from '../../_components/problem-card';
import { firstParam, type SearchParams } from '../../_lib/search-params';
import { describeLoginFailure, isRecentLaunch, LAUNCHED_COOKIE, nextRecoveryStep, parseRecoveryState, RECOVERY_COOKIE, RECOVERY_FIELD } from '@/lib/launch';
import { returnUrl } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { buildLogoutUrl, knownLoginFailureReason, parseMeetingNumber } from '@/lib/webex';

export const dynamic = 'force-dynamic';

/**
 * BU: WebEx comes back here with AT=…&ST=FAIL&RS=… when a login did not work, and after a logout.
 * Anyone can type or link this URL, so it never claims more than it knows; AlreadyLogon is
 * recovered automatically, once, and only in the browser that just launched (lib/launch/already-logon.ts).
 */
export default async function WebexReturnPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const status = firstParam(params.ST).toUpperCase();
  const config = getConfig();
  const jar = await cookies();
  const recovery = parseRecoveryState(jar.get(RECOVERY_COOKIE)?.value);
  // this browser's own launch, moments ago: only then is an AlreadyLogon here the answer to it
  const launchedHere = await isRecentLaunch(jar.get(LAUNCHED_COOKIE)?.value, config.authSecret);

  if (status === 'SUCCESS' && firstParam(params.AT).toUpperCase() === 'LO') {
    if (nextRecoveryStep('signed-out', recovery, launchedHere) === 'relaunch') {
      return (
        <section className="card" role="status">
          <h1>Signed out of WebEx: joining again</h1>
          <p>WebEx had another session open in this browser. It is signed out; you are now joining as your own host account.</p>
          <div className="actions">
            <AutoSubmitForm action="/launch" field={RECOVERY_FIELD} value="relaunch" label="Join WebEx" />
          </div>
        </section>
      );
    }
    return (
      <section className="card">
        <h1>You are signed out of WebEx</h1>
        <p>Join again to sign in to WebEx as your own host account.</p>
        <div className="actions">
          <JoinButton />
        </div>
      </section>
    );
  }
  if (status === 'SUCCESS') {
    // Typed by anyone as easily as sent by WebEx: no claim about a sign-in.
    return (
      <section className="card">
        <h1>Back from WebEx</h1>
        <p>This page cannot tell whether WebEx signed you in. If WebEx is not open as your host account, join again.</p>
        <div className="actions">
          <JoinButton />
          <a className="button secondary" href="/">
            Back to the portal
          </a>
        </div>
      </section>
    );
  }

  const rs = firstParam(params.RS) || undefined;
  const problem = describeLoginFailure(rs, config.supportContact, firstParam(params.AT));
  if (problem.code === 'LOGIN_ALREADY_LOGGED_ON' && nextRecoveryStep('already-logged-on', recovery, launchedHere) === 'sign-out') {
    return (
      <section className="card" role="status">
        <h1>Signing out the other WebEx session</h1>
        <p>WebEx already has a session open in this browser. We sign it out, then join again as your own host account.</p>
        <div className="actions">
          <AutoSubmitForm action="/launch" field={RECOVERY_FIELD} value="sign-out" label="Sign out of WebEx and join again" />
        </div>
      </section>
    );
  }
  // Still AlreadyLogon after our one sign-out and relaunch (no second bounce), or in a browser that
  // did not just launch (a link from anywhere): the employee decides.
  const signOut = problem.code === 'LOGIN_ALREADY_LOGGED_ON' && (
    <a className="button" href={buildLogoutUrl({ baseUrl: config.webex.baseUrl, siteName: config.webex.siteName, backUrl: returnUrl(config) })}>
      Sign out of WebEx
    </a>
  );
  // a failed join or start names its meeting (the BU inside MU): the way back to its page
  const meeting = parseMeetingNumber(firstParam(params.meeting));
  const target = meeting ? ({ kind: 'meeting', number: meeting, role: 'join' } as const) : undefined;
  // RS is anybody's text: only a reason we know is named, as we spell it
  const reason = knownLoginFailureReason(rs);
  const detail = reason ? `WebEx said: ${reason}` : rs ? 'WebEx gave a reason the portal does not know' : 'WebEx gave no reason';
  return <ProblemCard problem={problem} detail={detail} action={signOut || undefined} target={target} />;
}
