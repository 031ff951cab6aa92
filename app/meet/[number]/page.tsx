import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JoinButton } from '../../_components/join-button';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { pageOf, type LaunchTarget } from '@/lib/launch';
import { formatMeetingNumber, parseMeetingNumber } from '@/lib/webex';
import { getPortalUser } from '@/lib/server';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Join a WebEx meeting · Company portal' };

/**
 * A meeting link for invites: `/meet/{meeting number}`. A GET only shows the number and the two
 * buttons (links in invites get previewed and prefetched); each button is a POST to /launch, which
 * signs the employee in to WebEx and takes them into the meeting. Anything but a meeting number is
 * a 404, never a redirect.
 */
export default async function MeetingPage({ params }: { params: Promise<{ number: string }> }) {
  const number = parseMeetingNumber((await params).number);
  if (!number) notFound();
  const join: LaunchTarget = { kind: 'meeting', number, role: 'join' };
  const host: LaunchTarget = { kind: 'meeting', number, role: 'host' };
  const user = await getPortalUser();
  const { oidc } = getConfig();

  return (
    <section className="card" aria-labelledby="meeting-title">
      <h1 id="meeting-title">WebEx meeting {formatMeetingNumber(number)}</h1>
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
