import { getConfig, type AppConfig } from './config';
import { getDb } from './db';
import type { LaunchDeps } from './launch';
import { createHttpTransport, createWebexClient, type Transport, type WebexClient } from './webex';

// The composition root: the one place that turns configuration into wired dependencies.
//
// The client is per module instance, deliberately not on globalThis: Next bundles lib/ into
// several server chunks, each with its own WebexError class, and a client created by another
// chunk throws errors that fail this chunk's `instanceof` checks (a launch after an admin page
// answered 500). The transport holds no classes of ours, so the process shares one pool.
const holder = globalThis as typeof globalThis & { __webexSsoTransport?: Transport };
let client: WebexClient | undefined;

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

/** Where WebEx reports a failed login or a logout (BU). */
export function returnUrl(config: AppConfig = getConfig()): string {
  return new URL('/webex/return', config.appUrl).href;
}

/** Everything launchWebex needs, from the configuration. */
export async function getLaunchDeps(): Promise<LaunchDeps> {
  const config = getConfig();
  const { db } = await getDb();
  return {
    db,
    webex: getWebexClient(config),
    site: config.webex,
    rule: config.mappingRule,
    backUrl: returnUrl(config),
    credentialKeys: config.credentialKeys,
  };
}
