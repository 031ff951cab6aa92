import { openMigratedDatabase } from '../../lib/db';
import { upsertMapping } from '../../lib/mappings';
import { sealCredential, type SecretKeys } from '../../lib/secrets';
import { DEMO_EMPLOYEES } from './demo-users';

/**
 * Links the demo employees marked `linked` to their WebEx accounts; with their sealed WebEx
 * passwords only when `withPasswords` (password mode): the passwordless modes store none.
 */
export async function seedDemoMappings(databaseUrl: string, keys: SecretKeys, withPasswords: boolean): Promise<void> {
  const { db } = await openMigratedDatabase(databaseUrl);
  try {
    for (const employee of DEMO_EMPLOYEES.filter((e) => e.linked)) {
      const password = withPasswords ? employee.webex.password : undefined;
      await upsertMapping(db, {
        email: employee.email,
        webexId: employee.webex.webExID,
        displayName: employee.name,
        sealedCredential: password === undefined ? null : await sealCredential({ kind: 'password', password }, keys),
      });
    }
  } finally {
    await db.destroy();
  }
}
