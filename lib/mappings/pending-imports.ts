import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { ImportRow } from './import';

// A preview is a decision aid, not a queue: apply it soon or upload again.
const PENDING_TTL_MS = 60 * 60 * 1000;

export interface PendingImport {
  id: string;
  actor: string;
  deleteMissing: boolean;
  rows: ImportRow[];
}

/** Keeps a validated, error-free import until its admin applies it; prunes stale ones. */
export async function savePendingImport(db: Kysely<Database>, actor: string, rows: readonly ImportRow[], deleteMissing: boolean, now = new Date()): Promise<string> {
  const id = randomUUID();
  await db.deleteFrom('pending_imports').where('created_at', '<', new Date(now.getTime() - PENDING_TTL_MS).toISOString()).execute();
  await db
    .insertInto('pending_imports')
    .values({ id, actor, created_at: now.toISOString(), delete_missing: deleteMissing ? 1 : 0, row_count: rows.length, rows: JSON.stringify(rows) })
    .execute();
  return id;
}

/** Removes and returns a pending import, only for the admin who previewed it and only while fresh. */
export async function takePendingImport(db: Kysely<Database>, id: string, actor: string, now = new Date()): Promise<PendingImport | undefined> {
  const row = await db
    .deleteFrom('pending_imports')
    .where('id', '=', id)
    .where('actor', '=', actor)
    .where('created_at', '>=', new Date(now.getTime() - PENDING_TTL_MS).toISOString())
    .returningAll()
    .executeTakeFirst();
  return row && { id: row.id, actor: row.actor, deleteMissing: row.delete_missing === 1, rows: JSON.parse(row.rows) as ImportRow[] };
}
