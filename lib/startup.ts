import { getConfig } from './config';
import { getDb } from './db';

/** Validates the configuration and migrates the database; on failure says why and stops the process. */
export async function startOrExit(): Promise<void> {
  try {
    getConfig();
    await getDb();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
