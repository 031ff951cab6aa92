import type { Kysely } from 'kysely';
import { getConfig, type AppConfig } from './config';
import {
  createHostCredentials,
  createOAuthTokenStore,
  createWebexOAuthClient,
  type HostCredentials,
  type OAuthTokenStore,
  type WebexOAuthClient,
} from './credentials';
import { getDb } from './db';
import type { Database } from './db/schema';
import type { ConnectDeps } from './credentials/connect';
import type { LaunchDeps } from './launch';
import { createHttpTransport, createWebexClient, type Transport, type WebexClient } from './webex';

// The composition root: the one place that turns configuration into wired dependencies.
//
// Clients are per module instance, deliberately not on globalThis: Next bundles lib/ into
// several server chunks, each with its own error classes, and an object created by another
// chunk throws errors that fail this chunk's `instanceof` checks (a launch after an admin page
// answered 500). The transport holds no classes of ours, so the process shares one pool.
const holder = globalThis as typeof globalThis & { __webexSsoTransport?: Transport };
let client: WebexClient | undefined;
let credentials: HostCredentials | undefined;
let oauth: { client: WebexOAuthClient; tokens: OAuthTokenStore } | undefined;

/** The WebEx client for this bundle, on the process's one keep-alive pool. */
function getWebexClient(config: AppConfig = getConfig()): WebexClient {
  holder.__webexSsoTransport ??= createHttpTransport();
  client ??= createWebexClient({
    baseUrl: config.webex.baseUrl,
    timeoutMs: config.webex.timeoutMs,
    maxResponseBytes: config.webex.maxResponseBytes,
    transport: holder.__webexSsoTransport,
  });
  return client;
}

/** The "Connect WebEx" client and token store, in oauth mode; undefined in the other modes. */
export async function getOAuth(): Promise<{ client: WebexOAuthClient; tokens: OAuthTokenStore } | undefined> {
  const config = getConfig();
  if (config.credentials.mode !== 'oauth') return undefined;
  if (oauth) return oauth;
  const { db } = await getDb();
  const oauthClient = createWebexOAuthClient({ ...config.credentials, timeoutMs: config.webex.timeoutMs, maxResponseBytes: config.webex.maxResponseBytes });
  oauth = {
    client: oauthClient,
    tokens: createOAuthTokenStore({
      db,
      keys: config.credentialKeys,
      client: oauthClient,
      // longer than one token request may take, so a live refresher never loses its lease
      leaseMs: config.webex.timeoutMs + 5_000,
    }),
  };
  return oauth;
}

async function getCredentials(config: AppConfig, db: Kysely<Database>, webex: WebexClient): Promise<HostCredentials> {
  credentials ??= createHostCredentials({
    config: config.credentials,
    siteName: config.webex.siteName,
    webex,
    keys: config.credentialKeys,
    db,
    oauthTokens: (await getOAuth())?.tokens,
  });
  return credentials;
}

/** Where WebEx reports a failed login or a logout (BU). */
export function returnUrl(config: AppConfig = getConfig()): string {
  return new URL('/webex/return', config.appUrl).href;
}

/** Everything launchWebex needs, from the configuration. */
export async function getLaunchDeps(): Promise<LaunchDeps> {
  const config = getConfig();
  const { db } = await getDb();
  const webex = getWebexClient(config);
  return {
    db,
    webex,
    credentials: await getCredentials(config, db, webex),
    site: config.webex,
    rule: config.mappingRule,
    backUrl: returnUrl(config),
  };
}

/** What "Connect WebEx" needs, in oauth mode; undefined in the other modes. */
export async function getConnectDeps(): Promise<ConnectDeps | undefined> {
  const config = getConfig();
  const oauthParts = await getOAuth();
  if (!oauthParts || config.credentials.mode !== 'oauth') return undefined;
  const { db } = await getDb();
  return {
    db,
    keys: config.credentialKeys,
    oauth: oauthParts.client,
    tokens: oauthParts.tokens,
    webex: getWebexClient(config),
    siteName: config.webex.siteName,
    tokenUse: config.credentials.tokenUse,
  };
}
