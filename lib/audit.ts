import { sql, type Kysely } from 'kysely';
import type { Database } from './db/schema';
import { log } from './log';
import { countLaunch, pruneLaunchRollup } from './dashboard';
import { metrics } from './metrics';
import { clampInt, containsPattern } from './mappings/store';

export interface AuditEvent {
  /** who did it: the portal e-mail, or `cli:<user>` for scripts */
  actor: string;
  /** what: launch, mapping.create, mapping.import, webex.check… */
  action: string;
  /** on what: a WebEx ID, an e-mail */
  target?: string | null;
  /** OK or a stable error code */
  outcome: string;
  /** extra facts (before → after); callers must never put secrets here */
  detail?: Record<string, unknown>;
  durationMs?: number;
  requestId?: string;
}

/**
 * Appends one event. An audit write that fails is logged loudly but does not undo the
 * action it describes: the employee's launch already happened.
 */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent, now = new Date()): Promise<void> {
  metrics().auditEvents.inc({ action: event.action, outcome: event.outcome });
  try {
    await db
      .insertInto('audit_events')
      .values({
        at: now.toISOString(),
        actor: event.actor,
        action: event.action,
        target: event.target ?? null,
        outcome: event.outcome,
        detail: event.detail === undefined ? null : JSON.stringify(event.detail),
        duration_ms: event.durationMs === undefined ? null : Math.round(event.durationMs),
        request_id: event.requestId ?? null,
      })
      .execute();
    if (event.action === 'launch') await countLaunch(db, now, event.outcome, event.durationMs ?? 0);
  } catch (err) {
    log.error({ err, action: event.action, requestId: event.requestId }, 'audit write failed');
  }
}

export interface AuditQuery {
  /** actor or target contains this (case-insensitive) */
  user?: string;
  action?: string;
  outcome?: string;
  page?: number;
  pageSize?: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
  durationMs: number | null;
  requestId: string | null;
}

/** One page of the audit log, newest first, with the total for the filter. */
export async function listAuditEvents(db: Kysely<Database>, query: AuditQuery): Promise<{ rows: AuditEntry[]; total: number }> {
  const pageSize = clampInt(query.pageSize, 1, 500, 50);
  const page = clampInt(query.page, 1, Number.MAX_SAFE_INTEGER, 1);
  let base = db.selectFrom('audit_events');
  const user = query.user?.trim();
  if (user) {
    const pattern = containsPattern(user);
    base = base.where(({ or }) => or([sql<boolean>`lower(${sql.ref('actor')}) like ${pattern} escape '\\'`, sql<boolean>`lower(${sql.ref('target')}) like ${pattern} escape '\\'`]));
  }
  if (query.action) base = base.where('action', '=', query.action);
  if (query.outcome) base = base.where('outcome', '=', query.outcome);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    rows: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
      durationMs: r.duration_ms,
      requestId: r.request_id,
    })),
  };
}

/** The actions and outcomes present, for the audit page's filters. */
export async function listAuditFacets(db: Kysely<Database>): Promise<{ actions: string[]; outcomes: string[] }> {
  const [actions, outcomes] = await Promise.all([
    db.selectFrom('audit_events').select('action').distinct().orderBy('action').execute(),
    db.selectFrom('audit_events').select('outcome').distinct().orderBy('outcome').execute(),
  ]);
  return { actions: actions.map((a) => a.action), outcomes: outcomes.map((o) => o.outcome) };
}

/** Deletes events older than the retention period; returns how many. */
export async function pruneAudit(db: Kysely<Database>, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000).toISOString();
  const result = await db.deleteFrom('audit_events').where('at', '<', cutoff).executeTakeFirst();
  await pruneLaunchRollup(db, retentionDays, now);
  return Number(result.numDeletedRows);
}
