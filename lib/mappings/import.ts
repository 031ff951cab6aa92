import { CompiledQuery, sql, type Insertable, type Kysely } from 'kysely';
import { type Database, type Dialect, dialectOf, type ImportRowsTable, refreshPlannerStatistics, searchTextOf } from '../db';
import { chunksOf, CsvSyntaxError, formatCsvRow, parseCsv, restoreNeutralised, type CsvSource } from './csv';
import { createPendingImport, discardPendingImport, type PendingImport } from './pending-imports';
import { type MappingSite, siteKeyNamed, siteNameOf, unknownSiteMessage } from './sites';
import { displayNameSchema, emailSchema, webexIdSchema } from './validation';

/** The import/export format: a header line, then one mapping per line. Credentials never travel in CSV. */
export const CSV_COLUMNS = ['email', 'webex_id', 'display_name'] as const;
// A company with several sites has a site column too (a site name; empty: the default site). One with a
// single site may have it, but neither its export nor its messages mention it: its files stay as they were.
const WITH_SITE = [...CSV_COLUMNS, 'site'] as const;
type Column = (typeof WITH_SITE)[number];
const REQUIRED: readonly Column[] = ['email', 'webex_id'];

/** The columns a company's files have: the site column only with several sites. */
export function csvColumnsFor(sites: readonly MappingSite[]): readonly Column[] {
  return sites.length > 1 ? WITH_SITE : CSV_COLUMNS;
}

export interface ImportProblem {
  line: number;
  column?: string;
  message: string;
}

/** A CSV read into a pending import's rows: the valid rows are staged even when there are problems. */
export interface StagedImport {
  pending: PendingImport;
  /** valid rows staged (a repeated e-mail counts once) */
  rowCount: number;
  /** the first MAX_REPORTED problems, in file order */
  problems: ImportProblem[];
  problemCount: number;
}

export class ImportTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The file is larger than the import limit of ${formatBytes(limitBytes)}. Split it, or raise CSV_IMPORT_MAX_BYTES.`);
    this.name = 'ImportTooLargeError';
  }
}

const MAX_REPORTED = 200;
// Rows per staging statement. SQLite binds each value (7 per row, under its 32,766 limit);
// PostgreSQL gets one array per column, so more rows cost no more parameters.
const STAGE_CHUNK: Record<Dialect, number> = { sqlite: 2_000, postgres: 10_000 };
// Staged rows applied per statement, so each statement's work (and SQLite's FTS buffer) stays bounded.
const APPLY_CHUNK = 50_000;

export function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(bytes % 1_048_576 ? 1 : 0)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

async function* limitBytes(source: CsvSource, limit: number): AsyncGenerator<string | Uint8Array> {
  let seen = 0;
  for await (const chunk of chunksOf(source)) {
    seen += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (seen > limit) throw new ImportTooLargeError(limit);
    yield chunk;
  }
}

function readHeader(cells: string[], line: number, problems: ImportProblem[], sites: readonly MappingSite[]): Map<Column, number> | undefined {
  const index = new Map<Column, number>();
  cells.forEach((raw, i) => {
    const name = raw
      .trim()
      .toLowerCase()
      .replace(/^\uFEFF/, '');
    if (!(WITH_SITE as readonly string[]).includes(name)) {
      problems.push({ line, column: raw, message: `Unknown column "${raw}": the columns are ${csvColumnsFor(sites).join(', ')}` });
    } else if (index.has(name as Column)) {
      problems.push({ line, column: name, message: `Column "${name}" appears twice` });
    } else {
      index.set(name as Column, i);
    }
  });
  for (const column of REQUIRED) {
    if (!index.has(column)) problems.push({ line, column, message: `The header line must name a "${column}" column` });
  }
  return problems.length === 0 ? index : undefined;
}

type StagedRow = Insertable<ImportRowsTable>;

/**
 * Reads and validates a mapping CSV as it streams in, writing the valid rows to a new pending import
 * a chunk at a time (memory stays flat however long the file is): every problem with its line and
 * column, e-mails repeated inside the file included. Nothing is written to the mappings.
 */
export async function stageMappingCsv(
  db: Kysely<Database>,
  source: CsvSource,
  options: { maxBytes: number; actor: string; deleteMissing: boolean; sites: readonly MappingSite[] },
): Promise<StagedImport> {
  const { sites } = options;
  const pending = await createPendingImport(db, options.actor, options.deleteMissing);
  const problems: ImportProblem[] = [];
  let problemCount = 0;
  const report = (problem: ImportProblem) => {
    problemCount += 1;
    if (problems.length < MAX_REPORTED) problems.push(problem);
  };
  const dialect = dialectOf(db);
  let header: Map<Column, number> | undefined;
  let chunk: StagedRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  // One chunk is written while the next one is read (PostgreSQL works on the other core meanwhile).
  const flush = async () => {
    await writing;
    writing = insertImportRows(db, dialect, chunk);
    chunk = [];
  };

  try {
    try {
      for await (const { line, cells } of parseCsv(limitBytes(source, options.maxBytes))) {
        if (!header) {
          const headerProblems: ImportProblem[] = [];
          header = readHeader(cells, line, headerProblems, sites);
          headerProblems.forEach(report);
          if (!header) return { pending, rowCount: 0, problems, problemCount };
          continue;
        }
        if (cells.length !== header.size) {
          report({ line, message: `Expected ${header.size} cells, found ${cells.length} (a missing or extra comma, or an unquoted comma inside a value)` });
          continue;
        }
        const cell = (column: Column) => {
          const i = header?.get(column);
          return i === undefined ? '' : restoreNeutralised(cells[i] ?? '');
        };
        const email = emailSchema.safeParse(cell('email'));
        const webexId = webexIdSchema.safeParse(cell('webex_id'));
        const displayName = displayNameSchema.safeParse(cell('display_name'));
        const site = siteKeyNamed(sites, cell('site'));
        if (!email.success) report({ line, column: 'email', message: email.error.issues[0]?.message ?? 'invalid' });
        if (!webexId.success) report({ line, column: 'webex_id', message: webexId.error.issues[0]?.message ?? 'invalid' });
        if (!displayName.success) report({ line, column: 'display_name', message: displayName.error.issues[0]?.message ?? 'invalid' });
        if (site === undefined) report({ line, column: 'site', message: unknownSiteMessage(sites, cell('site')) });
        if (!email.success || !webexId.success || !displayName.success || site === undefined) continue;
        chunk.push({
          import_id: pending.id,
          line,
          email: email.data,
          site,
          webex_id: webexId.data,
          display_name: displayName.data,
          search_text: searchTextOf(email.data, webexId.data, displayName.data),
        });
        if (chunk.length === STAGE_CHUNK[dialect]) await flush();
      }
    } catch (err) {
      if (!(err instanceof CsvSyntaxError)) throw err;
      report({ line: err.line, message: err.message });
    }
    await flush();
    await writing;
  } catch (err) {
    await writing.catch(() => undefined);
    await discardPendingImport(db, pending.id);
    throw err;
  }
  if (!header && problemCount === 0) report({ line: 1, message: `The file is empty; it needs a header line (${csvColumnsFor(sites).join(',')})` });

  // Repeated e-mails on one site, found by the database (one pass over the e-mail index): every line after
  // the first of an e-mail and site is a problem; the same e-mail on two sites is two mappings.
  const repeated = await db
    .selectFrom('import_rows as r')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('import_rows')
          .where('import_id', '=', pending.id)
          .groupBy(['email', 'site'])
          .having((h) => h.fn.countAll(), '>', 1)
          .select(['email', 'site', (f) => f.fn.min<number>('line').as('first_line')])
          .as('f'),
      (join) => join.onRef('f.email', '=', 'r.email').onRef('f.site', '=', 'r.site'),
    )
    .where('r.import_id', '=', pending.id)
    .whereRef('r.line', '>', 'f.first_line')
    .select(['r.line', 'r.email', 'r.site', 'f.first_line'])
    .orderBy('r.line')
    .execute();
  const all = [
    ...problems,
    ...repeated.map((r) => ({
      line: r.line,
      column: 'email',
      message:
        sites.length > 1
          ? `${r.email} already appears on line ${r.first_line} for site ${siteNameOf(sites, r.site)}; each e-mail may appear once per site`
          : `${r.email} already appears on line ${r.first_line}; each e-mail may appear once`,
    })),
  ];
  all.sort((a, b) => a.line - b.line); // stable: the problems of one line keep their order
  if (repeated.length > 0) {
    await db
      .deleteFrom('import_rows')
      .where('import_id', '=', pending.id)
      .where(
        'line',
        'in',
        repeated.map((r) => r.line),
      )
      .execute();
  }
  const rowCount = Number(
    (
      await db
        .selectFrom('import_rows')
        .where('import_id', '=', pending.id)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const total = problemCount + repeated.length;
  // the row count marks a preview ready to apply (the import page lists those); one with problems is discarded by the caller
  if (total === 0) await db.updateTable('pending_imports').set({ row_count: rowCount }).where('id', '=', pending.id).execute();
  return { pending: { ...pending, rowCount }, rowCount, problems: all.slice(0, MAX_REPORTED), problemCount: total };
}

/** One chunk of validated rows into import_rows, without Kysely's per-value query building (it dominates at scale: docs/performance.md §5.10). */
async function insertImportRows(db: Kysely<Database>, dialect: Dialect, rows: readonly StagedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = 'import_id, line, email, site, webex_id, display_name, search_text';
  if (dialect === 'postgres') {
    await db.executeQuery(
      CompiledQuery.raw(
        `insert into import_rows (${columns}) select * from unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [
          rows.map((r) => r.import_id),
          rows.map((r) => r.line),
          rows.map((r) => r.email),
          rows.map((r) => r.site ?? ''),
          rows.map((r) => r.webex_id),
          rows.map((r) => r.display_name),
          rows.map((r) => r.search_text),
        ],
      ),
    );
    return;
  }
  const values = rows.flatMap((r) => [r.import_id, r.line, r.email, r.site ?? '', r.webex_id, r.display_name, r.search_text]);
  await db.executeQuery(CompiledQuery.raw(`insert into import_rows (${columns}) values ${placeholders(rows.length)}`, values));
}

const placeholderCache = new Map<number, string>();
function placeholders(rows: number): string {
  let text = placeholderCache.get(rows);
  if (text === undefined) {
    text = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
    placeholderCache.set(rows, text);
  }
  return text;
}

export interface ImportCounts {
  creates: number;
  updates: number;
  unchanged: number;
  /** mappings not in the file: deleted when deleteMissing, otherwise left alone */
  missing: number;
  /** of the updates, mappings whose stored WebEx password is cleared: the file gives them another WebEx ID */
  passwordsCleared: number;
}

// '' and null are the same "no name": a stored '' is not rewritten as null.
const differs = sql<boolean>`(m.webex_id <> r.webex_id or coalesce(m.display_name, '') <> coalesce(r.display_name, ''))`;
// A stored password is one WebEx account's (lib/mappings/store.ts credentialAfter): another WebEx ID
// (case aside) keeps none, and CSV files never carry a new one.
const losesPassword = sql<boolean>`(m.credential is not null and lower(m.webex_id) <> lower(r.webex_id))`;

/** What applying a staged import would do, compared with the database now. */
export async function countImportChanges(db: Kysely<Database>, importId: number): Promise<ImportCounts> {
  const { rows } = await sql<{ staged: number | string; known: number | string; changed: number | string; cleared: number | string; total: number | string }>`
    select
      (select count(*) from import_rows where import_id = ${importId}) as staged,
      count(*) as known,
      coalesce(sum(case when ${differs} then 1 else 0 end), 0) as changed,
      coalesce(sum(case when ${losesPassword} then 1 else 0 end), 0) as cleared,
      (select count(*) from mappings) as total
    from import_rows r join mappings m on m.email = r.email and m.site = r.site
    where r.import_id = ${importId}`.execute(db);
  const n = (v: number | string | undefined) => Number(v ?? 0);
  const { staged, known, changed, cleared, total } = rows[0] ?? { staged: 0, known: 0, changed: 0, cleared: 0, total: 0 };
  return { creates: n(staged) - n(known), updates: n(changed), unchanged: n(known) - n(changed), missing: n(total) - n(known), passwordsCleared: n(cleared) };
}

/**
 * Applies a staged import in one transaction: all of its rows or none. Upserts by e-mail and site (a row
 * equal to the stored mapping is not written, so not even its version moves); with deleteMissing, mappings
 * whose e-mail and site are not in the file are deleted. Stored credentials are kept for updated mappings,
 * except where the file gives a mapping another WebEx ID: that password is cleared (and counted).
 * The work happens in the database, a slice of lines per statement; no row passes through JavaScript.
 * Consumes the pending import in the same transaction, so it applies once: undefined when it was
 * already applied or discarded.
 */
export async function applyImport(
  db: Kysely<Database>,
  pending: Pick<PendingImport, 'id' | 'deleteMissing'>,
  now = new Date(),
): Promise<ImportCounts | undefined> {
  const at = now.toISOString();
  const importId = pending.id;
  const counts = await db.transaction().execute(async (trx) => {
    const claimed = await trx.deleteFrom('pending_imports').where('id', '=', importId).returning('row_count').executeTakeFirst();
    if (!claimed) return undefined;
    const before = Number(
      (
        await trx
          .selectFrom('mappings')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const span = await trx
      .selectFrom('import_rows')
      .where('import_id', '=', importId)
      .select((eb) => [eb.fn.min<number>('line').as('first'), eb.fn.max<number>('line').as('last')])
      .executeTakeFirstOrThrow();
    // the cached session tickets of hosts given another WebEx ID (or deleted) end with their mappings
    // (lib/credentials/session-tickets.ts); driven by the tickets, a few rows, not by the file
    await sql`
      delete from webex_session_tickets where exists (
        select 1 from import_rows r join mappings m on m.email = r.email and m.site = r.site
        where r.import_id = ${importId} and r.email = webex_session_tickets.email and r.site = webex_session_tickets.site
          and lower(m.webex_id) <> lower(r.webex_id))`.execute(trx);
    if (pending.deleteMissing) {
      await sql`
        delete from webex_session_tickets
        where exists (select 1 from mappings m where m.email = webex_session_tickets.email and m.site = webex_session_tickets.site)
          and not exists (
            select 1 from import_rows r
            where r.import_id = ${importId} and r.email = webex_session_tickets.email and r.site = webex_session_tickets.site)`.execute(trx);
    }
    // (most portals store no password at all: then nothing can be cleared, and no pass is spent on it)
    const storesPasswords =
      before > 0 && (await trx.selectFrom('mappings').select('id').where('credential', 'is not', null).limit(1).executeTakeFirst()) !== undefined;
    let updates = 0;
    let creates = 0;
    let passwordsCleared = 0;
    for (let from = Number(span.first ?? 1); from <= Number(span.last ?? 0); from += APPLY_CHUNK) {
      const slice = sql<boolean>`r.import_id = ${importId} and r.line >= ${from} and r.line < ${from + APPLY_CHUNK}`;
      if (storesPasswords) {
        // before the update below, which gives these rows their new WebEx ID (and their new version)
        const cleared = await sql`
          update mappings as m set credential = null
          from import_rows r
          where ${slice} and r.email = m.email and r.site = m.site and ${losesPassword}`.execute(trx);
        passwordsCleared += Number(cleared.numAffectedRows ?? 0);
      }
      // (into an empty table, as a first import is, there is nothing to update)
      if (before > 0) {
        const updated = await sql`
          update mappings as m set webex_id = r.webex_id, display_name = r.display_name, search_text = r.search_text, version = m.version + 1, updated_at = ${at}
          from import_rows r
          where ${slice} and r.email = m.email and r.site = m.site and ${differs}`.execute(trx);
        updates += Number(updated.numAffectedRows ?? 0);
      }
      const inserted = await sql`
        insert into mappings (email, site, webex_id, display_name, credential, version, created_at, updated_at, search_text)
        select r.email, r.site, r.webex_id, r.display_name, null, 1, ${at}, ${at}, r.search_text from import_rows r
        where ${slice} and not exists (select 1 from mappings m where m.email = r.email and m.site = r.site)`.execute(trx);
      creates += Number(inserted.numAffectedRows ?? 0);
    }
    // the statements' own counts give what countImportChanges would, without another pass
    const unchanged = claimed.row_count - updates - creates;
    const result: ImportCounts = { creates, updates, unchanged, missing: before - updates - unchanged, passwordsCleared };
    if (pending.deleteMissing && result.missing > 0) {
      await sql`
        delete from mappings
        where not exists (select 1 from import_rows r where r.import_id = ${importId} and r.email = mappings.email and r.site = mappings.site)`.execute(trx);
    }
    await trx.deleteFrom('import_rows').where('import_id', '=', importId).execute();
    return result;
  });
  // a table that grew (or shrank) a lot is planned from fresh statistics
  if (counts) await refreshPlannerStatistics(db);
  return counts;
}

/**
 * Streams every mapping as CSV in the import's format, in e-mail then site order, a page at a time; with
 * several sites each row names its site (the default site's name for the default site's rows).
 */
export async function* exportMappingCsv(db: Kysely<Database>, sites: readonly MappingSite[], pageSize = 2_000): AsyncGenerator<string> {
  const withSite = sites.length > 1;
  yield formatCsvRow(csvColumnsFor(sites));
  let after = { email: '', site: '' };
  for (;;) {
    const from = after;
    const page = await db
      .selectFrom('mappings')
      .select(['email', 'site', 'webex_id', 'display_name'])
      // the (email, site) key, the unique index's order: an e-mail's rows may span two pages
      .where((eb) => eb(eb.refTuple('email', 'site'), '>', eb.tuple(from.email, from.site)))
      .orderBy('email')
      .orderBy('site')
      .limit(pageSize)
      .execute();
    if (page.length === 0) return;
    yield page
      .map((m) => formatCsvRow(withSite ? [m.email, m.webex_id, m.display_name, siteNameOf(sites, m.site)] : [m.email, m.webex_id, m.display_name]))
      .join('');
    after = page[page.length - 1] ?? after;
  }
}
