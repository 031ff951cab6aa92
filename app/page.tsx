import { JoinButton } from './_components/join-button';
import { MyMeetingsSection } from './_components/my-meetings';
import { TimeZoneCookie } from './_components/time-zone-cookie';
import { OAuthWebexCard, PersonalRoomButton, RestWebexCard, WebexCard } from './_components/webex-cards';
import { SignOutButton } from './_components/sign-out-button';
import { firstParam, type SearchParams } from './_lib/search-params';
import { employeeTimeZone } from './_lib/time-zone';
import { getDb, getPortalUser, getUpstreamStats } from '@/lib/server';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { HOME, launchPathFor, PERSONAL_ROOM } from '@/lib/launch';
import { resolveWebexAccount, resolveWebexAccounts } from '@/lib/mappings';
import { hostEmailFor } from '@/lib/webex-rest';

export const dynamic = 'force-dynamic';

export default async function HomePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await getPortalUser();
  const config = getConfig();
  // the browser's zone, for the list of meetings after the sign-in
  const tzCookie = <TimeZoneCookie secure={config.appUrl.protocol === 'https:'} />;
  if (!user) {
    return (
      <section className="card">
        {tzCookie}
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
  // one site: the account there; several (WEBEX_SITES): one card per site the employee has an account on
  const accounts = config.sites.length > 1 ? await resolveWebexAccounts(db, user, config.mappingRule, config.siteRules) : undefined;
  const account = accounts ? accounts[0] : await resolveWebexAccount(db, user, config.mappingRule);
  // which buttons WEBEX_LAUNCH_API offers: the site's home (XML) and the personal room (REST)
  const homeOffered = launchPathFor(config.webex.launchApi, HOME) !== undefined;
  const room = launchPathFor(config.webex.launchApi, PERSONAL_ROOM) !== undefined;
  const zone = await employeeTimeZone();
  return (
    <>
      {tzCookie}
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
      ) : accounts ? (
        accounts.map((siteAccount) => {
          const site = config.sites.find((s) => s.key === siteAccount.site);
          if (!site) return null;
          // each site as its own launch API and credential mode say: REST only (its personal room), or
          // oauth (Connect, Join, Disconnect per site), or Join WebEx to its home
          if (launchPathFor(site.launchApi, HOME) === undefined) return <RestWebexCard key={site.key} email={user.email} account={siteAccount} site={site} />;
          return site.hostCredentials.mode === 'oauth' ? (
            <OAuthWebexCard key={site.key} email={user.email} account={siteAccount} notice={notice} room={false} site={site} />
          ) : (
            <WebexCard key={site.key} account={siteAccount} title={`WebEx · ${site.displayName}`}>
              <JoinButton label={`Join WebEx · ${site.displayName}`} target={{ kind: 'home', site: site.siteName }} />
            </WebexCard>
          );
        })
      ) : !homeOffered ? (
        <RestWebexCard email={user.email} account={account} />
      ) : config.hostCredentials.mode === 'oauth' ? (
        <OAuthWebexCard email={user.email} account={account} notice={notice} room={room} />
      ) : (
        <WebexCard account={account}>
          <JoinButton />
          <PersonalRoomButton offered={room} />
        </WebexCard>
      )}
      {account && config.meetings && (
        <MyMeetingsSection
          email={user.email}
          sources={(accounts ?? [account]).flatMap((a) => {
            const site = config.sites.find((s) => s.key === a.site);
            return site ? [{ key: site.key, siteName: site.siteName, displayName: site.displayName, hostEmail: hostEmailFor(user.email, a.webexId) }] : [];
          })}
          zone={zone.zone}
          zoneKnown={zone.known}
          isAdmin={user.isAdmin}
        />
      )}
    </>
  );
}
