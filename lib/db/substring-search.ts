import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from './dialect';
import type { Match } from './paged-list';
import type { Database } from './schema';

/**
 * Trigram indexes (SQLite FTS5 trigram, PostgreSQL pg_trgm) answer substrings of 3 characters or
 * more; shorter queries are answered by scanning, which is correct but grows with the table.
 */
export function usesTrigramIndex(query: string): boolean {
  return [...query].length >= 3;
}

/** An FTS5 query that matches `text` as one literal substring (a quoted phrase; `"` doubles). */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** LIKE pattern for a literal substring: %, _ and the escape character itself are escaped. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Rows of `table` where any of `columns` contains `text` (already lower-cased, as the columns are).
 * Through the table's trigram index (migration 005: the FTS5 table `<table>_fts` over the same text,
 * or pg_trgm GIN indexes on the same expressions) from 3 characters on, by scanning below that.
 */
export function substringMatch(db: Kysely<Database>, table: 'mappings' | 'audit_events', columns: RawBuilder<string>[], text: string): Match {
  const sqlite = dialectOf(db) === 'sqlite';
  const contains = (column: RawBuilder<string>) => (sqlite ? sql`instr(${column}, ${text}) > 0` : sql`strpos(${column}, ${text}) > 0`);
  const test = sql<boolean>`(${sql.join(columns.map(contains), sql` or `)})`;
  const rows = sql.table(table);
  if (!usesTrigramIndex(text)) return { rows: sql`(select * from ${rows} where ${test})`, test };
  if (sqlite) {
    const fts = sql.table(`${table}_fts`);
    return { rows: sql`(select ${rows}.* from ${fts} cross join ${rows} on ${rows}.id = ${fts}.rowid where ${fts} match ${ftsPhrase(text)})`, test };
  }
  const pattern = containsPattern(text);
  return { rows: sql`(select * from ${rows} where (${sql.join(columns.map((column) => sql`${column} like ${pattern}`), sql` or `)}))`, test };
}
