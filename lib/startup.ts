import { closeUpstream } from './app-context';
import { pruneAudit } from './audit';
import { getConfig } from './config';
import { getDb } from './db';
import { log } from './log';
import { installShutdown } from './shutdown';

/** Beyond the longest a launch can take, a little slack. */
const SHUTDOWN_SLACK_MS = 5_000;

const DAY_MS = 24 * 60 * 60 * 1000;

async function pruneOnce(retentionDays: number): Promise<void> {
  try {
    const { db } = await getDb();
    const deleted = await pruneAudit(db, retentionDays);
    if (deleted > 0) log.info({ deleted, retentionDays }, 'audit events pruned');
  } catch (err) {
    log.error({ err }, 'audit pruning failed');
  }
}

/**
 * Validates the configuration and migrates the database; on failure says why and stops the
 * process. Then prunes the audit log now and once a day.
 */
export async function startOrExit(): Promise<void> {
  try {
    getConfig();
    await getDb();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  const { auditRetentionDays, webex } = getConfig();
  // a launch may make three calls (a refused cached ticket, AuthenticateUser, the ticket again)
  installShutdown({ deadlineMs: webex.queueWaitMs + 3 * webex.timeoutMs + SHUTDOWN_SLACK_MS, closePools: closeUpstream });
  await pruneOnce(auditRetentionDays);
  setInterval(() => void pruneOnce(auditRetentionDays), DAY_MS).unref();
}
