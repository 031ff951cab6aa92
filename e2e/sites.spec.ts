import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { appOrigin, E2E_PORTS, SIM_ORIGIN as SIM } from './ports';
import { signedIn } from './sign-in';

/**
 * Two WebEx sites behind one portal (the `sites` portal: saml mode, WEBEX_SITES=acme-eu, the EU
 * domain on acme-eu by MAPPING_SITE_RULES), one simulator serving both, each with its own hosts.
 */
const ORIGIN = appOrigin('sites');
const IDP = `http://127.0.0.1:${E2E_PORTS.idp}`;

/** Clicks a Join and waits for WebEx's page: the p.php requests on the way (one AT=LI, unless WebEx said AlreadyLogon). */
async function join(page: Page, label: string, site: string, webExID: string): Promise<URL[]> {
  const visits: URL[] = [];
  const record = (r: { url(): string }) => {
    const url = new URL(r.url());
    if (url.origin === SIM && url.pathname.endsWith('/p.php')) visits.push(url);
  };
  page.on('request', record);
  await page.getByRole('button', { name: label, exact: true }).click();
  await expectSignedInOn(page, site, webExID);
  page.off('request', record);
  return visits;
}

async function expectSignedInOn(page: Page, site: string, webExID: string): Promise<void> {
  await expect(page.getByRole('heading', { name: `Signed in to WebEx as ${webExID}` })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(`/webappng/sites/${site}/dashboard`);
}

test('an employee with accounts on two sites sees a Join per site and lands signed in on each', async ({ browser }) => {
  const page = await signedIn(browser, 'alice@example.com', ORIGIN);
  await expect(page.getByRole('button', { name: /^Join WebEx/ })).toHaveText(['Join WebEx · Acme', 'Join WebEx · Acme Europe']);

  const acme = await join(page, 'Join WebEx · Acme', 'acme', 'alice');
  expect(acme.map((u) => [u.pathname, u.searchParams.get('AT'), u.searchParams.get('WID')])).toEqual([['/acme/p.php', 'LI', 'alice']]);

  // signed in on acme is no session on acme-eu: one AT=LI there too, no AlreadyLogon to recover from
  await page.goto(`${ORIGIN}/`);
  const eu = await join(page, 'Join WebEx · Acme Europe', 'acme-eu', 'alice');
  expect(eu.map((u) => [u.pathname, u.searchParams.get('AT'), u.searchParams.get('WID')])).toEqual([['/acme-eu/p.php', 'LI', 'alice']]);
});

test('an employee of the EU domain lands on the EU site by the site rule, with no mapping row', async ({ browser }) => {
  const page = await signedIn(browser, 'erik@eu.example.com', ORIGIN);
  await expect(page.getByRole('button', { name: /^Join WebEx/ })).toHaveText(['Join WebEx · Acme Europe']);
  const eu = await join(page, 'Join WebEx · Acme Europe', 'acme-eu', 'erik@eu.example.com');
  expect(eu.map((u) => [u.pathname, u.searchParams.get('WID')])).toEqual([['/acme-eu/p.php', 'erik@eu.example.com']]);
});

test('sign out everywhere signs the browser out of both sites it was launched into', async ({ browser }) => {
  const page = await signedIn(browser, 'alice@example.com', ORIGIN);
  await join(page, 'Join WebEx · Acme', 'acme', 'alice');
  await page.goto(`${ORIGIN}/`);
  await join(page, 'Join WebEx · Acme Europe', 'acme-eu', 'alice');

  await page.goto(`${ORIGIN}/`);
  // the chain, in order: each site's AT=LO, then the identity provider's logout
  const chain: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === SIM && url.searchParams.get('AT') === 'LO') chain.push(url.pathname);
    if (url.origin === IDP && url.pathname === '/session/end') chain.push('idp');
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
  await expect(page.locator('main [role=alert]')).toHaveCount(0);
  expect(chain).toEqual(['/acme/p.php', '/acme-eu/p.php', 'idp']);
  for (const site of ['acme', 'acme-eu']) {
    expect((await page.goto(`${SIM}/webappng/sites/${site}/dashboard`))?.status()).toBe(401);
  }
});

test("an admin's CSV with a site column links an employee on the EU site, who then lands signed in there", async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com', ORIGIN);
  await admin.goto(`${ORIGIN}/admin/mappings/import`);
  const csv = 'email,webex_id,display_name,site\r\nbob@example.com,bob,Bob Brown,acme-eu\r\n';
  await admin.getByLabel('CSV file').setInputFiles({ name: 'eu.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await admin.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(admin.getByText('1 to create')).toBeVisible();
  await admin.getByRole('button', { name: 'Apply import' }).click();
  await expect(admin.getByText('Imported: 1 created, 0 updated, 0 unchanged, 0 deleted.')).toBeVisible();

  const bob = await signedIn(browser, 'bob@example.com', ORIGIN);
  const eu = await join(bob, 'Join WebEx · Acme Europe', 'acme-eu', 'bob');
  expect(eu.map((u) => [u.pathname, u.searchParams.get('WID')])).toEqual([['/acme-eu/p.php', 'bob']]);
});

test('the dashboard counts the launches by site', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com', ORIGIN);
  await admin.goto(`${ORIGIN}/admin/dashboard`);
  const bySite = admin.getByTestId('by-site');
  await expect(bySite.getByRole('row')).toHaveCount(3);
  // the tests above launched on both sites, every launch successful
  for (const name of ['Acme (acme)', 'Acme Europe (acme-eu)']) {
    const row = bySite.getByRole('row').filter({ hasText: name });
    await expect(row.getByRole('cell').nth(1)).not.toHaveText('0');
    await expect(row.getByRole('cell').nth(2)).toHaveText('100.0 %');
  }
});
