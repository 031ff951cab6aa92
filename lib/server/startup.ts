import { closeUpstream } from './deps';
import { pruneAudit } from '../audit';
import { getConfig } from '../config';
import { closeDatabaseOnExit, getDb } from './database';
import { refreshPlannerStatistics } from '../db';
import { log } from '../log';
import { installShutdown } from './shutdown';

/** Beyond the longest a launch can take, a little slack. */
const SHUTDOWN_SLACK_MS = 5_000;

const DAY_MS = 24 * 60 * 60 * 1000;

async function pruneOnce(retentionDays: number): Promise<void> {
  try {
    const { db } = await getDb();
    const deleted = await pruneAudit(db, retentionDays);
    if (deleted > 0) log.info({ deleted, retentionDays }, 'audit events pruned');
    await refreshPlannerStatistics(db);
  } catch (err) {
    log.error({ err }, 'audit pruning failed');
  }
}

/** How long start-up waits for a database that is not up yet (a container starting beside it). */
const DATABASE_ATTEMPTS = 10;
const DATABASE_RETRY_MS = 2_000;

/** Opens (and migrates) the database, retrying a bounded number of times, saying so each time. */
export async function waitForDatabase(open: () => Promise<unknown> = getDb, attempts = DATABASE_ATTEMPTS, retryMs = DATABASE_RETRY_MS): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await open();
      return;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (attempt >= attempts) {
        throw new Error(
          `webex-sso: the database did not answer after ${attempts} attempts over ${((attempts - 1) * retryMs) / 1000} s: ${reason}. Check DATABASE_URL and that the server is up.`,
          { cause: err },
        );
      }
      log.warn({ attempt, attempts, reason }, `waiting for the database (attempt ${attempt} of ${attempts})`);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}

/**
 * Validates the configuration and migrates the database (waiting for it a bounded time); on
 * failure says why and stops the process. Then prunes the audit log (and refreshes SQLite's
 * planner statistics) now and once a day.
 */
export async function startOrExit(): Promise<void> {
  try {
    getConfig();
    await waitForDatabase();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  const { auditRetentionDays, webex } = getConfig();
  // a launch may make three calls (a refused cached ticket, AuthenticateUser, the ticket again)
  installShutdown({ deadlineMs: webex.queueWaitMs + 3 * webex.timeoutMs + SHUTDOWN_SLACK_MS, closePools: closeUpstream });
  closeDatabaseOnExit();
  await pruneOnce(auditRetentionDays);
  setInterval(() => void pruneOnce(auditRetentionDays), DAY_MS).unref();
}
