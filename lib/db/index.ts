import { getConfig } from '../config';
import { openMigratedDatabase, type Db } from './connection';

export type { Db } from './connection';

// Kept on globalThis so Next's dev reloads and the many route bundles share one pool.
const holder = globalThis as typeof globalThis & { __webexSsoDb?: Promise<Db> };

/** The process-wide database, migrated on first use (instrumentation.ts touches it at start). */
export function getDb(): Promise<Db> {
  holder.__webexSsoDb ??= openMigratedDatabase(getConfig().databaseUrl).catch((err: unknown) => {
    holder.__webexSsoDb = undefined;
    throw err;
  });
  return holder.__webexSsoDb;
}
