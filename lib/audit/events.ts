import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { type AuditEventsTable, clampInt, type Database, type ListPage, listPage, substringMatch } from '../db';
import { log } from '../log';
import { countLaunch, pruneLaunchRollup } from './launch-rollup';
import { metrics } from '../metrics';

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

/** Writes one event; a launch's together with the dashboard's count of it (one commit), under `site`. Returns the event's id. */
async function writeEvent(db: Kysely<Database>, event: AuditEvent, now: Date, site = ''): Promise<number> {
  metrics().auditEvents.inc({ action: event.action, outcome: event.outcome });
  const row = {
    at: now.toISOString(),
    actor: event.actor,
    action: event.action,
    target: event.target ?? null,
    outcome: event.outcome,
    detail: event.detail === undefined ? null : JSON.stringify(event.detail),
    duration_ms: event.durationMs === undefined ? null : Math.round(event.durationMs),
    request_id: event.requestId ?? null,
  };
  if (event.action !== 'launch') return (await db.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow()).id;
  // the event and the dashboard's count of it, together or not at all (and one commit, not two)
  return db.transaction().execute(async (trx) => {
    const { id } = await trx.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow();
    await countLaunch(trx, now, event.outcome, event.durationMs ?? 0, site);
    return id;
  });
}

/**
 * Appends one event. An audit write that fails is logged loudly but does not undo the action it
 * describes: an admin's change, say, is already made. A launch is written with recordLaunch.
 */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent, now = new Date()): Promise<number | undefined> {
  try {
    return await writeEvent(db, event, now);
  } catch (err) {
    log.error({ err, action: event.action, requestId: event.requestId }, 'audit write failed');
    return undefined;
  }
}

/**
 * A launch's event, written before its login URL or meeting link leaves the portal. Unlike
 * recordAudit it throws when the row cannot be written (the database down, or locked past
 * busy_timeout by a long import): the launch then hands out nothing (app/launch/route.ts answers
 * PORTAL_UNAVAILABLE), so no one signs in to WebEx through the portal without a trace.
 */
export async function recordLaunch(
  db: Kysely<Database>,
  event: Omit<AuditEvent, 'action'> & {
    /** the key of the configured site whose wiring launched ('' the default site): the dashboard counts it there */
    site?: string;
  },
  now = new Date(),
): Promise<void> {
  const { site, ...audited } = event;
  await writeEvent(db, { ...audited, action: 'launch' }, now, site);
}

function entryOf(r: Selectable<AuditEventsTable>): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    durationMs: r.duration_ms,
    requestId: r.request_id,
  };
}

/** One event by its id (as recordAudit returned it), or undefined. */
export async function findAuditEvent(db: Kysely<Database>, id: number): Promise<AuditEntry | undefined> {
  const row = await db.selectFrom('audit_events').selectAll().where('id', '=', id).executeTakeFirst();
  return row && entryOf(row);
}

export interface AuditQuery {
  /** actor or target contains this (case-insensitive) */
  user?: string;
  action?: string;
  outcome?: string;
  /** 1-based; ignored with a cursor, where it is only the number the page shows */
  page?: number;
  pageSize?: number;
  /** the `next` of the newer page: reads the older page after it at the cost of the first page */
  after?: string;
  /** the `previous` of the older page */
  before?: string;
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

/** One page of the audit log, newest first, with the number of events (exact up to COUNT_LIMIT) and cursors to the pages around it. */
export async function listAuditEvents(db: Kysely<Database>, query: AuditQuery): Promise<ListPage<AuditEntry>> {
  const user = query.user?.trim();
  const where: RawBuilder<boolean>[] = [];
  if (query.action) where.push(sql<boolean>`action = ${query.action}`);
  if (query.outcome) where.push(sql<boolean>`outcome = ${query.outcome}`);
  const page = await listPage<Selectable<AuditEventsTable>>(db, {
    table: 'audit_events',
    key: sql`at`,
    dir: 'desc',
    where,
    match: user ? await substringMatch(db, 'audit_events', user) : undefined,
    pageSize: clampInt(query.pageSize, 1, 500, 50),
    page: clampInt(query.page, 1, Number.MAX_SAFE_INTEGER, 1),
    after: query.after,
    before: query.before,
  });
  return {
    ...page,
    rows: page.rows.map(entryOf),
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
