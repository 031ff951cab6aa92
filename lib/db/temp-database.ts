import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from './connection';

export interface TempDatabase extends Db {
  /** closes the connection and deletes the file */
  remove(): Promise<void>;
}

/** For tests: a migrated SQLite file of its own in a fresh temporary folder. */
export async function openTempDatabase(label: string): Promise<TempDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `webex-sso-${label}-`));
  const opened = await openMigratedDatabase(`file:${join(dir, `${label}.sqlite`)}`);
  return {
    ...opened,
    async remove() {
      await opened.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
