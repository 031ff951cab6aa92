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
import { createHttpTransport, createWebexClient, type Transport } from './webex';

// The composition root: the one place that turns configuration into wired dependencies.
//
// The deps are per module instance, deliberately not on globalThis: Next bundles lib/ into
// several server chunks, each with its own error classes, and an object created by another
// chunk throws errors that fail this chunk's `instanceof` checks (a launch after an admin page
// answered 500). The transport holds no classes of ours, so the process shares one pool.
const holder = globalThis as typeof globalThis & { __webexSsoTransport?: Transport };

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
export function createAppDeps(config: AppConfig, db: Kysely<Database>, transport: Transport): AppDeps {
  const webex = createWebexClient({
    baseUrl: config.webex.baseUrl,
    timeoutMs: config.webex.timeoutMs,
    maxResponseBytes: config.webex.maxResponseBytes,
    transport,
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
  holder.__webexSsoTransport ??= createHttpTransport();
  deps ??= createAppDeps(getConfig(), db, holder.__webexSsoTransport);
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
