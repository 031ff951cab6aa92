import type { Kysely } from 'kysely';
import { getConfig, type AppConfig } from './config';
import {
  createHostCredentials,
  createOAuthTokenStore,
  createWebexOAuthClient,
  type OAuthTokenStore,
  type WebexOAuthClient,
} from './credentials';
import type { ConnectDeps } from './credentials/connect';
import { getDb } from './db';
import type { Database } from './db/schema';
import type { LaunchDeps } from './launch';
import { metrics } from './metrics';
import { createLaunchLimiter, type LaunchLimiter } from './rate-limit';
import { createHttpTransport, createUpstreamGuard, createWebexClient, type HttpTransport, type Transport, type UpstreamGuard, type UpstreamStats } from './webex';

// The composition root: the one place that turns configuration into wired dependencies.
//
// The deps are per module instance, deliberately not on globalThis: Next bundles lib/ into
// several server chunks, each with its own error classes, and an object created by another
// chunk throws errors that fail this chunk's `instanceof` checks (a launch after an admin page
// answered 500). The transport and the guard hold no classes the app checks with instanceof
// (the guard's refusals are read by code), so the process shares one pool and one circuit.
const holder = globalThis as typeof globalThis & { __webexSsoUpstream?: { transport: HttpTransport; guard: UpstreamGuard } };

/** The process's one connection pool and guard toward WebEx, sized by the configuration. */
function upstream(config: AppConfig): { transport: HttpTransport; guard: UpstreamGuard } {
  if (holder.__webexSsoUpstream) return holder.__webexSsoUpstream;
  holder.__webexSsoUpstream = {
    // never more sockets than calls allowed in flight
    transport: createHttpTransport({ maxSockets: config.webex.maxConcurrency }),
    guard: createUpstreamGuard({
      maxConcurrency: config.webex.maxConcurrency,
      maxWaitMs: config.webex.queueWaitMs,
      failureThreshold: config.webex.circuitFailures,
      coolDownMs: config.webex.circuitCoolDownMs,
    }),
  };
  const { guard, transport } = holder.__webexSsoUpstream;
  metrics().upstream.stats = () => guard.stats();
  metrics().upstream.sockets = () => transport.sockets();
  return holder.__webexSsoUpstream;
}

/** Closes the process's WebEx connections and the breaker's timers (shutdown, once the launches are done). */
export function closeUpstream(): void {
  holder.__webexSsoUpstream?.transport.close();
  holder.__webexSsoUpstream?.guard.close();
}

/** Whether WebEx is answering, as this process last saw it (the home page and readiness show it). */
export function getUpstreamStats(): UpstreamStats {
  return upstream(getConfig()).guard.stats();
}

/** Everything the app's use cases need, wired once per bundle. */
export interface AppDeps {
  launch: LaunchDeps;
  /** oauth mode only: the "Connect WebEx" client and the token store the launch uses too */
  oauth?: { client: WebexOAuthClient; tokens: OAuthTokenStore };
  /** oauth mode only */
  connect?: ConnectDeps;
}

/**
 * Wires everything from the configuration: the XML API client gets the configured timeout and
 * size limit, the credential seam the configured mode. Pure, so a test can wire it against its own server.
 */
export function createAppDeps(config: AppConfig, db: Kysely<Database>, transport: Transport, guard?: UpstreamGuard): AppDeps {
  const webex = createWebexClient({
    baseUrl: config.webex.baseUrl,
    timeoutMs: config.webex.timeoutMs,
    maxResponseBytes: config.webex.maxResponseBytes,
    transport,
    guard,
    observe: (call, outcome, seconds) => metrics().webexCalls.observe({ call, outcome }, seconds),
  });
  const credentials = config.credentials;
  let oauth: AppDeps['oauth'];
  let connect: ConnectDeps | undefined;
  if (credentials.mode === 'oauth') {
    const client = createWebexOAuthClient({ ...credentials, timeoutMs: config.webex.timeoutMs, maxResponseBytes: config.webex.maxResponseBytes });
    // the lease outlasts one token request (its timeout), so a live refresher never loses it
    const tokens = createOAuthTokenStore({ db, keys: config.credentialKeys, client, leaseMs: config.webex.timeoutMs + 5_000 });
    oauth = { client, tokens };
    connect = { db, keys: config.credentialKeys, oauth: client, tokens, webex, siteName: config.webex.siteName, tokenUse: credentials.tokenUse };
  }
  return {
    launch: {
      db,
      webex,
      credentials: createHostCredentials({ config: credentials, siteName: config.webex.siteName, webex, keys: config.credentialKeys, db, oauthTokens: oauth?.tokens }),
      site: config.webex,
      rule: config.mappingRule,
      backUrl: returnUrl(config),
    },
    oauth,
    connect,
  };
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
  const { transport, guard } = upstream(config);
  deps ??= createAppDeps(config, db, transport, guard);
  return deps;
}

/** Everything launchWebex (and the admin's checks) need. */
export async function getLaunchDeps(): Promise<LaunchDeps> {
  return (await getAppDeps()).launch;
}

/** The "Connect WebEx" client and token store, in oauth mode; undefined in the other modes. */
export async function getOAuth(): Promise<AppDeps['oauth']> {
  return (await getAppDeps()).oauth;
}

/** What "Connect WebEx" needs, in oauth mode; undefined in the other modes. */
export async function getConnectDeps(): Promise<ConnectDeps | undefined> {
  return (await getAppDeps()).connect;
}

let limiter: LaunchLimiter | undefined;

/** The per-user launch limit, counted in the shared database. */
export async function getLaunchLimiter(): Promise<LaunchLimiter> {
  limiter ??= createLaunchLimiter(await getDb(), getConfig().launchRateLimit);
  return limiter;
}
