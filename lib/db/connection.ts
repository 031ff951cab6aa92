import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export type { Dialect } from './dialect';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** the driver underneath, for libraries that bring their own SQL (the launch rate limiter) */
  driver: { kind: 'sqlite'; database: SqliteDatabase.Database } | { kind: 'postgres'; pool: pg.Pool };
}

/**
 * Opens the database named by a DATABASE_URL: `postgres://…` for several instances, otherwise
 * an SQLite file (`file:./data/x.sqlite`, a plain path, or `:memory:`).
 */
function openDatabase(databaseUrl: string): Db {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', driver: { kind: 'postgres', pool } };
  }
  const path = databaseUrl.replace(/^file:/, '');
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  // WAL lets readers run while an import writes; busy_timeout rides out a concurrent writer.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // 64 MiB of page cache (the default is 2 MiB): search and sorted pages at 100,000+ rows re-read the same pages.
  sqlite.pragma('cache_size = -65536');
  // ANALYZE samples this many rows per index instead of reading them all (see refreshPlannerStatistics).
  sqlite.pragma('analysis_limit = 1000');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), dialect: 'sqlite', driver: { kind: 'sqlite', database: sqlite } };
}

/** Opens the database and applies pending migrations. */
export async function openMigratedDatabase(databaseUrl: string): Promise<Db> {
  const opened = openDatabase(databaseUrl);
  await migrateToLatest(opened.db as Kysely<unknown>, opened.dialect);
  return opened;
}
