import { notFound } from 'next/navigation';
import { JoinButton } from '../../_components/join-button';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { pageOf, type LaunchTarget } from '@/lib/launch';
import { formatMeetingNumber, parseMeetingNumber } from '@/lib/webex';
import { getPortalUser } from '@/lib/server';

/**
 * The meeting's page, on the employee's own site or on the one `site` names (`/meet/{site}/{number}`,
 * app/meet/[number]/[meeting]): a site that is not one of the company's is a 404 too.
 */
export async function MeetingLaunch({ number: value, site: siteName }: { number: string; site?: string }) {
  const number = parseMeetingNumber(value);
  const { oidc, sites } = getConfig();
  const site = siteName === undefined ? undefined : sites.find((s) => s.siteName === siteName.toLowerCase());
  if (!number || (siteName !== undefined && !site)) notFound();
  const named = site ? { site: site.siteName } : {};
  const join: LaunchTarget = { kind: 'meeting', number, role: 'join', ...named };
  const host: LaunchTarget = { kind: 'meeting', number, role: 'host', ...named };
  const user = await getPortalUser();

  return (
    <section className="card" aria-labelledby="meeting-title">
      <h1 id="meeting-title">WebEx meeting {formatMeetingNumber(number)}</h1>
      {site && <p className="muted">On {site.displayName}</p>}
      {user ? (
        <>
          <p>You join signed in to WebEx as your own account ({user.email}). Start it as host only if it is your meeting.</p>
          <div className="actions">
            <JoinButton label="Join" target={join} />
            <JoinButton label="Start as host" target={host} secondary />
          </div>
        </>
      ) : (
        <>
          <p>Sign in with {oidc.displayName} to join this meeting as your own WebEx account.</p>
          <div className="actions">
            <a className="button" href={signInPath(pageOf(join))}>
              Sign in
            </a>
          </div>
        </>
      )}
    </section>
  );
}
