/**
 * Two production instances serving one company from one PostgreSQL database, behind nothing but
 * the browser (e2e/servers/stack.ts starts them at once on an empty database; saml mode).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createMigrator, openMigratedDatabase } from '../lib/db';
import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { postgresOrigin, SIM_ORIGIN } from './ports';
import { signedIn } from './sign-in';
import { simStats } from './sim-control';

const A = postgresOrigin('a');
const B = postgresOrigin('b');
const INFO = 'data/e2e-postgres.json';

test.describe.configure({ mode: 'serial' });

let databaseUrl = '';
let client: pg.Client | undefined;

test.beforeAll(async () => {
  // the stack writes this only when it could create the database; otherwise it printed SKIPPED
  test.skip(!existsSync(INFO), `SKIPPED: two-instance PostgreSQL e2e — no server answered at STACK_POSTGRES_URL (see the stack's output)`);
  databaseUrl = (JSON.parse(readFileSync(INFO, 'utf8')) as { databaseUrl: string }).databaseUrl;
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
});

test.afterAll(async () => {
  await client?.end();
});

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await (client as pg.Client).query<T>(text, values)).rows;
}

/** A launch through one instance, as the Join button posts it; its answer's request id and outcome. */
async function launch(page: Page, origin: string): Promise<{ requestId: string; outcome: string }> {
  const response = await page.request.post(`${origin}/launch`, { headers: { Origin: origin }, maxRedirects: 0 });
  const location = response.headers()['location'] ?? '';
  const outcome = response.status() === 302 ? 'OK' : (new URL(location, origin).searchParams.get('code') ?? String(response.status()));
  return { requestId: response.headers()['x-request-id'] ?? '', outcome };
}

test('both instances started at once on an empty database, and the migrations ran exactly once', async () => {
  const applied = await query<{ name: string; n: string }>('select name, count(*) as n from kysely_migration group by name order by name');
  const { db } = await openMigratedDatabase(databaseUrl);
  try {
    const defined = await createMigrator(db as Kysely<unknown>, 'postgres').getMigrations();
    expect(applied.map((m) => m.name)).toEqual(defined.map((m) => m.name));
    expect(applied.every((m) => Number(m.n) === 1)).toBe(true);
  } finally {
    await db.destroy();
  }
  for (const origin of [A, B]) expect((await (await fetch(`${origin}/api/ready`)).json()).database).toBe('ok');
});

test('signed in on one instance, an employee joins on the other; every launch is audited once; the session ticket one made, the other uses', async ({
  browser,
}) => {
  const before = (await simStats((await browser.newContext()).request)).sessionTicketsIssued;
  const carol = await signedIn(browser, 'carol@example.com', A);
  // the same browser (one cookie for localhost), the other instance: no second sign-in
  await carol.goto(`${B}/`);
  await expect(carol.getByRole('heading', { name: 'Hello, Carol Chen' })).toBeVisible();
  await carol.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(carol.getByRole('heading', { name: 'Signed in to WebEx as carol@example.com' })).toBeVisible();
  expect(new URL(carol.url()).origin).toBe(SIM_ORIGIN);
  const afterFirst = (await simStats(carol.request)).sessionTicketsIssued;
  expect(afterFirst).toBe(before + 1);

  const launches = [await launch(carol, A), await launch(carol, B), await launch(carol, A)];
  expect(launches.map((l) => l.outcome)).toEqual(['OK', 'OK', 'OK']);
  // the ticket B made is shared through the database: A authenticated no one
  expect((await simStats(carol.request)).sessionTicketsIssued).toBe(afterFirst);

  const audited = await query<{ request_id: string; n: string }>(
    "select request_id, count(*) as n from audit_events where action = 'launch' and request_id = any($1) group by request_id",
    [launches.map((l) => l.requestId)],
  );
  expect(audited).toHaveLength(3);
  expect(audited.every((row) => Number(row.n) === 1)).toBe(true);
});

test('the launch limit holds across instances: six in ten minutes, wherever they land', async ({ browser }) => {
  const carol = await signedIn(browser, 'carol@example.com', B);
  const done = Number(
    (await query<{ n: string }>("select count(*) as n from audit_events where action = 'launch' and actor = 'carol@example.com'"))[0]?.n ?? 0,
  );
  const outcomes: string[] = [];
  for (let i = done; i < 7; i += 1) outcomes.push((await launch(carol, i % 2 === 0 ? A : B)).outcome);
  expect(outcomes.at(-1)).toBe('RATE_LIMITED');
  expect(outcomes.slice(0, -1).every((o) => o === 'OK')).toBe(true);
  // refused on the other instance too
  expect((await launch(carol, outcomes.length % 2 === 0 ? A : B)).outcome).toBe('RATE_LIMITED');
});

const IMPORTED = ['pg-import-1@example.com', 'pg-import-2@example.com'];

test('an import previewed on one instance is applied on the other, once', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com', A);
  await admin.goto(`${A}/admin/mappings/import`);
  const csv = `email,webex_id,display_name\n${IMPORTED[0]},pg.one,PG One\n${IMPORTED[1]},pg.two,PG Two\n`;
  await admin.locator('#file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await admin.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(admin.getByRole('status', { name: 'Import preview' })).toContainText('is valid: 2 rows');
  expect(await query('select email from mappings where email = any($1)', [IMPORTED])).toEqual([]);

  // the admin's next request lands on the other instance, which finds the preview in the database
  await admin.goto(`${B}/admin/mappings/import`);
  await admin.getByRole('button', { name: /^Apply the import previewed/ }).click();
  await expect(admin).toHaveURL(/\/admin\/mappings\?done=\d+$/);
  await expect(admin.getByRole('status')).toHaveText('Imported: 2 created, 0 updated, 0 unchanged, 0 deleted.');
  const rows = await query<{ email: string; webex_id: string }>('select email, webex_id from mappings where email = any($1) order by email', [IMPORTED]);
  expect(rows).toEqual([
    { email: IMPORTED[0], webex_id: 'pg.one' },
    { email: IMPORTED[1], webex_id: 'pg.two' },
  ]);
  expect(await query("select id from audit_events where action = 'mapping.import'")).toHaveLength(1);
  // applied means gone: neither instance offers it again
  await admin.goto(`${A}/admin/mappings/import`);
  await expect(admin.getByRole('heading', { name: 'Previews waiting to be applied' })).toHaveCount(0);
});

test('two edits of one mapping through different instances at once: exactly one wins, the other is told, nothing is lost silently', async ({ browser }) => {
  const onA = await signedIn(browser, 'admin@example.com', A);
  const onB = await onA.context().newPage();
  const [row] = await query<{ id: number; version: number }>('select id, version from mappings where email = $1', [IMPORTED[0]]);
  await onA.goto(`${A}/admin/mappings/${row?.id}`);
  await onB.goto(`${B}/admin/mappings/${row?.id}`);
  await onA.getByLabel('WebEx ID').fill('edited.on.a');
  await onB.getByLabel('WebEx ID').fill('edited.on.b');
  await Promise.all([onA.getByRole('button', { name: 'Save' }).click(), onB.getByRole('button', { name: 'Save' }).click()]);

  const saved = (page: Page) => page.getByRole('status').filter({ hasText: 'Saved.' });
  const refused = (page: Page) => page.getByText(/^Someone else changed this mapping \(now version \d+\)/);
  await expect(saved(onA).or(refused(onA))).toBeVisible();
  await expect(saved(onB).or(refused(onB))).toBeVisible();
  const winners = [(await saved(onA).count()) > 0 ? 'edited.on.a' : undefined, (await saved(onB).count()) > 0 ? 'edited.on.b' : undefined].filter(Boolean);
  expect(winners).toHaveLength(1);
  const [after] = await query<{ webex_id: string; version: number }>('select webex_id, version from mappings where id = $1', [row?.id]);
  expect(after).toEqual({ webex_id: winners[0], version: (row?.version ?? 0) + 1 });
  // the loser keeps what they typed, to look at the new version and save again
  const loser = winners[0] === 'edited.on.a' ? onB : onA;
  await expect(loser.getByLabel('WebEx ID')).toHaveValue(winners[0] === 'edited.on.a' ? 'edited.on.b' : 'edited.on.a');
  // both audited: the one that won, and the one refused with its reason
  const audited = await query<{ outcome: string }>("select outcome from audit_events where action = 'mapping.update' and target = $1 order by outcome", [
    IMPORTED[0],
  ]);
  expect(audited.map((a) => a.outcome)).toEqual(['OK', 'REFUSED']);
});
