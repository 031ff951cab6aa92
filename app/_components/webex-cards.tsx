import type { ReactNode } from 'react';
import type { ResolvedAccount } from '@/lib/mappings';
import { getOAuth } from '@/lib/server';
import { hostEmailFor } from '@/lib/webex-rest';
import { ConnectButton } from './connect-button';
import { JoinButton } from './join-button';
import { PERSONAL_ROOM, SITE_FIELD } from '@/lib/launch';

/** The home page's WebEx cards, one per way the portal is set up to launch. */

function SourceNote({ account }: { account: ResolvedAccount }) {
  return <span className="muted">{account.source === 'mapping' ? ' (linked by your administrator)' : ' (derived by the company rule)'}</span>;
}

/** The WebEx card: the host account the employee joins as, and their buttons. */
export function WebexCard({
  account,
  notice,
  title = 'WebEx',
  children,
}: {
  account: ResolvedAccount;
  notice?: ReactNode;
  title?: string;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {notice}
      <p>
        You join as WebEx host <strong data-testid="webex-id">{account.webexId}</strong>
        <SourceNote account={account} />.
      </p>
      <div className="actions">{children}</div>
    </section>
  );
}

/** Start my personal room (REST, through the company's Service App), where WEBEX_LAUNCH_API offers it. */
export function PersonalRoomButton({ offered }: { offered: boolean }) {
  return offered ? <JoinButton label="Start my personal room" target={PERSONAL_ROOM} secondary /> : null;
}

/**
 * The WebEx card with WEBEX_LAUNCH_API=rest: meetings only, through the company's Service App;
 * no sign-in to the site itself (REST has none), so no Join WebEx and no credential of the employee.
 */
export function RestWebexCard({ email, account, site }: { email: string; account: ResolvedAccount; site?: CardSite }) {
  const title = site ? `WebEx · ${site.displayName}` : 'WebEx';
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <p>
        You start and join meetings as <strong data-testid="webex-email">{hostEmailFor(email, account.webexId)}</strong>
        <SourceNote account={account} />, through the company&apos;s WebEx app: no WebEx password needed.
      </p>
      <div className="actions">
        <JoinButton
          label={site ? `Start my personal room · ${site.displayName}` : 'Start my personal room'}
          target={site ? { ...PERSONAL_ROOM, site: site.siteName } : PERSONAL_ROOM}
        />
      </div>
      <p className="muted">To join someone else&apos;s meeting, open its portal link (/meet/ and the meeting number) from the invitation.</p>
    </section>
  );
}

/** With several sites, which one a card is for: its buttons name it, its title shows it. */
export interface CardSite {
  key: string;
  siteName: string;
  displayName: string;
}

/** The WebEx card in oauth mode: Join once connected, else Connect (or Reconnect); with several sites, one per site. */
export async function OAuthWebexCard({
  email,
  account,
  notice,
  room,
  site,
}: {
  email: string;
  account: ResolvedAccount;
  notice: string;
  room: boolean;
  site?: CardSite;
}) {
  const connection = await (await getOAuth(site?.key))?.tokens.status(email);
  const usable = connection?.state === 'connected' && connection.webexId.toLowerCase() === account.webexId.toLowerCase();
  const suffix = site ? ` · ${site.displayName}` : '';
  if (!usable) {
    const again = connection !== undefined;
    const title = `${again ? 'Reconnect your WebEx account' : 'Connect your WebEx account'}${suffix}`;
    return (
      <section className="card" aria-label={site ? title : 'WebEx'}>
        <h2>{title}</h2>
        <p>
          You join as WebEx host <strong data-testid="webex-id">{account.webexId}</strong>
          <SourceNote account={account} />.{' '}
          {again
            ? 'Your WebEx authorisation for the portal ended (revoked, expired, or your WebEx link changed). Allow the portal again to join with one click.'
            : 'Once, sign in to WebEx and allow the portal; after that, Join WebEx signs you in with one click.'}
        </p>
        <div className="actions">
          <ConnectButton label={`${again ? 'Reconnect WebEx' : 'Connect WebEx'}${suffix}`} site={site?.siteName} />
          {!site && <PersonalRoomButton offered={room} />}
        </div>
      </section>
    );
  }
  return (
    <WebexCard
      account={account}
      title={`WebEx${suffix}`}
      notice={
        notice === 'connected' && (
          <p className="notice" role="status">
            Your WebEx account is connected.
          </p>
        )
      }
    >
      <JoinButton label={`Join WebEx${suffix}`} target={site ? { kind: 'home', site: site.siteName } : undefined} />
      {!site && <PersonalRoomButton offered={room} />}
      <form method="post" action="/webex/disconnect">
        {site && <input type="hidden" name={SITE_FIELD} value={site.siteName} />}
        <button type="submit" className="secondary">
          Disconnect WebEx{suffix}
        </button>
      </form>
    </WebexCard>
  );
}
