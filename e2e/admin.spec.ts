import { expect, test, type Browser, type Page } from '@playwright/test';
import { employee, signIn } from './sign-in';

/** A fresh browser (own cookies) signed in through the real identity provider. */
async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

async function searchMappings(page: Page, q: string): Promise<void> {
  await page.goto('/admin/mappings');
  await page.getByLabel('Search mappings').fill(q);
  await page.getByRole('button', { name: 'Search' }).click();
}

test('the admin links the unmapped employee, who can then join WebEx; then unlinks them', async ({ browser }) => {
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
  await admin.getByLabel('New WebEx password').fill(employee('bob@example.com').webex.password);
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('heading', { name: 'bob@example.com' })).toBeVisible();
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(admin.getByTestId('credential-status')).toHaveText('set');
  await expect(admin.locator('body')).not.toContainText(employee('bob@example.com').webex.password);

  // the test tool: end to end without signing anyone in
  await admin.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(admin.getByRole('status', { name: 'Test result' })).toContainText('WebEx issued a login ticket');

  const bob = await signedIn(browser, 'bob@example.com');
  await expect(bob.getByTestId('webex-id')).toHaveText('bob');
  await bob.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(bob.getByRole('heading', { name: 'Signed in to WebEx as bob' })).toBeVisible();

  // the audit log names who linked whom, never the password
  await admin.goto('/admin/audit?action=mapping.create');
  await expect(admin.getByRole('cell', { name: 'bob@example.com' }).first()).toBeVisible();
  await expect(admin.getByRole('cell', { name: 'admin@example.com' }).first()).toBeVisible();
  await expect(admin.locator('body')).not.toContainText(employee('bob@example.com').webex.password);

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
  const csv = ['email,webex_id,display_name', 'carol@example.com,carol,Carol', 'dave@example.com,dave smith,Dave', 'erin@example.com,erin,Erin', ''].join('\r\n');
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

  const exported = await admin.request.get('/admin/mappings/export');
  expect(exported.status()).toBe(200);
  expect(exported.headers()['content-type']).toContain('text/csv');
  const text = await exported.text();
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
  const exported = await alice.request.get('/admin/mappings/export');
  expect(exported.status()).toBe(403);
  expect(await exported.text()).not.toContain('@example.com,');

  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto('/admin/mappings');
  await expect(anonymous).toHaveURL(/\/api\/auth\/signin/);
});

test('the settings page checks the WebEx connection', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin');
  await admin.getByRole('button', { name: 'Check connection' }).click();
  await expect(admin.getByText('Connected: the XML API answered GetSite as ada.admin.')).toBeVisible();
  await expect(admin.getByText('enabled', { exact: true })).toBeVisible();
});

test('a long list pages forward and back with cursors, every row once', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/mappings/import');
  const rows = Array.from({ length: 120 }, (_, i) => `pager${String(i).padStart(3, '0')}@example.com,pager${i},Pager Person`);
  await admin.getByLabel('CSV file').setInputFiles({ name: 'pager.csv', mimeType: 'text/csv', buffer: Buffer.from(['email,webex_id,display_name', ...rows].join('\n')) });
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
