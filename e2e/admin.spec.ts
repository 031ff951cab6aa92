import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { APP_ORIGIN, E2E_PORTS } from './ports';
import { employee, signedIn } from './sign-in';

async function searchMappings(page: Page, q: string): Promise<void> {
  await page.goto('/admin/mappings');
  await page.getByLabel('Search mappings').fill(q);
  await page.getByRole('button', { name: 'Search' }).click();
}

test('the admin links the unmapped employee, who can then join WebEx; then unlinks them', async ({ browser }) => {
  const bobsPassword = employee('bob@example.com').webex.password ?? '';
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.getByRole('link', { name: 'WebEx settings' }).click();
  await admin.getByRole('link', { name: 'Mappings', exact: true }).click();
  await admin.getByRole('link', { name: 'New mapping' }).click();

  // inline errors first: the server validates with the form's schema
  await admin.getByLabel('Portal e-mail').fill('BOB@example.com');
  await admin.getByLabel('WebEx ID').fill('bob smith');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByText(/A WebEx ID has 1–64 characters/)).toBeVisible();
  await expect(admin.getByText('Enter the host\'s WebEx password, or choose "keep"')).toBeVisible();

  await expect(admin.getByLabel('Portal e-mail')).toHaveValue('BOB@example.com');
  await admin.getByLabel('WebEx ID').fill('bob');
  await admin.getByLabel('New WebEx password').fill(bobsPassword);
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('heading', { name: 'bob@example.com' })).toBeVisible();
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(admin.getByTestId('credential-status')).toHaveText('set');
  await expect(admin.locator('body')).not.toContainText(bobsPassword);

  // the test tool: end to end without signing anyone in
  await admin.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(admin.getByRole('status', { name: 'Test result' })).toContainText('WebEx accepted the credential for this host');

  const bob = await signedIn(browser, 'bob@example.com');
  await expect(bob.getByTestId('webex-id')).toHaveText('bob');
  await bob.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(bob.getByRole('heading', { name: 'Signed in to WebEx as bob' })).toBeVisible();

  // the audit log names who linked whom, never the password
  await admin.goto('/admin/audit?action=mapping.create');
  await expect(admin.getByRole('cell', { name: 'bob@example.com' }).first()).toBeVisible();
  await expect(admin.getByRole('cell', { name: 'admin@example.com' }).first()).toBeVisible();
  await expect(admin.locator('body')).not.toContainText(bobsPassword);

  // delete asks for confirmation, and then bob is unlinked again
  await searchMappings(admin, 'bob@');
  await admin.getByRole('link', { name: 'bob@example.com' }).click();
  admin.once('dialog', (dialog) => void dialog.accept());
  await admin.getByRole('button', { name: 'Delete this mapping' }).click();
  await expect(admin.getByText('Removed the mapping of bob@example.com.')).toBeVisible();
  await bob.goto('/');
  await expect(bob.getByRole('heading', { name: 'Your account is not linked to WebEx yet' })).toBeVisible();
});

test('an edit based on a stale version is refused, not silently lost', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await searchMappings(admin, 'alice@');
  await admin.getByRole('link', { name: 'alice@example.com' }).click();
  const editUrl = admin.url();
  const other = await admin.context().newPage();
  await other.goto(editUrl);

  await other.getByLabel('Display name').fill('Alice (changed in another tab)');
  await other.getByRole('button', { name: 'Save' }).click();
  await expect(other.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  await admin.getByLabel('Display name').fill('Alice (stale tab)');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByText(/^Someone else changed this mapping \(now version \d+\)/)).toBeVisible();
  await expect(admin.getByLabel('Display name')).toHaveValue('Alice (stale tab)');
  await admin.goto(editUrl);
  await expect(admin.getByLabel('Display name')).toHaveValue('Alice (changed in another tab)');
});

test('a CSV with an error is refused whole, and the preview names the line', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/mappings/import');
  const csv = ['email,webex_id,display_name', 'carol@example.com,carol,Carol', 'dave@example.com,dave smith,Dave', 'erin@example.com,erin,Erin', ''].join(
    '\r\n',
  );
  await admin.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await admin.getByRole('button', { name: 'Upload and preview' }).click();

  const preview = admin.getByRole('status', { name: 'Import preview' });
  await expect(preview).toContainText('Nothing was imported: 1 problem in people.csv');
  await expect(preview.getByRole('row', { name: /3 webex_id A WebEx ID has/ })).toBeVisible();
  await expect(admin.getByRole('button', { name: 'Apply import' })).toHaveCount(0);

  await searchMappings(admin, 'carol@');
  await expect(admin.getByTestId('mapping-total')).toHaveText('0 mappings matching "carol@"');
});

test('a valid CSV previews its changes and applies them; export gives them back', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/mappings/import');
  const csv = '\uFEFFemail,webex_id,display_name\r\nfrank@example.com,frank,"Frank, Jr."\r\n\r\ngrace@example.com,grace,"=HYPERLINK(""x"")"\r\n';
  await admin.getByLabel('CSV file').setInputFiles({ name: 'ok.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await admin.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(admin.getByText('2 to create')).toBeVisible();
  await admin.getByRole('button', { name: 'Apply import' }).click();
  await expect(admin.getByText('Imported: 2 created, 0 updated, 0 unchanged, 0 deleted.')).toBeVisible();

  await admin.goto('/admin/mappings');
  const download = admin.waitForEvent('download');
  await admin.getByRole('button', { name: 'Export CSV' }).click();
  const text = readFileSync(await (await download).path(), 'utf8');
  expect(text).toContain('frank@example.com,frank,"Frank, Jr."\r\n');
  expect(text).toContain('grace@example.com,grace,"\'=HYPERLINK(""x"")"\r\n');
});

test('a non-admin reaches no admin page, route or export', async ({ browser }) => {
  const alice = await signedIn(browser, 'alice@example.com');
  await expect(alice.getByRole('link', { name: 'WebEx settings' })).toHaveCount(0);
  for (const path of ['/admin', '/admin/mappings', '/admin/mappings/new', '/admin/mappings/1', '/admin/mappings/import', '/admin/audit']) {
    const response = await alice.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(alice.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  }
  const exported = await alice.request.post('/admin/mappings/export', { headers: { origin: APP_ORIGIN } });
  expect(exported.status()).toBe(403);
  expect(await exported.text()).not.toContain('@example.com,');

  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto('/admin/mappings');
  // one-click sign-in: straight to the identity provider's form
  await expect(anonymous.getByRole('heading', { name: 'Sign in to Example Corp' })).toBeVisible();
});

test('the settings page checks the WebEx connection', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin');
  await admin.getByRole('button', { name: 'Check connection' }).click();
  await expect(admin.getByText('Connected: the XML API answered GetSite as ada.admin.')).toBeVisible();
  await expect(admin.getByText('enabled', { exact: true })).toBeVisible();
});

/** How many audit events of one action the audit page lists. */
async function auditCount(page: Page, action: string): Promise<number> {
  await page.goto(`/admin/audit?action=${action}`);
  const text = (await page.getByText(/^\d+ events?$/).textContent()) ?? '';
  return Number.parseInt(text, 10);
}

test('a server action posted from another site answers 403 with the portal page, and does nothing', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin');
  const posted = admin.waitForRequest((r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined);
  await admin.getByRole('button', { name: 'Check connection' }).click();
  const action = await posted;
  await expect(admin.getByText('Connected: the XML API answered GetSite as ada.admin.')).toBeVisible();
  const checks = await auditCount(admin, 'webex.check');

  for (const origin of ['https://evil.example', 'null']) {
    const forged = await admin.request.post('/admin', {
      headers: { 'next-action': action.headers()['next-action'] ?? '', 'content-type': action.headers()['content-type'] ?? 'text/plain', origin },
      data: action.postData() ?? '',
    });
    expect(forged.status(), origin).toBe(403);
    expect(forged.headers()['content-type']).toContain('text/html');
    expect(await forged.text()).toContain('Refused: this request came from another site');
  }
  expect(await auditCount(admin, 'webex.check')).toBe(checks);
});

test('export is a POST from the page: another site can neither trigger it nor leave an audit row', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  const exports = await auditCount(admin, 'mapping.export');

  const navigated = await admin.request.get('/admin/mappings/export');
  expect(navigated.status()).toBe(405);
  const forged = await admin.request.post('/admin/mappings/export', { headers: { origin: 'https://evil.example' } });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).not.toContain('@example.com,');
  expect(await auditCount(admin, 'mapping.export')).toBe(exports);

  const own = await admin.request.post('/admin/mappings/export', { headers: { origin: APP_ORIGIN } });
  expect(own.status()).toBe(200);
  expect(own.headers()['content-type']).toContain('text/csv');
  expect(own.headers()['cache-control']).toBe('no-store');
  expect(await own.text()).toContain('alice@example.com,alice,');
  expect(await auditCount(admin, 'mapping.export')).toBe(exports + 1);
});

/** The test runner changes a user's groups at the bundled identity provider (its loopback control endpoint). */
async function setGroupsAtIdp(email: string, groups: string[]): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${E2E_PORTS.idp}/__idp/groups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, groups }),
  });
  expect(response.status).toBe(204);
}

test('an admin removed from the admin group at the IdP loses the rights at the next write, without signing out', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  const checks = await auditCount(admin, 'webex.check');
  await admin.goto('/admin');
  await expect(admin.getByRole('button', { name: 'Check connection' })).toBeVisible();
  try {
    await setGroupsAtIdp('admin@example.com', ['staff']);
    // a settings write re-checks the claims at the IdP before it runs
    await admin.getByRole('button', { name: 'Check connection' }).click();
    await expect(admin.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
    await expect(admin.getByText(/^Connected:/)).toHaveCount(0);
    expect((await admin.goto('/admin'))?.status()).toBe(403);
    await admin.goto('/');
    await expect(admin.getByRole('heading', { name: 'Hello, Ada Admin' })).toBeVisible();
    await expect(admin.getByRole('link', { name: 'WebEx settings' })).toHaveCount(0);
  } finally {
    await setGroupsAtIdp('admin@example.com', ['staff', 'webex-admins']);
  }
  // put back at the IdP: the periodic re-check (ADMIN_RECHECK_MINUTES, 3 s here) restores the rights
  await expect(async () => expect((await admin.goto('/admin'))?.status()).toBe(200)).toPass({ timeout: 15_000 });
  expect(await auditCount(admin, 'webex.check')).toBe(checks);
});

test('an admin removed from the admin group loses the rights within ADMIN_RECHECK_MINUTES, by reading alone', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  expect((await admin.goto('/admin/mappings'))?.status()).toBe(200);
  try {
    await setGroupsAtIdp('admin@example.com', ['staff']);
    await expect(async () => expect((await admin.goto('/admin/mappings'))?.status()).toBe(403)).toPass({ timeout: 15_000 });
    await expect(admin.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  } finally {
    await setGroupsAtIdp('admin@example.com', ['staff', 'webex-admins']);
  }
});

test('a long list pages forward and back with cursors, every row once', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/mappings/import');
  const rows = Array.from({ length: 120 }, (_, i) => `pager${String(i).padStart(3, '0')}@example.com,pager${i},Pager Person`);
  await admin
    .getByLabel('CSV file')
    .setInputFiles({ name: 'pager.csv', mimeType: 'text/csv', buffer: Buffer.from(['email,webex_id,display_name', ...rows].join('\n')) });
  await admin.getByRole('button', { name: 'Upload and preview' }).click();
  await admin.getByRole('button', { name: 'Apply import' }).click();
  await expect(admin.getByText('Imported: 120 created')).toBeVisible();

  // sorted by name: all 120 tie, so every page boundary falls inside the tie (broken by id)
  await admin.goto('/admin/mappings?q=pager&sort=display_name&dir=asc');
  await expect(admin.getByTestId('mapping-total')).toHaveText('120 mappings matching "pager"');
  const emails = () => admin.locator('tbody tr td:first-child').allInnerTexts();
  const pages: string[][] = [await emails()];
  await expect(admin.getByText('Page 1 of 3')).toBeVisible();
  for (const n of [2, 3]) {
    await admin.getByRole('link', { name: 'Next →' }).click();
    await expect(admin.getByText(`Page ${n} of 3`)).toBeVisible();
    pages.push(await emails());
  }
  await expect(admin.getByRole('link', { name: 'Next →' })).toHaveCount(0);
  expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
  expect(pages.flat()).toEqual(rows.map((r) => r.split(',')[0]));

  await admin.getByRole('link', { name: '← Previous' }).click();
  await expect(admin.getByText('Page 2 of 3')).toBeVisible();
  expect(await emails()).toEqual(pages[1]);
});

// issue 16 finding 8: the old account's password followed the mapping to a new WebEx ID
test('a new WebEx ID clears the stored password, and the page says so', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/mappings/new');
  await admin.getByLabel('Portal e-mail').fill('moved.host@example.com');
  await admin.getByLabel('WebEx ID').fill('moved.host');
  await admin.getByLabel('New WebEx password').fill('Moved-Host-Pw-1');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('credential-status')).toHaveText('set');

  await admin.getByLabel('WebEx ID').fill('moved.host.two');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'The stored WebEx password was cleared because the WebEx ID changed' })).toContainText(
    'set the password of moved.host.two again',
  );
  await expect(admin.getByTestId('credential-status')).toHaveText('not set');

  admin.once('dialog', (dialog) => void dialog.accept());
  await admin.getByRole('button', { name: 'Delete this mapping' }).click();
  await expect(admin.getByText('Removed the mapping of moved.host@example.com.')).toBeVisible();
});
