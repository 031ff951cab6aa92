import { sql, type Kysely } from 'kysely';
import { dialectOf } from './dialect';

/**
 * SQLite plans with the statistics of its last ANALYZE, which it runs only when told: a table
 * analysed while empty is planned as a one-row table forever (a search then scans it once per
 * match). Refresh after migrations, after an import and daily; analysis_limit (set on open) keeps
 * it to milliseconds. PostgreSQL's autovacuum does this by itself.
 */
export async function refreshPlannerStatistics<DB>(db: Kysely<DB>): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sql`pragma optimize = 0x10002`.execute(db);
}
