import { ConnectButton } from './_components/connect-button';
import { JoinButton } from './_components/join-button';
import { SignOutButton } from './_components/sign-out-button';
import { firstParam, type SearchParams } from './_lib/search-params';
import { getDb, getOAuth, getPortalUser, getUpstreamStats } from '@/lib/server';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { HOME, launchPathFor, PERSONAL_ROOM } from '@/lib/launch';
import { resolveWebexAccount, type ResolvedAccount } from '@/lib/mappings';
import { hostEmailFor } from '@/lib/webex-rest';

export const dynamic = 'force-dynamic';

function SourceNote({ account }: { account: ResolvedAccount }) {
  return <span className="muted">{account.source === 'mapping' ? ' (linked by your administrator)' : ' (derived by the company rule)'}</span>;
}

/** Start my personal room (REST, through the company's Service App), where WEBEX_LAUNCH_API offers it. */
function PersonalRoomButton({ offered }: { offered: boolean }) {
  return offered ? <JoinButton label="Start my personal room" target={PERSONAL_ROOM} secondary /> : null;
}

/**
 * The WebEx card with WEBEX_LAUNCH_API=rest: meetings only, through the company's Service App;
 * no sign-in to the site itself (REST has none), so no Join WebEx and no credential of the employee.
 */
function RestWebexCard({ email, account }: { email: string; account: ResolvedAccount }) {
  return (
    <section className="card" aria-label="WebEx">
      <h2>WebEx</h2>
      <p>
        You start and join meetings as <strong data-testid="webex-email">{hostEmailFor(email, account.webexId)}</strong>
        <SourceNote account={account} />, through the company&apos;s WebEx app: no WebEx password needed.
      </p>
      <div className="actions">
        <JoinButton label="Start my personal room" target={PERSONAL_ROOM} />
      </div>
      <p className="muted">To join someone else&apos;s meeting, open its portal link (/meet/ and the meeting number) from the invitation.</p>
    </section>
  );
}

/** The WebEx card in oauth mode: Join once connected, else Connect (or Reconnect). */
async function OAuthWebexCard({ email, account, notice, room }: { email: string; account: ResolvedAccount; notice: string; room: boolean }) {
  const connection = await (await getOAuth())?.tokens.status(email);
  const usable = connection?.state === 'connected' && connection.webexId.toLowerCase() === account.webexId.toLowerCase();
  if (!usable) {
    const again = connection !== undefined;
    return (
      <section className="card" aria-label="WebEx">
        <h2>{again ? 'Reconnect your WebEx account' : 'Connect your WebEx account'}</h2>
        <p>
          You join as WebEx host <strong data-testid="webex-id">{account.webexId}</strong>
          <SourceNote account={account} />.{' '}
          {again
            ? 'Your WebEx authorisation for the portal ended (revoked, expired, or your WebEx link changed). Allow the portal again to join with one click.'
            : 'Once, sign in to WebEx and allow the portal; after that, Join WebEx signs you in with one click.'}
        </p>
        <div className="actions">
          <ConnectButton label={again ? 'Reconnect WebEx' : 'Connect WebEx'} />
          <PersonalRoomButton offered={room} />
        </div>
      </section>
    );
  }
  return (
    <section className="card" aria-label="WebEx">
      <h2>WebEx</h2>
      {notice === 'connected' && (
        <p className="notice" role="status">
          Your WebEx account is connected.
        </p>
      )}
      <p>
        You join as WebEx host <strong data-testid="webex-id">{account.webexId}</strong>
        <SourceNote account={account} />.
      </p>
      <div className="actions">
        <JoinButton />
        <PersonalRoomButton offered={room} />
        <form method="post" action="/webex/disconnect">
          <button type="submit" className="secondary">
            Disconnect WebEx
          </button>
        </form>
      </div>
    </section>
  );
}

export default async function HomePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await getPortalUser();
  const config = getConfig();
  if (!user) {
    return (
      <section className="card">
        <h1>Welcome</h1>
        <p>Sign in with {config.oidc.displayName} to join WebEx as your own host account.</p>
        <div className="actions">
          <a className="button" href={signInPath('/')}>
            Sign in
          </a>
        </div>
      </section>
    );
  }

  const params = await searchParams;
  const notice = firstParam(params.connected) === '1' ? 'connected' : firstParam(params.disconnected) === '1' ? 'disconnected' : '';
  const { db } = await getDb();
  const account = await resolveWebexAccount(db, user, config.mappingRule);
  // which buttons WEBEX_LAUNCH_API offers: the site's home (XML) and the personal room (REST)
  const homeOffered = launchPathFor(config.webex.launchApi, HOME) !== undefined;
  const room = launchPathFor(config.webex.launchApi, PERSONAL_ROOM) !== undefined;
  return (
    <>
      <section className="card">
        <h1>Hello, {user.name}</h1>
        <p className="muted">Signed in as {user.email}</p>
        <div className="actions">
          {user.isAdmin && (
            <a className="button secondary" href="/admin">
              WebEx settings
            </a>
          )}
          <SignOutButton />
        </div>
      </section>
      {getUpstreamStats().circuit !== 'closed' && (
        <p className="card problem" role="status" data-testid="webex-down">
          WebEx is not answering right now: the last sign-ins could not reach it. Join works again as soon as WebEx answers; try in a minute.
        </p>
      )}
      {notice === 'disconnected' && (
        <p className="card notice" role="status">
          Your WebEx account is disconnected from the portal.
        </p>
      )}
      {!account ? (
        <section className="card problem" aria-label="WebEx">
          <h2>Your account is not linked to WebEx yet</h2>
          <p>Ask {config.supportContact} to link your portal account to your WebEx host account.</p>
        </section>
      ) : !homeOffered ? (
        <RestWebexCard email={user.email} account={account} />
      ) : config.hostCredentials.mode === 'oauth' ? (
        <OAuthWebexCard email={user.email} account={account} notice={notice} room={room} />
      ) : (
        <section className="card" aria-label="WebEx">
          <h2>WebEx</h2>
          <p>
            You join as WebEx host <strong data-testid="webex-id">{account.webexId}</strong>
            <SourceNote account={account} />.
          </p>
          <div className="actions">
            <JoinButton />
            <PersonalRoomButton offered={room} />
          </div>
        </section>
      )}
    </>
  );
}
