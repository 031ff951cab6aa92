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
  driver: { kind: 'sqlite'; database: CachingSqlite } | { kind: 'postgres'; pool: pg.Pool };
}

/** better-sqlite3 as Kysely and the rate limiter use it, with prepared statements kept. */
export type CachingSqlite = Pick<SqliteDatabase.Database, 'prepare' | 'transaction' | 'close'>;

const STATEMENTS_KEPT = 256;

/**
 * Kysely (and rate-limiter-flexible) prepare every query anew; on a launch, preparing cost more
 * than running (docs/performance.md §5.4). The last STATEMENTS_KEPT statements are kept by their
 * SQL text. A statement still iterating (a streamed export) is busy: the same SQL meanwhile gets a
 * statement of its own.
 */
export function keepStatements(sqlite: SqliteDatabase.Database, kept = STATEMENTS_KEPT): CachingSqlite {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepare = (source: string) => {
    const cached = statements.get(source);
    statements.delete(source);
    const statement = cached && !cached.busy ? cached : sqlite.prepare(source);
    statements.set(source, statement);
    if (statements.size > kept) statements.delete(statements.keys().next().value as string);
    return statement;
  };
  return {
    prepare: prepare as SqliteDatabase.Database['prepare'],
    transaction: (fn) => sqlite.transaction(fn),
    close: () => sqlite.close(),
  };
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
  const database = keepStatements(sqlite);
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite', driver: { kind: 'sqlite', database } };
}

/** Opens the database and applies pending migrations. */
export async function openMigratedDatabase(databaseUrl: string): Promise<Db> {
  const opened = openDatabase(databaseUrl);
  await migrateToLatest(opened.db as Kysely<unknown>, opened.dialect);
  return opened;
}
