import { pruneAudit } from './audit';
import { getConfig } from './config';
import { getDb } from './db';
import { refreshPlannerStatistics } from './db/statistics';
import { log } from './log';

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

/**
 * Validates the configuration and migrates the database; on failure says why and stops the
 * process. Then prunes the audit log (and refreshes SQLite's planner statistics) now and once a day.
 */
export async function startOrExit(): Promise<void> {
  try {
    getConfig();
    await getDb();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  const { auditRetentionDays } = getConfig();
  await pruneOnce(auditRetentionDays);
  setInterval(() => void pruneOnce(auditRetentionDays), DAY_MS).unref();
}
