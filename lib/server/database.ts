import { getConfig } from '../config';
import { openMigratedDatabase, type Db } from '../db';

export type { Db } from '../db';

// Kept on globalThis so Next's dev reloads and the many route bundles share one pool.
const holder = globalThis as typeof globalThis & { __webexSsoDb?: Promise<Db>; __webexSsoDbOpened?: Db };

/** The process-wide database, migrated on first use (instrumentation.ts touches it at start). */
export function getDb(): Promise<Db> {
  holder.__webexSsoDb ??= openMigratedDatabase(getConfig().databaseUrl).then(
    (opened) => (holder.__webexSsoDbOpened = opened),
    (err: unknown) => {
      holder.__webexSsoDb = undefined;
      throw err;
    },
  );
  return holder.__webexSsoDb;
}

/**
 * Closes the database as the process exits, which Next does on SIGTERM once every request is
 * answered (nothing can use it afterwards). SQLite then checkpoints its write-ahead log into the
 * file and removes it, as a clean stop should. PostgreSQL's connections end with the process:
 * ending the pool is asynchronous, and an exit handler cannot wait.
 */
export function closeDatabaseOnExit(): void {
  process.once('exit', () => {
    const opened = holder.__webexSsoDbOpened;
    if (opened?.driver.kind === 'sqlite') opened.driver.database.close();
  });
}
