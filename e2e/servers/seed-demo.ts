import { openMigratedDatabase } from '../../lib/db';
import { upsertMapping } from '../../lib/mappings';
import { sealCredential, type SecretKeys } from '../../lib/secrets';
import { DEMO_EMPLOYEES } from './demo-users';

/**
 * Links the demo employees marked `linked` to their WebEx accounts; with their sealed WebEx
 * passwords only when `withPasswords` (password mode): the passwordless modes store none. With
 * `otherSites` (the portal's further sites), their accounts there too, one row per site.
 */
export async function seedDemoMappings(databaseUrl: string, keys: SecretKeys, withPasswords: boolean, otherSites: readonly string[] = []): Promise<void> {
  const { db } = await openMigratedDatabase(databaseUrl);
  const sealed = async (password: string | undefined) =>
    withPasswords && password !== undefined ? await sealCredential({ kind: 'password', password }, keys) : null;
  try {
    for (const employee of DEMO_EMPLOYEES.filter((e) => e.linked)) {
      const { webExID, password } = employee.webex;
      await upsertMapping(db, { email: employee.email, webexId: webExID, displayName: employee.name, sealedCredential: await sealed(password) });
      const { alsoOn } = employee;
      if (alsoOn && otherSites.includes(alsoOn.site)) {
        const row = { email: employee.email, site: alsoOn.site, webexId: alsoOn.webExID, displayName: employee.name };
        await upsertMapping(db, { ...row, sealedCredential: await sealed(alsoOn.password) });
      }
    }
  } finally {
    await db.destroy();
  }
}
