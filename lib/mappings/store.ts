import { sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import { clampInt, type Database, listPage, type ListPage, type MappingsTable, searchTextOf, substringMatch } from '../db';
import { forgetSessionTickets } from '../credentials';
import { normalizeEmail } from '../identity';

/** A mapping as the rest of the app sees it: whether a credential is set, never the credential. */
export interface Mapping {
  id: number;
  email: string;
  /** the WebEx site: '' the default site, else its site name */
  site: string;
  webexId: string;
  displayName: string | null;
  hasCredential: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface MappingWithCredential extends Mapping {
  /** sealed; open it with unsealCredential */
  sealedCredential: string | null;
}

type Row = Pick<MappingsTable, 'email' | 'webex_id' | 'display_name' | 'credential' | 'version' | 'created_at' | 'updated_at'> & { id: number; site: string };

function toMapping(row: Row): Mapping {
  return {
    id: row.id,
    email: row.email,
    site: row.site,
    webexId: row.webex_id,
    displayName: row.display_name,
    hasCredential: row.credential !== null,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The explicit mapping for a portal e-mail on one site ('' the default), with its sealed credential (one indexed read). */
export async function findMappingByEmail(db: Kysely<Database>, email: string, site = ''): Promise<MappingWithCredential | undefined> {
  const row = await db.selectFrom('mappings').selectAll().where('email', '=', normalizeEmail(email)).where('site', '=', site).executeTakeFirst();
  return row && { ...toMapping(row), sealedCredential: row.credential };
}

/** Every site's mapping for a portal e-mail, the default site first, then by site name (one indexed read). */
export async function findMappingsByEmail(db: Kysely<Database>, email: string): Promise<MappingWithCredential[]> {
  const rows = await db.selectFrom('mappings').selectAll().where('email', '=', normalizeEmail(email)).orderBy('site').execute();
  return rows.map((row) => ({ ...toMapping(row), sealedCredential: row.credential }));
}

export interface MappingInput {
  email: string;
  /** the WebEx site ('' or absent: the default site) */
  site?: string;
  webexId: string;
  displayName?: string | null;
  /** sealed credential; undefined keeps the stored one (unless the WebEx ID changes: credentialAfter), null clears it */
  sealedCredential?: string | null;
}

/**
 * A stored password is the password of one WebEx account: given another WebEx ID (case aside: WebEx
 * IDs are case-insensitive), a mapping keeps none, unless the same change sets a new one. Sent as the
 * new account's, the old one would fail, or lock that account.
 */
function credentialAfter(stored: string | null, storedWebexId: string, changes: { webexId: string; sealedCredential?: string | null }): string | null {
  if (changes.sealedCredential !== undefined) return changes.sealedCredential;
  return storedWebexId.toLowerCase() === changes.webexId.toLowerCase() ? stored : null;
}

/** The row of a new mapping (version 1), as every insert writes it. */
export function newMappingRow(input: MappingInput, at: string): Insertable<MappingsTable> {
  const email = normalizeEmail(input.email);
  const displayName = input.displayName ?? null;
  return {
    email,
    // the default site's rows leave it to the column's default ('')
    ...(input.site ? { site: input.site } : {}),
    webex_id: input.webexId,
    display_name: displayName,
    credential: input.sealedCredential ?? null,
    version: 1,
    created_at: at,
    updated_at: at,
    search_text: searchTextOf(email, input.webexId, displayName),
  };
}

/** Creates or replaces the mapping for an e-mail (used by the demo seed and tests); the host's cached session tickets end. */
export async function upsertMapping(db: Kysely<Database>, input: MappingInput, now = new Date()): Promise<Mapping> {
  const at = now.toISOString();
  const values = newMappingRow(input, at);
  const row = await db
    .insertInto('mappings')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['email', 'site']).doUpdateSet((eb) => ({
        webex_id: values.webex_id,
        display_name: values.display_name,
        search_text: values.search_text,
        // credentialAfter, in SQL: the stored row is only known here
        credential:
          input.sealedCredential === undefined
            ? eb
                .case()
                .when(sql<string>`lower(mappings.webex_id)`, '=', values.webex_id.toLowerCase())
                .then(eb.ref('mappings.credential'))
                .else(null)
                .end()
            : input.sealedCredential,
        version: eb(eb.ref('mappings.version'), '+', 1),
        updated_at: at,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  await forgetSessionTickets(db, [row.email], row.site);
  return toMapping(row);
}

/** Why a write was refused; the admin page and the CLI say it in words. */
export class MappingWriteError extends Error {
  constructor(
    readonly reason: 'duplicate-email' | 'stale' | 'not-found',
    message: string,
  ) {
    super(message);
    this.name = 'MappingWriteError';
  }
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

export async function getMapping(db: Kysely<Database>, id: number): Promise<Mapping | undefined> {
  const row = await db.selectFrom('mappings').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMapping(row);
}

export interface NewMapping {
  email: string;
  /** the WebEx site ('' or absent: the default site) */
  site?: string;
  webexId: string;
  displayName: string | null;
  sealedCredential: string | null;
}

/** Why an e-mail cannot have a second mapping on one site, in words. */
function duplicateText(email: string, site: string | undefined): string {
  return `${normalizeEmail(email)} already has a mapping${site ? ` on site ${site}` : ''}`;
}

/** Creates a mapping; an e-mail that already has one on the site is refused (case-insensitively). */
export async function createMapping(db: Kysely<Database>, input: NewMapping, now = new Date()): Promise<Mapping> {
  const at = now.toISOString();
  try {
    const row = await db.insertInto('mappings').values(newMappingRow(input, at)).returningAll().executeTakeFirstOrThrow();
    return toMapping(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new MappingWriteError('duplicate-email', duplicateText(input.email, input.site));
    throw err;
  }
}

export interface MappingChanges {
  email: string;
  /** undefined keeps the stored site */
  site?: string;
  webexId: string;
  displayName: string | null;
  /** undefined keeps the stored credential (unless the WebEx ID changes: credentialAfter), null clears it */
  sealedCredential?: string | null;
}

async function refuseStaleOrMissing(db: Kysely<Database>, id: number): Promise<never> {
  const current = await getMapping(db, id);
  if (!current) throw new MappingWriteError('not-found', 'This mapping no longer exists (someone deleted it).');
  throw new MappingWriteError(
    'stale',
    `Someone else changed this mapping (now version ${current.version}) after you opened it. Reload to see their change, then edit again.`,
  );
}

/** Whether a change gives the host another account or credential: its cached session tickets then end. */
function hostChanged(before: Pick<Row, 'email' | 'site' | 'webex_id' | 'credential'>, after: Pick<Row, 'email' | 'site' | 'webex_id' | 'credential'>): boolean {
  return (
    before.email !== after.email ||
    before.site !== after.site ||
    before.webex_id.toLowerCase() !== after.webex_id.toLowerCase() ||
    before.credential !== after.credential
  );
}

/** Updates a mapping only if it is still at `expectedVersion` (optimistic concurrency). */
export async function updateMapping(db: Kysely<Database>, id: number, expectedVersion: number, changes: MappingChanges, now = new Date()): Promise<Mapping> {
  // every write moves the version, so the row read at expectedVersion is the one the update replaces
  const before = await db
    .selectFrom('mappings')
    .select(['email', 'site', 'webex_id', 'credential'])
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (!before) return refuseStaleOrMissing(db, id);
  try {
    const row = await db
      .updateTable('mappings')
      .set({
        email: normalizeEmail(changes.email),
        ...(changes.site === undefined ? {} : { site: changes.site }),
        webex_id: changes.webexId,
        display_name: changes.displayName,
        search_text: searchTextOf(normalizeEmail(changes.email), changes.webexId, changes.displayName),
        credential: credentialAfter(before.credential, before.webex_id, changes),
        version: expectedVersion + 1,
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirst();
    if (!row) return await refuseStaleOrMissing(db, id);
    if (hostChanged(before, row)) await forgetSessionTickets(db, [before.email]);
    return toMapping(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new MappingWriteError('duplicate-email', duplicateText(changes.email, changes.site));
    throw err;
  }
}

/** Deletes a mapping only if it is still at `expectedVersion`; returns what was deleted. */
export async function deleteMapping(db: Kysely<Database>, id: number, expectedVersion: number): Promise<Mapping> {
  const row = await db.deleteFrom('mappings').where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
  if (!row) return refuseStaleOrMissing(db, id);
  await forgetSessionTickets(db, [row.email]);
  return toMapping(row);
}

export const MAPPING_SORTS = ['email', 'webex_id', 'display_name', 'updated_at'] as const;
export type MappingSort = (typeof MAPPING_SORTS)[number];

export interface MappingQuery {
  /** matched case-insensitively anywhere in e-mail, WebEx ID or display name; % and _ are literal */
  q?: string;
  sort?: MappingSort;
  /** descending is the ascending list reversed, ties (by id) included */
  dir?: 'asc' | 'desc';
  /** 1-based; ignored with a cursor, where it is only the number the page shows */
  page?: number;
  pageSize?: number;
  /** the `next` of the page before: reads the page after it at the cost of the first page */
  after?: string;
  /** the `previous` of the page after */
  before?: string;
}

// people expect "bob" next to "Bob": IDs and names sort case-insensitively (expression indexes, migration 005)
const SORT_KEYS: Record<MappingSort, RawBuilder<unknown>> = {
  email: sql`email`,
  webex_id: sql`lower(webex_id)`,
  display_name: sql`lower(coalesce(display_name, ''))`,
  updated_at: sql`updated_at`,
};

/** One page of mappings, with the number of matches (exact up to COUNT_LIMIT) and cursors to the pages around it. */
export async function listMappings(db: Kysely<Database>, query: MappingQuery): Promise<ListPage<Mapping>> {
  const q = query.q?.trim();
  const page = await listPage<Row>(db, {
    table: 'mappings',
    key: SORT_KEYS[query.sort ?? 'email'],
    dir: query.dir ?? 'asc',
    where: [],
    match: q ? await substringMatch(db, 'mappings', q) : undefined,
    pageSize: clampInt(query.pageSize, 1, 500, 50),
    page: clampInt(query.page, 1, Number.MAX_SAFE_INTEGER, 1),
    after: query.after,
    before: query.before,
  });
  return { ...page, rows: page.rows.map(toMapping) };
}
