import Database from 'better-sqlite3';
import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { captureResponses } from './capture';
import { expectNoHorizontalScroll, expectNoSeriousViolations } from './page-checks';
import { appOrigin, SIM_ORIGIN } from './ports';
import { DEMO_EMPLOYEES } from './servers/demo-users';
import { signedIn } from './sign-in';
import { clearFaults, injectFault, newServiceAppRefreshToken, simSecrets, simStats } from './sim-control';

// The rest portal (WEBEX_LAUNCH_API=rest): meetings through the company's Service App, no WebEx password anywhere.

const ALL_HANDS = '123456789'; // ada.admin's, in progress
const STAND_UP = '26341234567'; // alice's
const ORIGIN = appOrigin('rest');

test.describe.configure({ mode: 'serial' });

test.afterEach(async ({ request }) => {
  await clearFaults(request);
});

/** Clicks a button that POSTs /launch; returns where the portal sent the browser. */
async function launchFrom(page: Page, button: string): Promise<URL> {
  const launch = page.waitForResponse((r) => r.url() === `${ORIGIN}/launch` && r.request().method() === 'POST');
  await page.getByRole('button', { name: button, exact: true }).click();
  const response = await launch;
  expect(response.status()).toBe(302);
  return new URL(response.headers()['location'] ?? '');
}

test('an employee starts their personal room and joins a meeting by link, landing as themselves; no WebEx password is stored', async ({ browser, request }) => {
  const alice = await signedIn(browser, 'alice@example.com');
  await expect(alice.getByTestId('webex-email')).toHaveText('alice@example.com');
  await expect(alice.getByRole('button', { name: 'Join WebEx' })).toHaveCount(0);

  const before = await simStats(request);
  const room = await launchFrom(alice, 'Start my personal room');
  // the Service App's startLink, on the configured site, used at once
  expect(room.origin).toBe(SIM_ORIGIN);
  expect(room.pathname).toMatch(/^\/wbxmjs\/joinservice\/sites\/acme\/meeting\/download\//);
  await expect(alice.getByRole('heading', { name: 'Hosting the personal room of alice as alice' })).toBeVisible();

  await alice.goto(`/meet/${ALL_HANDS}`);
  await launchFrom(alice, 'Join');
  await expect(alice.getByRole('heading', { name: `In WebEx meeting ${ALL_HANDS} as alice` })).toBeVisible();

  await alice.goto(`/meet/${STAND_UP}`);
  await launchFrom(alice, 'Start as host');
  await expect(alice.getByRole('heading', { name: `Hosting WebEx meeting ${STAND_UP} as alice` })).toBeVisible();
  const after = await simStats(request);
  expect(after.meetingLinksUsed - before.meetingLinksUsed).toBe(3);
  // no XML API call, no URL API login: the REST path alone
  expect(after.xmlRequests).toBe(before.xmlRequests);
  expect(after.logins).toBe(before.logins);

  // the admin joins alice's meeting as himself; starting it is refused (not its host)
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto(`/meet/${STAND_UP}`);
  await launchFrom(admin, 'Join');
  await expect(admin.getByRole('heading', { name: `In WebEx meeting ${STAND_UP} as ada.admin` })).toBeVisible();
  const other = await signedIn(browser, 'admin@example.com');
  await other.goto(`/meet/${STAND_UP}`);
  await other.getByRole('button', { name: 'Start as host' }).click();
  await expect(other.getByRole('heading', { name: 'You are not the host of this meeting' })).toBeVisible();
  await expect(other.locator('main [role=alert]')).toContainText('Code: WEBEX_NOT_HOST');

  // carol: no mapping, no password, WebEx ID = her e-mail by the rule
  const carol = await signedIn(browser, 'carol@example.com');
  await launchFrom(carol, 'Start my personal room');
  await expect(carol.getByRole('heading', { name: 'Hosting the personal room of carol@example.com as carol@example.com' })).toBeVisible();

  // the rest portal's database: no credential on any mapping, no demo WebEx password, no token or link in the clear
  const db = new Database('data/e2e-rest.sqlite', { readonly: true, fileMustExist: true });
  try {
    expect(db.prepare('select count(*) as n from mappings where credential is not null').get()).toEqual({ n: 0 });
    const everything = JSON.stringify(['mappings', 'audit_events', 'webex_oauth_tokens'].map((table) => db.prepare(`select * from ${table}`).all()));
    const secrets = await simSecrets(request);
    for (const secret of [
      ...DEMO_EMPLOYEES.flatMap((e) => (e.webex.password ? [e.webex.password] : [])),
      ...secrets.serviceAppTokens,
      ...secrets.meetingLinkTokens,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(db.prepare(`select count(*) as n from audit_events where action = 'launch' and detail like '%"api":"rest"%'`).get()).toEqual({ n: 6 });
  } finally {
    db.close();
  }
});

test('WebEx asking the portal to slow down (429) is explained with when to try again', async ({ browser }) => {
  const alice = await signedIn(browser, 'alice@example.com');
  await injectFault(alice, { fault: { kind: 'rest-status', status: 429, retryAfterSeconds: 9 }, call: 'meetings/join', times: 1 });
  await alice.getByRole('button', { name: 'Start my personal room' }).click();
  await expect(alice.getByRole('heading', { name: 'WebEx asks the portal to slow down' })).toBeVisible();
  await expect(alice.locator('main [role=alert]')).toContainText('Code: WEBEX_RATE_LIMITED · Try again in 9 seconds.');
  await alice.getByRole('button', { name: 'Try again' }).click();
  await expect(alice.getByRole('heading', { name: 'Hosting the personal room of alice as alice' })).toBeVisible();
});

test('a revoked Service App gives employees the clear page and admins the state; a pasted new refresh token brings it back', async ({ browser, request }) => {
  const alice = await signedIn(browser, 'alice@example.com');
  await injectFault(alice, { fault: { kind: 'service-app-revoked' }, times: 1 });
  await alice.getByRole('button', { name: 'Start my personal room' }).click();
  await expect(alice.getByRole('heading', { name: 'WebEx is not reachable through the company app' })).toBeVisible();
  await expect(alice.locator('main [role=alert]')).toContainText('Code: WEBEX_APP_NOT_AUTHORIZED');

  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin');
  await expect(admin.getByTestId('service-app-state')).toContainText('NEEDS A NEW TOKEN');
  await expect(admin.getByTestId('service-app-failure')).toContainText('WEBEX_RECONNECT_NEEDED');
  await expect(admin.getByTestId('path-Join WebEx')).toContainText('not offered');
  await expect(admin.getByTestId('path-Start my personal room')).toContainText('REST');

  // bad input gets a clear error, and nothing is stored
  await admin.getByLabel('Refresh token', { exact: true }).fill('Refresh token: MjQ5ZjQ0YjEtYzQ5Ni00ZWE2');
  await admin.getByRole('button', { name: 'Store the refresh token' }).click();
  await expect(admin.getByText('A refresh token has no spaces or line breaks')).toBeVisible();

  const fresh = await newServiceAppRefreshToken(request);
  await admin.getByLabel('Refresh token', { exact: true }).fill(fresh);
  await admin.getByRole('button', { name: 'Store the refresh token' }).click();
  await expect(admin.getByRole('status', { name: 'Storing the refresh token' })).toContainText('The Service App is authorized');
  await expect(admin.getByLabel('Refresh token', { exact: true })).toHaveValue('');
  expect(await admin.content()).not.toContain(fresh);
  await admin.reload();
  await expect(admin.getByTestId('service-app-state')).toHaveText('authorized');

  // the check: token, org, and the dry call reading the admin's own personal room
  await admin.getByRole('button', { name: 'Check the Service App' }).click();
  const check = admin.getByRole('status', { name: 'Service App check' });
  await expect(check).toContainText('Connected: the token works');
  await expect(check.getByTestId('service-app-org')).not.toHaveText('not reported');
  await expect(check).toContainText('Read the personal room of admin@example.com');

  const again = await signedIn(browser, 'alice@example.com');
  await again.getByRole('button', { name: 'Start my personal room' }).click();
  await expect(again.getByRole('heading', { name: 'Hosting the personal room of alice as alice' })).toBeVisible();

  await admin.goto('/admin/audit?action=service-app.install');
  await expect(admin.getByRole('cell', { name: 'admin@example.com' }).first()).toBeVisible();
});

test('the REST pages pass axe and fit 360 px: the home page, the failure pages, the settings with the check and a refused token', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  captureResponses(context);
  const alice = await signedIn(browser, 'alice@example.com');
  const admin = await signedIn(browser, 'admin@example.com');
  // the same sessions at 360 px: cookies carried over
  await context.addCookies([...(await alice.context().cookies())]);
  const narrowAlice = await context.newPage();
  const states: [string, Page, string, ((page: Page) => Promise<void>)?][] = [
    ['home with Start my personal room', narrowAlice, '/'],
    ['the company app is not authorized', narrowAlice, '/launch/failed?code=WEBEX_APP_NOT_AUTHORIZED&room=personal'],
    ['WebEx asks to slow down', narrowAlice, '/launch/failed?code=WEBEX_RATE_LIMITED&meeting=123456789&role=join&retry=9'],
    [
      'settings with the Service App check and a refused token',
      admin,
      '/admin',
      async (page) => {
        await page.setViewportSize({ width: 360, height: 740 });
        await page.getByRole('button', { name: 'Check the Service App' }).click();
        await expect(page.getByRole('status', { name: 'Service App check' })).toContainText('Connected');
        await page.getByLabel('Refresh token', { exact: true }).fill('short');
        await page.getByRole('button', { name: 'Store the refresh token' }).click();
        await expect(page.getByText('That is too short for a Webex refresh token')).toBeVisible();
      },
    ],
  ];
  for (const [name, page, path, then] of states) {
    await page.goto(path);
    await then?.(page);
    await expectNoSeriousViolations(page, name);
    await expectNoHorizontalScroll(page, name);
  }
});
