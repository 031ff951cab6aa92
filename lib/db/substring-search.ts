import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from './dialect';
import { COUNT_LIMIT, type Match } from './paged-list';
import type { Database } from './schema';
import { SEARCH_TEXT_SEPARATOR } from './search-text';

export type SearchedTable = 'mappings' | 'audit_events';

/**
 * Trigram indexes (SQLite FTS5 trigram, PostgreSQL pg_trgm) answer substrings of 3 characters or
 * more as such. Shorter ones: on SQLite through the index's list of trigrams (shortQueryTerms);
 * on PostgreSQL by scanning, which is correct but grows with the table.
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

// The characters JavaScript's toLowerCase leaves as they are but the audit index's tokenizer (not
// case-sensitive) folds: µ → μ, ſ → s, ς → σ, ϐ → β, …
const FOLDED_BY_AUDIT_FTS = new Set([0xb5, 0x17f, 0x345, 0x3c2, 0x3d0, 0x3d1, 0x3d5, 0x3d6, 0x3f0, 0x3f1, 0x3f5, 0x1e9b, 0x1fbe]);

/**
 * Whether a table's FTS index holds each character of `text` (lower-cased) as it is, so that the
 * trigrams that start with `text` are where shortQueryTerms looks; short queries with other
 * characters scan. FTS5 reads lone surrogates, U+FFFE and U+FFFF as U+FFFD. substring-search.test.ts
 * derives these characters from SQLite's tokenizer, and fails when they change.
 */
export function ftsHoldsAsIs(table: SearchedTable, text: string): boolean {
  return [...text].every((c) => {
    const point = c.codePointAt(0) ?? 0;
    if ((point >= 0xd800 && point <= 0xdfff) || point === 0xfffe || point === 0xffff) return false;
    return table !== 'audit_events' || !FOLDED_BY_AUDIT_FTS.has(point);
  });
}

/**
 * SQLite's plan for a short query, by the rows each reads, in rows a scan would read (0.1–0.2 µs
 * each). A scan stops at the COUNT_LIMIT + 1st match the list wants: it reads about COUNT_LIMIT /
 * share rows, the whole table when matches are rare; up to CHEAP_SCAN_ROWS (about 5 ms) it is taken
 * at once. The index's plan lists the trigrams that start with the query (fts5vocab reads every
 * index entry of each: about LISTING_ROWS per matching row; 85 ms for "a" in 1,000,000 names,
 * 2 ms for a query 30 times rarer) and looks them up in one FTS5 query, about TERM_ROWS per
 * trigram (its lookup, and its part in merging the OR of all: 33 ms for 150 of them at 100,000
 * names, where a scan took 8 ms).
 */
const CHEAP_SCAN_ROWS = 30_000;
const LISTING_ROWS = 0.5;
const TERM_ROWS = 1_000;
/**
 * The share is measured on SAMPLE_RUNS runs of SAMPLE_RUN consecutive ids spread over the table
 * (0.5 ms): 8 runs of 256 read 17% for "9" in e-mails numbered in id order, where 47% hold one.
 */
const SAMPLE_RUNS = 128;
const SAMPLE_RUN = 16;

/** The first string after every string that starts with `prefix` (its last code point plus one), or none. */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = (points.pop() ?? 0) + 1;
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last === 0xd800 ? 0xe000 : last);
  }
  return undefined;
}

/**
 * SQLite: the trigrams in `table`'s FTS index that start with `text` (1 or 2 characters). Every
 * occurrence of `text` starts one, since the indexed text ends with two separators (migration 011)
 * and no query contains the separator.
 */
async function shortQueryTerms(db: Kysely<Database>, table: SearchedTable, text: string): Promise<string[]> {
  const vocab = sql.table(`${table}_fts_vocab`);
  const end = prefixEnd(text);
  const { rows } = await sql<{ term: string }>`
    select term from ${vocab} where term >= ${text} ${end === undefined ? sql`` : sql`and term < ${end}`}`.execute(db);
  return rows.map((r) => r.term);
}

/** About how many rows `table` has, and which share of them pass `test`, from a sample spread over its ids. */
async function sampleMatches(db: Kysely<Database>, table: SearchedTable, test: RawBuilder<boolean>): Promise<{ rows: number; share: number }> {
  const rows = sql.table(table);
  // min() and max() in subqueries of their own: together in one select, SQLite reads the whole table for them
  const { rows: counted } = await sql<{ ids: number | null; sampled: number; hits: number | null }>`
    with span as (select (select min(id) from ${rows}) as first_id, (select max(id) from ${rows}) - (select min(id) from ${rows}) + 1 as ids),
      runs(run) as (select 0 union all select run + 1 from runs where run < ${sql.lit(SAMPLE_RUNS - 1)}),
      starts as (select first_id + run * ids / ${sql.lit(SAMPLE_RUNS)} as start from span cross join runs)
    select (select ids from span) as ids, count(*) as sampled, sum(${test}) as hits
    from starts cross join ${rows} on ${rows}.id >= start and ${rows}.id < start + ${sql.lit(SAMPLE_RUN)}`.execute(db);
  const { ids, sampled = 0, hits } = counted[0] ?? {};
  return { rows: ids ?? 0, share: sampled > 0 ? (hits ?? 0) / sampled : 0 };
}

/**
 * What a search of each table looks in, lower-cased: the text its trigram indexes hold (migration
 * 005), as the expressions a scan tests. Mappings: e-mail, WebEx ID and display name, lower-cased by
 * JavaScript on write (search-text.ts). Audit events: actor and target; SQLite's lower() folds ASCII
 * only where its FTS index folds all of Unicode, so what the index finds is tested with lower() again.
 */
const SEARCHED: Record<SearchedTable, RawBuilder<string>[]> = {
  mappings: [sql`search_text`],
  audit_events: [sql`lower(actor)`, sql`lower(target)`],
};

/**
 * Rows of `table` whose searched text (SEARCHED) contains `query`, case-insensitively. Through the
 * table's trigram index (migration 005: the FTS5 table `<table>_fts`, or pg_trgm GIN indexes) from
 * 3 characters on; on SQLite below that too (migration 011), unless a scan is the cheaper plan.
 */
export async function substringMatch(db: Kysely<Database>, table: SearchedTable, query: string): Promise<Match> {
  const sqlite = dialectOf(db) === 'sqlite';
  const text = query.toLowerCase();
  const columns = SEARCHED[table];
  const contains = (column: RawBuilder<string>) => (sqlite ? sql`instr(${column}, ${text}) > 0` : sql`strpos(${column}, ${text}) > 0`);
  const test = sql<boolean>`(${sql.join(columns.map(contains), sql` or `)})`;
  const rows = sql.table(table);
  const scan = { rows: sql`(select * from ${rows} where ${test})`, test };
  const nothing = { rows: sql`(select * from ${rows} where 1 = 0)`, test: sql<boolean>`1 = 0` };
  // No field contains the separator: a query with it would only match across two fields (or,
  // on SQLite, in the index's padding).
  if (text.includes(SEARCH_TEXT_SEPARATOR)) return nothing;
  const fts = sql.table(`${table}_fts`);
  const throughFts = (expression: string, recheck?: RawBuilder<boolean>) => {
    const found = sql`select ${rows}.* from ${fts} cross join ${rows} on ${rows}.id = ${fts}.rowid where ${fts} match ${expression}`;
    // (the recheck outside: the FTS table has columns of the same names)
    return { rows: recheck ? sql`(select * from (${found}) where ${recheck})` : sql`(${found})`, test };
  };
  if (usesTrigramIndex(text)) {
    if (sqlite) return throughFts(ftsPhrase(text));
    const pattern = containsPattern(text);
    return {
      rows: sql`(select * from ${rows} where (${sql.join(
        columns.map((column) => sql`${column} like ${pattern}`),
        sql` or `,
      )}))`,
      test,
    };
  }
  if (!sqlite || !ftsHoldsAsIs(table, text)) return scan;
  const sample = await sampleMatches(db, table, test);
  const scanned = Math.min(sample.rows, sample.share > 0 ? COUNT_LIMIT / sample.share : Infinity);
  const listed = sample.share * sample.rows * LISTING_ROWS;
  if (scanned <= CHEAP_SCAN_ROWS || listed >= scanned) return scan;
  const terms = await shortQueryTerms(db, table, text);
  if (terms.length === 0) return nothing;
  if (listed + terms.length * TERM_ROWS > scanned) return scan;
  // Any of the trigrams, each as a phrase; the test keeps the result exactly the scan's (SEARCHED).
  return throughFts(terms.map(ftsPhrase).join(' OR '), test);
}
