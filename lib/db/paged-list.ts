import { sql, type Kysely, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Database } from './schema';

/**
 * One page of a sorted, optionally filtered table, for the admin lists (mappings, audit log), with
 * the same cost at page 20,000 as at page 1 when the caller pages with cursors.
 *
 * Counting stops at COUNT_LIMIT: counting a million rows costs more than the page itself (about
 * 50 ms on PostgreSQL), and "more than 10,000" is what an admin needs to know to narrow the search.
 */
export const COUNT_LIMIT = 10_000;

// How many rows a walk along the sort index may read, looking for matches, before it gives up and
// sorts the matches instead (they cluster away from where the walk started).
const WALK_BUDGET = 20_000;

/** A substring filter, in the two shapes the plans need. */
export interface Match {
  /** FROM item: the matching rows, found through the substring index (or a scan for short queries) */
  rows: RawBuilder<unknown>;
  /** the same test on one row, which no index answers (so a walk along the sort index stays on it) */
  test: RawBuilder<boolean>;
}

export interface ListSpec {
  table: keyof Database;
  /** the sort key over the table's columns; `id` breaks ties, in the same direction */
  key: RawBuilder<unknown>;
  dir: 'asc' | 'desc';
  /** cheap filters (equality on indexed columns) */
  where: RawBuilder<boolean>[];
  match?: Match;
  pageSize: number;
  /** 1-based; used only without a cursor (OFFSET: its cost grows with the page) */
  page: number;
  /** an opaque cursor from a previous page's `next` or `previous` */
  after?: string;
  before?: string;
}

export interface ListPage<Row> {
  rows: Row[];
  /** exact when `totalExact`; otherwise COUNT_LIMIT, and there are more */
  total: number;
  totalExact: boolean;
  /** cursor of the page after this one, when there is one */
  next?: string;
  /** cursor of the page before this one, when there is one */
  previous?: string;
}

interface Cursor {
  key: string;
  id: number;
}

const CursorSchema = z.tuple([z.string(), z.number().int().safe()]);

function encodeCursor(row: { sort_key: unknown; id: number }): string {
  return Buffer.from(JSON.stringify([String(row.sort_key), row.id])).toString('base64url');
}

/** A cursor from the URL, or undefined for anything that is not one of ours. */
function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { key: parsed.data[0], id: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}

type Dir = 'asc' | 'desc';
const flip = (dir: Dir): Dir => (dir === 'asc' ? 'desc' : 'asc');
const and = (conditions: RawBuilder<boolean>[]) => (conditions.length === 0 ? sql<boolean>`1 = 1` : sql<boolean>`(${sql.join(conditions, sql` and `)})`);

/**
 * Reads one page. Plans, chosen so no query reads much more than the page (targets in the README):
 * - no substring filter: walk the sort index from the cursor;
 * - a filter with at most COUNT_LIMIT matches: find them through the substring index, sort, cut;
 * - more matches than that: they are dense, so walk the sort index and test each row (falls back to
 *   the previous plan when they are not dense where the walk starts).
 */
export async function listPage<Row extends { id: number }>(db: Kysely<Database>, spec: ListSpec): Promise<ListPage<Row>> {
  const after = decodeCursor(spec.after);
  const before = after ? undefined : decodeCursor(spec.before);
  const forward = !before;
  // A page before the cursor is the page after it in the other direction, read back to front.
  const dir = forward ? spec.dir : flip(spec.dir);
  const cursor = after ?? before;
  const offset = cursor ? 0 : (spec.page - 1) * spec.pageSize;
  const want = spec.pageSize + 1; // one more tells whether another page follows

  let total: number;
  let rows: (Row & { sort_key: unknown })[];
  if (!spec.match) {
    total = await countCapped(db, spec);
    rows = await walk(db, spec, dir, cursor, want, offset);
  } else {
    // Count and page in one pass over at most COUNT_LIMIT + 1 matches: enough to know which plan fits.
    const sorted = await sortMatches<Row>(db, spec, spec.match, dir, cursor, want, offset, COUNT_LIMIT + 1);
    total = sorted.matched;
    rows = sorted.rows;
    if (total > COUNT_LIMIT) {
      rows = await walk(db, spec, dir, cursor, want, offset, spec.match.test);
      if (rows.length < want) rows = (await sortMatches<Row>(db, spec, spec.match, dir, cursor, want, offset)).rows;
    }
  }

  const more = rows.length > spec.pageSize;
  const page = rows.slice(0, spec.pageSize);
  if (!forward) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const previous = forward ? ((cursor || offset > 0) && first ? encodeCursor(first) : undefined) : more && first ? encodeCursor(first) : undefined;
  const next = forward ? (more && last ? encodeCursor(last) : undefined) : last ? encodeCursor(last) : undefined;
  return {
    rows: page.map(({ sort_key: _key, ...row }) => row as unknown as Row),
    total: Math.min(total, COUNT_LIMIT),
    totalExact: total <= COUNT_LIMIT,
    next,
    previous,
  };
}

/** The number of rows the filters keep, counting no further than COUNT_LIMIT + 1. */
async function countCapped(db: Kysely<Database>, spec: ListSpec): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from (select 1 as one from ${sql.table(spec.table)} where ${and(spec.where)} limit ${COUNT_LIMIT + 1}) as counted`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

const order = (key: RawBuilder<unknown>, dir: Dir) => sql`${key} ${sql.raw(dir)}, id ${sql.raw(dir)}`;

/**
 * Along the sort index from the cursor: two index range scans, "same key, later id" then "later key",
 * because SQLite uses only the first column of a row-value comparison (it would read ties from the start).
 * With a test, each scan reads at most WALK_BUDGET rows, and fewer rows than wanted means "not sure".
 * The test runs outside the walk's subquery, which both databases read in the walk's order and stop
 * reading at `want` matches (an outer ORDER BY would make them read the whole budget first).
 */
async function walk<Row>(
  db: Kysely<Database>,
  spec: ListSpec,
  dir: Dir,
  cursor: Cursor | undefined,
  want: number,
  offset: number,
  test?: RawBuilder<boolean>,
): Promise<Row[]> {
  const later = dir === 'asc' ? sql.raw('>') : sql.raw('<');
  const ranges = cursor
    ? [sql<boolean>`${spec.key} = ${cursor.key} and id ${later} ${cursor.id}`, sql<boolean>`${spec.key} ${later} ${cursor.key}`]
    : [sql<boolean>`1 = 1`];
  const scans = ranges.map((range) => {
    const along = sql`select t.*, ${spec.key} as sort_key from ${sql.table(spec.table)} as t where ${and([...spec.where, range])} order by ${order(spec.key, dir)}`;
    return test
      ? sql`select * from (${along} limit ${WALK_BUDGET + offset}) as walked where ${test} limit ${want} offset ${offset}`
      : sql`${along} limit ${want} offset ${offset}`;
  });
  const [only] = scans;
  if (scans.length === 1 && only) return (await sql<Row>`${only}`.execute(db)).rows;
  const { rows } = await sql<Row>`
    select * from (${sql.join(
      scans.map((scan) => sql`select * from (${scan}) as part`),
      sql` union all `,
    )}) as scanned order by ${order(sql.ref('sort_key'), dir)} limit ${want}`.execute(db);
  return rows;
}

/**
 * The matches through the substring index (at most `cap` of them), sorted by key; then the page's rows
 * by id, and how many matches there were. The optimisation fence keeps PostgreSQL from walking the
 * sort index instead (its estimate of a LIKE is a guess).
 */
async function sortMatches<Row extends { id: number }>(
  db: Kysely<Database>,
  spec: ListSpec,
  match: Match,
  dir: Dir,
  cursor: Cursor | undefined,
  want: number,
  offset: number,
  cap?: number,
): Promise<{ matched: number; rows: (Row & { sort_key: unknown })[] }> {
  const later = dir === 'asc' ? sql.raw('>') : sql.raw('<');
  const range = cursor ? sql<boolean>`(sort_key, id) ${later} (${cursor.key}, ${cursor.id})` : sql<boolean>`1 = 1`;
  const { rows } = await sql<Row & { sort_key: unknown; matched: number | string }>`
    with hits as materialized (select t.id, ${spec.key} as sort_key from ${match.rows} as t where ${and(spec.where)} ${cap ? sql`limit ${cap}` : sql``}),
    counted as (select count(*) as matched from hits),
    page as (select * from hits where ${range} order by ${order(sql.ref('sort_key'), dir)} limit ${want} offset ${offset})
    select t.*, page.sort_key, counted.matched from counted
    left join page on 1 = 1
    left join ${sql.table(spec.table)} as t on t.id = page.id
    order by page.sort_key ${sql.raw(dir)}, page.id ${sql.raw(dir)}`.execute(db);
  const matched = Number(rows[0]?.matched ?? 0);
  return { matched, rows: rows.filter((r) => r.id !== null).map(({ matched: _matched, ...row }) => row as Row & { sort_key: unknown }) };
}

/** A whole number within [min, max]; anything else (NaN, 2.5, undefined) becomes the fallback or is clamped. */
export function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(Math.max(Math.floor(value), min), max);
}
