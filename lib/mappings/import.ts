import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { newMappingRow } from './store';
import { chunksOf, CsvSyntaxError, formatCsvRow, parseCsv, restoreNeutralised, type CsvSource } from './csv';
import { displayNameSchema, emailSchema, webexIdSchema } from './validation';

/** The import/export format: a header line, then one mapping per line. Credentials never travel in CSV. */
export const CSV_COLUMNS = ['email', 'webex_id', 'display_name'] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['email', 'webex_id'];

export interface ImportRow {
  email: string;
  webexId: string;
  displayName: string | null;
}

export interface ImportProblem {
  line: number;
  column?: string;
  message: string;
}

export interface ParsedImport {
  rows: ImportRow[];
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
// Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 500;

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

function readHeader(cells: string[], line: number, problems: ImportProblem[]): Map<Column, number> | undefined {
  const index = new Map<Column, number>();
  cells.forEach((raw, i) => {
    const name = raw.trim().toLowerCase().replace(/^\uFEFF/, '');
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      problems.push({ line, column: raw, message: `Unknown column "${raw}": the columns are ${CSV_COLUMNS.join(', ')}` });
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

/**
 * Reads and validates a mapping CSV as it streams in: every problem with its line and column,
 * duplicate e-mails inside the file included. Nothing is written.
 */
export async function readMappingCsv(source: CsvSource, maxBytes: number): Promise<ParsedImport> {
  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  let problemCount = 0;
  const report = (problem: ImportProblem) => {
    problemCount += 1;
    if (problems.length < MAX_REPORTED) problems.push(problem);
  };
  const firstLineOf = new Map<string, number>();
  let header: Map<Column, number> | undefined;

  try {
    for await (const { line, cells } of parseCsv(limitBytes(source, maxBytes))) {
      if (!header) {
        const headerProblems: ImportProblem[] = [];
        header = readHeader(cells, line, headerProblems);
        headerProblems.forEach(report);
        if (!header) return { rows: [], problems, problemCount };
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
      if (!email.success) report({ line, column: 'email', message: email.error.issues[0]?.message ?? 'invalid' });
      if (!webexId.success) report({ line, column: 'webex_id', message: webexId.error.issues[0]?.message ?? 'invalid' });
      if (!displayName.success) report({ line, column: 'display_name', message: displayName.error.issues[0]?.message ?? 'invalid' });
      if (!email.success || !webexId.success || !displayName.success) continue;

      const earlier = firstLineOf.get(email.data);
      if (earlier !== undefined) {
        report({ line, column: 'email', message: `${email.data} already appears on line ${earlier}; each e-mail may appear once` });
        continue;
      }
      firstLineOf.set(email.data, line);
      rows.push({ email: email.data, webexId: webexId.data, displayName: displayName.data });
    }
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    report({ line: err.line, message: err.message });
  }
  if (!header && problemCount === 0) report({ line: 1, message: `The file is empty; it needs a header line (${CSV_COLUMNS.join(',')})` });
  return { rows, problems, problemCount };
}

export interface ImportCounts {
  creates: number;
  updates: number;
  unchanged: number;
  /** mappings not in the file: deleted when deleteMissing, otherwise left alone */
  missing: number;
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What applying these rows would do, compared with the database now, and the rows that would change. */
async function diffImport(db: Kysely<Database>, rows: readonly ImportRow[]): Promise<{ counts: ImportCounts; changed: ImportRow[] }> {
  const counts: ImportCounts = { creates: 0, updates: 0, unchanged: 0, missing: 0 };
  const changed: ImportRow[] = [];
  for (const part of chunks(rows)) {
    const existing = await db
      .selectFrom('mappings')
      .select(['email', 'webex_id', 'display_name'])
      .where('email', 'in', part.map((r) => r.email))
      .execute();
    const byEmail = new Map(existing.map((e) => [e.email, e]));
    for (const row of part) {
      const current = byEmail.get(row.email);
      // '' and null are the same "no name": a stored '' is not rewritten as null.
      if (current && current.webex_id === row.webexId && (current.display_name ?? '') === (row.displayName ?? '')) {
        counts.unchanged += 1;
        continue;
      }
      if (current) counts.updates += 1;
      else counts.creates += 1;
      changed.push(row);
    }
  }
  const total = await db.selectFrom('mappings').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  counts.missing = Number(total.n) - counts.updates - counts.unchanged;
  return { counts, changed };
}

/** What applying these rows would do, compared with the database now. */
export async function countImportChanges(db: Kysely<Database>, rows: readonly ImportRow[]): Promise<ImportCounts> {
  return (await diffImport(db, rows)).counts;
}

/**
 * Applies validated rows in one transaction: all of them or none. Upserts by e-mail (a row equal to
 * the stored mapping is not written, so not even its version moves); with deleteMissing, mappings whose
 * e-mail is not in the file are deleted. Stored credentials are kept for updated mappings.
 */
export async function applyImport(db: Kysely<Database>, rows: readonly ImportRow[], deleteMissing: boolean, now = new Date()): Promise<ImportCounts> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    // Only rows that change are written: re-importing an export touches nothing.
    const { counts, changed } = await diffImport(trx, rows);
    for (const part of chunks(changed)) {
      await trx
        .insertInto('mappings')
        .values(part.map((r) => newMappingRow({ ...r, sealedCredential: null }, at)))
        .onConflict((oc) =>
          oc.column('email').doUpdateSet((eb) => ({
            webex_id: eb.ref('excluded.webex_id'),
            display_name: eb.ref('excluded.display_name'),
            search_text: eb.ref('excluded.search_text'),
            version: eb(eb.ref('mappings.version'), '+', 1),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    if (deleteMissing && counts.missing > 0) {
      const keep = new Set(rows.map((r) => r.email));
      const all = await trx.selectFrom('mappings').select(['id', 'email']).execute();
      const doomed = all.filter((m) => !keep.has(m.email)).map((m) => m.id);
      for (const part of chunks(doomed)) await trx.deleteFrom('mappings').where('id', 'in', part).execute();
    }
    return counts;
  });
}

/** Streams every mapping as CSV in the import's format, in e-mail order, a page at a time. */
export async function* exportMappingCsv(db: Kysely<Database>, pageSize = 2_000): AsyncGenerator<string> {
  yield formatCsvRow(CSV_COLUMNS);
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('mappings')
      .select(['email', 'webex_id', 'display_name'])
      .where('email', '>', after)
      .orderBy('email')
      .limit(pageSize)
      .execute();
    if (page.length === 0) return;
    yield page.map((m) => formatCsvRow([m.email, m.webex_id, m.display_name])).join('');
    after = page[page.length - 1]?.email ?? after;
  }
}
