import { getConfig, type AppConfig } from './config';
import { getDb } from './db';
import type { LaunchDeps } from './launch';
import { createWebexClient, type WebexClient } from './webex';

// The composition root: the one place that turns configuration into wired dependencies.
const holder = globalThis as typeof globalThis & { __webexSsoClient?: WebexClient };

/** The process-wide WebEx client (one keep-alive pool). */
export function getWebexClient(config: AppConfig = getConfig()): WebexClient {
  holder.__webexSsoClient ??= createWebexClient({
    baseUrl: config.webex.baseUrl,
    timeoutMs: config.webex.timeoutMs,
    maxResponseBytes: config.webex.maxResponseBytes,
  });
  return holder.__webexSsoClient;
}

/** Where WebEx reports a failed login (BU). */
export function returnUrl(config: AppConfig): string {
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
