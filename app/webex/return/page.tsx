import { JoinButton } from '../../join-button';
import { ProblemCard } from '../../problem-card';
import { firstParam, type SearchParams } from '../../search-params';
import { getConfig } from '@/lib/config';
import { returnUrl } from '@/lib/app-context';
import { describeLoginFailure } from '@/lib/problems';
import { buildLogoutUrl } from '@/lib/webex';

export const dynamic = 'force-dynamic';

/** BU: WebEx comes back here with AT=…&ST=FAIL&RS=… when a login did not work, and after a logout. */
export default async function WebexReturnPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const status = firstParam(params.ST).toUpperCase();
  if (status === 'SUCCESS' && firstParam(params.AT).toUpperCase() === 'LO') {
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
    return (
      <section className="card">
        <h1>You are signed in to WebEx</h1>
        <p>WebEx confirmed the sign-in. You can close this tab or go back to the portal.</p>
        <a className="button secondary" href="/">Back to the portal</a>
      </section>
    );
  }
  const rs = firstParam(params.RS) || undefined;
  const config = getConfig();
  const problem = describeLoginFailure(rs, config.supportContact);
  const signOut = problem.code === 'LOGIN_ALREADY_LOGGED_ON' && (
    <a className="button" href={buildLogoutUrl({ baseUrl: config.webex.baseUrl, siteName: config.webex.siteName, backUrl: returnUrl(config) })}>
      Sign out of WebEx
    </a>
  );
  // RS is shown as text (React escapes it); a long or odd value is cut, not trusted.
  return <ProblemCard problem={problem} detail={rs ? `WebEx said: ${rs.slice(0, 64)}` : 'WebEx gave no reason'} action={signOut || undefined} />;
}
