import { getConfig } from '../config';
import { openMigratedDatabase, type Db } from '../db';
import { processSlot } from '../process';

export type { Db } from '../db';

// One pool for every route bundle (and Next's dev reloads): the opening, and what it opened.
const opening = processSlot<Promise<Db>>('database');
const opened = processSlot<Db>('database-opened');

/** The process-wide database, migrated on first use (instrumentation.ts touches it at start). */
export function getDb(): Promise<Db> {
  return opening.getOrCreate(() =>
    openMigratedDatabase(getConfig().databaseUrl).then(
      (db) => {
        opened.set(db);
        return db;
      },
      (err: unknown) => {
        opening.set(undefined);
        throw err;
      },
    ),
  );
}

/**
 * Closes the database as the process exits, which Next does on SIGTERM once every request is
 * answered (nothing can use it afterwards). SQLite then checkpoints its write-ahead log into the
 * file and removes it, as a clean stop should. PostgreSQL's connections end with the process:
 * ending the pool is asynchronous, and an exit handler cannot wait.
 */
export function closeDatabaseOnExit(): void {
  process.once('exit', () => {
    const db = opened.get();
    if (db?.driver.kind === 'sqlite') db.driver.database.close();
  });
}
