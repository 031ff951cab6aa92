import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db';

// A preview is a decision aid, not a queue: apply it soon or upload again.
const PENDING_TTL_MS = 60 * 60 * 1000;

/** A validated import waiting for its admin's "apply"; its rows are in import_rows. */
export interface PendingImport {
  id: number;
  /** what the browser holds: unguessable, unlike the id */
  token: string;
  actor: string;
  deleteMissing: boolean;
  rowCount: number;
}

const staleBefore = (now: Date) => new Date(now.getTime() - PENDING_TTL_MS).toISOString();

/** Starts a pending import (its rows come next); prunes stale ones and their rows. */
export async function createPendingImport(db: Kysely<Database>, actor: string, deleteMissing: boolean, now = new Date()): Promise<PendingImport> {
  const stale = db.selectFrom('pending_imports').select('id').where('created_at', '<', staleBefore(now));
  await db.deleteFrom('import_rows').where('import_id', 'in', stale).execute();
  await db.deleteFrom('pending_imports').where('created_at', '<', staleBefore(now)).execute();
  const token = randomUUID();
  const { id } = await db
    .insertInto('pending_imports')
    .values({ token, actor, created_at: now.toISOString(), delete_missing: deleteMissing ? 1 : 0, row_count: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, token, actor, deleteMissing, rowCount: 0 };
}

/** The pending import behind a token, only for the admin who previewed it and only while fresh. */
export async function findPendingImport(db: Kysely<Database>, token: string, actor: string, now = new Date()): Promise<PendingImport | undefined> {
  const row = await db
    .selectFrom('pending_imports')
    .selectAll()
    .where('token', '=', token)
    .where('actor', '=', actor)
    .where('created_at', '>=', staleBefore(now))
    .executeTakeFirst();
  return row && { id: row.id, token: row.token, actor: row.actor, deleteMissing: row.delete_missing === 1, rowCount: row.row_count };
}

/** Forgets a pending import and its rows (a preview with problems, a dry run). */
export async function discardPendingImport(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('import_rows').where('import_id', '=', id).execute();
  await db.deleteFrom('pending_imports').where('id', '=', id).execute();
}

/** A preview waiting for "apply", as its admin's import page lists it. */
export interface WaitingPreview {
  token: string;
  createdAt: string;
  rowCount: number;
  deleteMissing: boolean;
}

/**
 * The admin's previews still waiting, newest first: the browser that previewed may be gone, or the
 * next request may land on another instance; any instance can apply them (they are in the database).
 * Only finished, valid previews count (their row count is set last): never one still being read.
 */
export async function listWaitingPreviews(db: Kysely<Database>, actor: string, now = new Date()): Promise<WaitingPreview[]> {
  const rows = await db
    .selectFrom('pending_imports')
    .select(['token', 'created_at', 'row_count', 'delete_missing'])
    .where('actor', '=', actor)
    .where('created_at', '>=', staleBefore(now))
    .where('row_count', '>', 0)
    .orderBy('created_at', 'desc')
    .limit(10)
    .execute();
  return rows.map((r) => ({ token: r.token, createdAt: r.created_at, rowCount: Number(r.row_count), deleteMissing: r.delete_missing === 1 }));
}
