import type { Kysely } from 'kysely';
import { getConfig, type AppConfig, type SiteSettings } from '../config';
import {
  type ConnectDeps,
  createHostCredentials,
  createOAuthTokenStore,
  createServiceApp,
  createWebexOAuthClient,
  type OAuthTokenStore,
  type WebexOAuthClient,
} from '../credentials';
import { getDb } from './database';
import type { Database } from '../db';
import { createLaunchLimiter, type LaunchDeps, type LaunchLimiter, type RestDeps } from '../launch';
import { createMeetingList, type MeetingList, type MeetingListFailure } from '../meetings';
import { metrics } from '../metrics';
import { processSlot } from '../process';
import {
  createHttpTransport,
  createUpstreamGuard,
  createWebexClient,
  type HttpTransport,
  type Transport,
  type UpstreamGuard,
  type UpstreamStats,
} from '../webex';
import { createWebexRestClient } from '../webex-rest';

// The composition root: the one place that turns configuration into wired dependencies.
//
// The deps are per module instance, deliberately not on globalThis: Next bundles lib/ into
// several server chunks, each with its own error classes, and an object created by another
// chunk throws errors that fail this chunk's `instanceof` checks (a launch after an admin page
// answered 500). The transport and the guard hold no classes the app checks with instanceof
// (the guard's refusals are read by code), so the process shares one pool and one circuit.
interface Upstream {
  transport: HttpTransport;
  /** toward the site's XML API */
  guard: UpstreamGuard;
  /** toward the REST API (webexapis.com): another host, so its own cap and circuit; an outage of one never silences the other */
  restGuard: UpstreamGuard;
}

const processUpstream = processSlot<Upstream>('upstream');

/** Both guards' state as one: the circuit is as open as the worse of them; calls add up. */
function combinedStats(a: UpstreamStats, b: UpstreamStats): UpstreamStats {
  const order = ['closed', 'half-open', 'open'] as const;
  return {
    circuit: order[Math.max(order.indexOf(a.circuit), order.indexOf(b.circuit))] ?? 'closed',
    inFlight: a.inFlight + b.inFlight,
    waiting: a.waiting + b.waiting,
  };
}

/** The process's one connection pool and guards toward WebEx, sized by the configuration. */
function upstream(config: AppConfig): Upstream {
  return processUpstream.getOrCreate(() => {
    const guard = () =>
      createUpstreamGuard({
        maxConcurrency: config.webex.maxConcurrency,
        maxWaitMs: config.webex.queueWaitMs,
        failureThreshold: config.webex.circuitFailures,
        coolDownMs: config.webex.circuitCoolDownMs,
      });
    // never more sockets per origin than calls allowed in flight toward it
    const transport = createHttpTransport({ maxSockets: config.webex.maxConcurrency });
    metrics().upstream.stats = getUpstreamStats;
    metrics().upstream.sockets = () => transport.sockets();
    return { transport, guard: guard(), restGuard: guard() };
  });
}

/** Closes the process's WebEx connections and the breakers' timers (shutdown, once the launches are done). */
export function closeUpstream(): void {
  const pools = processUpstream.get();
  pools?.transport.close();
  pools?.guard.close();
  pools?.restGuard.close();
}

/** Whether WebEx is answering, as this process last saw it (the home page and readiness show it). */
export function getUpstreamStats(): UpstreamStats {
  const { guard, restGuard } = upstream(getConfig());
  return combinedStats(guard.stats(), restGuard.stats());
}

/** One site's wiring: its XML API client, credential seam, Connect WebEx and REST adapter. */
export interface SiteDeps {
  site: SiteSettings;
  launch: LaunchDeps;
  /** oauth mode only: the "Connect WebEx" client and the token store the launch uses too */
  oauth?: { client: WebexOAuthClient; tokens: OAuthTokenStore };
  /** oauth mode only */
  connect?: ConnectDeps;
  /** WEBEX_LAUNCH_API=rest|auto only: the Service App and the REST client */
  rest?: RestDeps;
  /** WEBEX_LAUNCH_API=rest|auto only: the home page's list of the employee's meetings on this site */
  meetings?: MeetingList;
}

/** Everything the app's use cases need, wired once per bundle: every site's in `sites`, the default site's launch and REST at the top. */
export interface AppDeps {
  /** every configured site, the default site first */
  sites: readonly SiteDeps[];
  launch: LaunchDeps;
  /** WEBEX_LAUNCH_API=rest|auto only: the Service App and the REST client */
  rest?: RestDeps;
}

// the last list WebEx refused, for the settings page: written by the home page's bundle, read by the admin's
const lastMeetingListFailure = processSlot<MeetingListFailure>('meeting-list-failure');

/** The last failure of a home page's meeting list in this process (no person, no meeting), or undefined. */
export function getMeetingListFailure(): MeetingListFailure | undefined {
  return lastMeetingListFailure.get();
}

/** The REST adapter: the Service App's grant (the OAuth token store under its fixed key) and the REST client. */
function createRestDeps(
  config: AppConfig,
  site: SiteSettings,
  db: Kysely<Database>,
  transport: Transport,
  guard: UpstreamGuard | undefined,
): RestDeps | undefined {
  const rest = site.rest;
  if (!rest) return undefined;
  const { timeoutMs, maxResponseBytes } = config.webex;
  const client = createWebexOAuthClient({
    tokenUrl: `${rest.apiBaseUrl}/access_token`,
    clientId: rest.clientId,
    clientSecret: rest.clientSecret,
    assumeBearer: true,
    timeoutMs,
    maxResponseBytes,
  });
  const tokens = createOAuthTokenStore({ db, keys: config.secretKeys, client, leaseMs: timeoutMs + 5_000, site: site.serviceAppGrant });
  return {
    client: createWebexRestClient({
      baseUrl: rest.apiBaseUrl,
      timeoutMs,
      maxResponseBytes,
      transport,
      guard,
      observe: (call, outcome, seconds) => metrics().webexCalls.observe({ call, outcome }, seconds),
    }),
    serviceApp: createServiceApp({ db, tokens, client, clientId: rest.clientId, initialRefreshToken: rest.initialRefreshToken }),
    linkHosts: rest.linkHosts,
  };
}

/** One site's wiring; `rest` is passed in when the site shares another's Service App. */
function createSiteDeps(
  config: AppConfig,
  site: SiteSettings,
  db: Kysely<Database>,
  transport: Transport,
  guard: UpstreamGuard | undefined,
  rest: RestDeps | undefined,
): SiteDeps {
  const webex = createWebexClient({
    baseUrl: site.baseUrl,
    timeoutMs: config.webex.timeoutMs,
    maxResponseBytes: config.webex.maxResponseBytes,
    transport,
    guard,
    observe: (call, outcome, seconds) => metrics().webexCalls.observe({ call, outcome }, seconds),
  });
  const credentials = site.hostCredentials;
  let oauth: SiteDeps['oauth'];
  let connect: ConnectDeps | undefined;
  if (credentials.mode === 'oauth') {
    const client = createWebexOAuthClient({ ...credentials, timeoutMs: config.webex.timeoutMs, maxResponseBytes: config.webex.maxResponseBytes });
    // the lease outlasts one token request (its timeout), so a live refresher never loses it
    const tokens = createOAuthTokenStore({ db, keys: config.secretKeys, client, leaseMs: config.webex.timeoutMs + 5_000, site: site.key });
    oauth = { client, tokens };
    connect = { db, keys: config.secretKeys, oauth: client, tokens, webex, site: site.key, siteName: site.siteName, tokenUse: credentials.tokenUse };
  }
  return {
    site,
    launch: {
      db,
      webex,
      credentials: createHostCredentials({
        config: credentials,
        siteName: site.siteName,
        webex,
        keys: config.secretKeys,
        db,
        oauthTokens: oauth?.tokens,
        site: site.key,
      }),
      site,
      rule: config.mappingRule,
      siteRules: config.siteRules,
      backUrl: returnUrl(config),
      launchApi: site.launchApi,
      rest,
    },
    oauth,
    connect,
    rest,
    // the home page lists the employee's meetings on this site through its Service App (its siteUrl narrows the list)
    meetings:
      rest && config.meetings
        ? createMeetingList({
            client: rest.client,
            serviceApp: rest.serviceApp,
            cacheSeconds: config.meetings.cacheSeconds,
            siteUrl: site.rest?.siteUrl,
            ...(site.key ? { site: site.siteName } : {}),
            observe: (outcome) => metrics().meetingLists.inc({ outcome }),
            onFailure: (failure) => lastMeetingListFailure.set(failure),
          })
        : undefined,
  };
}

/**
 * Wires everything from the configuration, per site: the XML API client gets the site's address
 * and the configured timeout and size limit, the credential seam the site's mode, the REST adapter
 * the site's Service App (rest and auto; a site without its own shares the default site's). Pure,
 * so a test can wire it against its own server.
 */
export function createAppDeps(config: AppConfig, db: Kysely<Database>, transport: Transport, guard?: UpstreamGuard, restGuard?: UpstreamGuard): AppDeps {
  const rests = new Map<string, RestDeps | undefined>();
  const sites = config.sites.map((site) => {
    const shared = site.serviceAppGrant !== site.key && rests.has(site.serviceAppGrant);
    const rest = shared ? rests.get(site.serviceAppGrant) : createRestDeps(config, site, db, transport, restGuard);
    if (!shared) rests.set(site.key, rest);
    return createSiteDeps(config, site, db, transport, guard, rest);
  });
  const [first] = sites;
  if (!first) throw new TypeError('webex-sso: Bad usage. The configuration holds no site');
  return { sites, launch: first.launch, rest: first.rest };
}

/** Where WebEx reports a failed login or a logout (BU). */
export function returnUrl(config: AppConfig = getConfig()): string {
  return new URL('/webex/return', config.appUrl).href;
}

let deps: AppDeps | undefined;

/** This bundle's dependencies, on the process's one keep-alive pool. */
async function getAppDeps(): Promise<AppDeps> {
  const { db } = await getDb();
  const config = getConfig();
  const { transport, guard, restGuard } = upstream(config);
  deps ??= createAppDeps(config, db, transport, guard, restGuard);
  return deps;
}

/** Everything launchWebex (and the admin's checks) need, for the default site. */
export async function getLaunchDeps(): Promise<LaunchDeps> {
  return (await getAppDeps()).launch;
}

/** Every configured site's wiring, the default site first. */
export async function getSites(): Promise<readonly SiteDeps[]> {
  return (await getAppDeps()).sites;
}

/** One site's wiring by its key ('' the default site), or undefined for a site that is not configured. */
export async function getSite(key: string): Promise<SiteDeps | undefined> {
  return (await getAppDeps()).sites.find((s) => s.site.key === key);
}

/**
 * One site's wiring by the WebEx site name a form carries (a Join's or a Connect's `site` field):
 * none, or the default site's name, is the default site; undefined for a name that is not configured.
 */
export async function getSiteNamed(name: unknown): Promise<SiteDeps | undefined> {
  const { sites } = await getAppDeps();
  if (name === undefined || name === null || name === '') return sites[0];
  return sites.find((s) => s.site.siteName === name);
}

/** The "Connect WebEx" client and token store of a site (default the default site), in oauth mode; undefined in the other modes. */
export async function getOAuth(site = ''): Promise<SiteDeps['oauth']> {
  return (await getSite(site))?.oauth;
}

/** What "Connect WebEx" needs on a site (default the default site), in oauth mode; undefined in the other modes. */
export async function getConnectDeps(site = ''): Promise<ConnectDeps | undefined> {
  return (await getSite(site))?.connect;
}

/** The Service App and REST client, with WEBEX_LAUNCH_API=rest|auto; undefined with xml. */
export async function getRestDeps(): Promise<RestDeps | undefined> {
  return (await getAppDeps()).rest;
}

/** The home page's list of meetings on a site (default the default site), with WEBEX_LAUNCH_API=rest|auto; undefined with xml. */
export async function getMeetingList(site = ''): Promise<MeetingList | undefined> {
  return (await getSite(site))?.meetings;
}

let limiter: LaunchLimiter | undefined;

/** The per-user launch limit, counted in the shared database. */
export async function getLaunchLimiter(): Promise<LaunchLimiter> {
  limiter ??= createLaunchLimiter(await getDb(), getConfig().launchRateLimit);
  return limiter;
}
