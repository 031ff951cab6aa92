import type { Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Which database a Kysely instance (or a transaction of it) talks to, where their SQL differs.
 * Not `adapter instanceof PostgresAdapter`: Next bundles Kysely into several server chunks, each
 * with its own copy of the class, and a database opened by one chunk failed that check in another
 * (an import preview on PostgreSQL sent SQLite's SQL). Of the two, only PostgreSQL runs DDL in
 * transactions: that property is the adapter's own, whichever copy made it.
 */
export function dialectOf<DB>(db: Kysely<DB>): Dialect {
  return db.getExecutor().adapter.supportsTransactionalDdl ? 'postgres' : 'sqlite';
}
