import type { Kysely } from 'kysely';
import type { Database, MappingsTable } from '../db/schema';

/** A mapping as the rest of the app sees it: whether a credential is set, never the credential. */
export interface Mapping {
  id: number;
  email: string;
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

/** E-mail addresses compare case-insensitively everywhere in the product. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

type Row = Pick<MappingsTable, 'email' | 'webex_id' | 'display_name' | 'credential' | 'version' | 'created_at' | 'updated_at'> & { id: number };

function toMapping(row: Row): Mapping {
  return {
    id: row.id,
    email: row.email,
    webexId: row.webex_id,
    displayName: row.display_name,
    hasCredential: row.credential !== null,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The explicit mapping for a portal e-mail, with its sealed credential (one indexed read). */
export async function findMappingByEmail(db: Kysely<Database>, email: string): Promise<MappingWithCredential | undefined> {
  const row = await db.selectFrom('mappings').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  return row && { ...toMapping(row), sealedCredential: row.credential };
}

export interface MappingInput {
  email: string;
  webexId: string;
  displayName?: string | null;
  /** sealed credential; undefined keeps the stored one, null clears it */
  sealedCredential?: string | null;
}

/** Creates or replaces the mapping for an e-mail (used by the demo seed and imports). */
export async function upsertMapping(db: Kysely<Database>, input: MappingInput, now = new Date()): Promise<Mapping> {
  const at = now.toISOString();
  const email = normalizeEmail(input.email);
  const row = await db
    .insertInto('mappings')
    .values({
      email,
      webex_id: input.webexId,
      display_name: input.displayName ?? null,
      credential: input.sealedCredential ?? null,
      version: 1,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet((eb) => ({
        webex_id: input.webexId,
        display_name: input.displayName ?? null,
        ...(input.sealedCredential === undefined ? {} : { credential: input.sealedCredential }),
        version: eb(eb.ref('mappings.version'), '+', 1),
        updated_at: at,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toMapping(row);
}
