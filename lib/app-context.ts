import type { Kysely } from 'kysely';
import { getConfig, type AppConfig } from './config';
import { getDb } from './db';
import type { Database } from './db/schema';
import type { LaunchDeps } from './launch';
import { createHttpTransport, createWebexClient, type Transport } from './webex';

// The composition root: the one place that turns configuration into wired dependencies.
//
// The deps are per module instance, deliberately not on globalThis: Next bundles lib/ into
// several server chunks, each with its own WebexError class, and a client created by another
// chunk throws errors that fail this chunk's `instanceof` checks (a launch after an admin page
// answered 500). The transport holds no classes of ours, so the process shares one pool.
const holder = globalThis as typeof globalThis & { __webexSsoTransport?: Transport };
let deps: LaunchDeps | undefined;

/** Where WebEx reports a failed login or a logout (BU). */
export function returnUrl(config: AppConfig = getConfig()): string {
  return new URL('/webex/return', config.appUrl).href;
}

/**
 * Everything launchWebex needs, wired from the configuration: the XML API client gets the
 * configured timeout and size limit. Pure, so a test can wire it against its own server.
 */
export function createLaunchDeps(config: AppConfig, db: Kysely<Database>, transport: Transport): LaunchDeps {
  return {
    db,
    webex: createWebexClient({
      baseUrl: config.webex.baseUrl,
      timeoutMs: config.webex.timeoutMs,
      maxResponseBytes: config.webex.maxResponseBytes,
      transport,
    }),
    site: config.webex,
    rule: config.mappingRule,
    backUrl: returnUrl(config),
    credentialKeys: config.credentialKeys,
  };
}

/** The launch's dependencies for this bundle, on the process's one keep-alive pool. */
export async function getLaunchDeps(): Promise<LaunchDeps> {
  const { db } = await getDb();
  holder.__webexSsoTransport ??= createHttpTransport();
  deps ??= createLaunchDeps(getConfig(), db, holder.__webexSsoTransport);
  return deps;
}
