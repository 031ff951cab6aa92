import { openMigratedDatabase } from '../../lib/db/connection';
import { upsertMapping } from '../../lib/mappings/store';
import { sealCredential, type CredentialKeys } from '../../lib/webex';
import { DEMO_EMPLOYEES } from './demo-users';

/** Links the demo employees marked `linked` to their WebEx accounts, with sealed passwords. */
export async function seedDemoMappings(databaseUrl: string, keys: CredentialKeys): Promise<void> {
  const { db } = await openMigratedDatabase(databaseUrl);
  try {
    for (const employee of DEMO_EMPLOYEES.filter((e) => e.linked)) {
      await upsertMapping(db, {
        email: employee.email,
        webexId: employee.webex.webExID,
        displayName: employee.name,
        sealedCredential: await sealCredential({ kind: 'password', password: employee.webex.password }, keys),
      });
    }
  } finally {
    await db.destroy();
  }
}
