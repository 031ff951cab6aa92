import type { Kysely } from 'kysely';
import type { Database } from './db/schema';
import { log } from './log';

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
  } catch (err) {
    log.error({ err, action: event.action, requestId: event.requestId }, 'audit write failed');
  }
}
