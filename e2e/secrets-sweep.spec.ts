import { existsSync, readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { CAPTURED_BODIES, CAPTURED_SESSION_COOKIES } from './capture';
import { appOrigin, E2E_MODES } from './ports';
import { DEMO_EMPLOYEES } from './servers/demo-users';
import { signedIn } from './sign-in';
import { simSecrets } from './sim-control';

// Runs after every other project: nothing the portals keep or show holds a WebEx secret in the clear.

const DATA = 'data';

/** The portals' databases (with their write-ahead logs) and the logs the stack captured. */
function storedFiles(): string[] {
  const databases = readdirSync(DATA)
    .filter((name) => /^e2e-.*\.sqlite(-wal)?$/.test(name))
    .map((name) => join(DATA, name));
  const logs = existsSync(join(DATA, 'logs')) ? readdirSync(join(DATA, 'logs')).map((name) => join(DATA, 'logs', name)) : [];
  return [...databases, ...logs];
}

test('no ticket, token, code, assertion, meeting link token, WebEx password or session cookie appears in any database, log, page or JSON answer', async ({
  browser,
  request,
}) => {
  // an admin sign-in and seven pages in each portal, then every database and log read: 44 s on a
  // busy CI machine, over 60 s on a busier one (the time, not what it checks)
  test.setTimeout(180_000);
  const secrets = await simSecrets(request);
  // every kind the simulator hands out: XML tickets, OAuth and Service App tokens, start/join link tokens, …
  const issued = Object.values(secrets).flat();
  // the run did exercise every kind, so an empty sweep cannot pass for a clean one
  for (const [kind, list] of Object.entries(secrets)) expect(list.length, kind).toBeGreaterThan(0);
  const passwords = DEMO_EMPLOYEES.flatMap((e) => (e.webex.password ? [e.webex.password] : []));

  const files = storedFiles();
  expect(files.filter((f) => f.endsWith('.sqlite')).length).toBe(E2E_MODES.length);
  const pages: string[] = [];
  for (const mode of E2E_MODES) {
    const admin = await signedIn(browser, 'admin@example.com', appOrigin(mode));
    for (const path of ['/', '/admin', '/admin/audit', '/admin/mappings', '/admin/connections', '/api/auth/session', '/api/health']) {
      await admin.goto(`${appOrigin(mode)}${path}`);
      pages.push(await admin.content());
    }
  }
  // every page, JSON and text answer of the whole suite (e2e/capture.ts)
  const captured = readFileSync(CAPTURED_BODIES, 'utf8');
  expect(captured.length).toBeGreaterThan(100_000);
  const sessionCookies = [...new Set(readFileSync(CAPTURED_SESSION_COOKIES, 'utf8').split('\n').filter(Boolean))];
  expect(sessionCookies.length).toBeGreaterThan(10);

  // the two instances' PostgreSQL database, every table as text
  const postgres = existsSync('data/e2e-postgres.json')
    ? await dumpPostgres((JSON.parse(readFileSync('data/e2e-postgres.json', 'utf8')) as { databaseUrl: string }).databaseUrl)
    : '';

  const leaks: string[] = [];
  // a secret in a URL is percent-encoded (a link token's `+`, `/`, `=`): look for both spellings
  const spellings = (secret: string) => [...new Set([secret, encodeURIComponent(secret)])];
  const sweep = (where: string, content: string, secrets: readonly string[]) => {
    for (const secret of secrets) if (spellings(secret).some((s) => content.includes(s))) leaks.push(`${where}: ${secret.slice(0, 6)}…`);
  };
  for (const file of files) sweep(file, readFileSync(file).toString('latin1'), [...issued, ...passwords, ...sessionCookies]);
  for (const [i, html] of pages.entries()) sweep(`page ${i}`, html, [...issued, ...passwords, ...sessionCookies]);
  sweep('PostgreSQL', postgres, [...issued, ...passwords, ...sessionCookies]);
  sweep('captured answers', captured, [...issued, ...passwords, ...sessionCookies]);
  expect(leaks).toEqual([]);
});

async function dumpPostgres(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public'");
    const dumps = await Promise.all(tables.rows.map(async ({ table_name }) => JSON.stringify((await client.query(`select * from "${table_name}"`)).rows)));
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}
