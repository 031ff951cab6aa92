import { expect, test } from './fixtures';
import { expectNoSeriousViolations } from './page-checks';
import type { Browser, Page } from '@playwright/test';
import { APP_ORIGIN, SIM_ORIGIN as SIM } from './ports';
import { signIn, signInAtIdp } from './sign-in';
import { clearFaults, injectFault } from './sim-control';

test.afterEach(async ({ request }) => {
  await clearFaults(request);
});

test('a linked employee joins WebEx and lands signed in as their own host account', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await expect(page.getByTestId('webex-id')).toHaveText('alice');

  const launch = page.waitForResponse((r) => r.url().endsWith('/launch') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  const response = await launch;
  expect(response.status()).toBe(302);
  expect(response.headers()['cache-control']).toBe('no-store');
  expect(response.headers()['referrer-policy']).toBe('no-referrer');
  const location = new URL(response.headers()['location'] ?? '');
  expect(location.origin + location.pathname).toBe(`${SIM}/acme/p.php`);
  expect(location.searchParams.get('AT')).toBe('LI');
  expect(location.searchParams.get('WID')).toBe('alice');
  expect(location.searchParams.get('BU')).toBe(`${APP_ORIGIN}/webex/return`);

  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(SIM);
});

test('an employee with no WebEx link sees whom to ask, and a forced launch explains the same', async ({ page }) => {
  await signIn(page, 'bob@example.com');
  await expect(page.getByRole('heading', { name: 'Your account is not linked to WebEx yet' })).toBeVisible();
  await expect(page.getByText('the IT help desk (help@example.com)')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Join WebEx' })).toHaveCount(0);

  const forced = await page.request.post('/launch', { headers: { Origin: APP_ORIGIN }, maxRedirects: 0 });
  expect(forced.status()).toBe(303);
  await page.goto(forced.headers()['location'] ?? '/');
  await expect(page.getByRole('heading', { name: 'Your account is not linked to WebEx yet' })).toBeVisible();
  await expect(page.getByText('Code: MAPPING_MISSING')).toBeVisible();
});

test('WebEx FAILURE (HTTP 200, exceptionID 030002) shows the refused page; the next try works', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await injectFault(page, { fault: { kind: 'failure', exceptionID: '030002' }, webExID: 'alice', times: 1 });

  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'WebEx refused the stored credentials' })).toBeVisible();
  await expect(page.getByText('Code: WEBEX_BAD_CREDENTIALS')).toBeVisible();

  await page.goto('/');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
});

test('a WebEx that hangs gives the too-slow page within the timeout, and the app keeps serving', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await injectFault(page, { fault: { kind: 'hang' }, times: 1 });

  const started = Date.now();
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'WebEx is too slow to answer' })).toBeVisible();
  expect(Date.now() - started).toBeLessThan(10_000);

  expect((await page.request.get('/api/health')).status()).toBe(200);
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
});

test('WebEx down for everyone: after a run of dropped connections the portal answers at once, says so, and recovers', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await injectFault(page, { fault: { kind: 'reset' }, times: 50 });
  let code = '';
  for (let i = 0; i < 30 && code !== 'WEBEX_CIRCUIT_OPEN'; i += 1) {
    const launch = await page.request.post('/launch', { headers: { Origin: APP_ORIGIN }, maxRedirects: 0 });
    code = new URL(launch.headers()['location'] ?? '', APP_ORIGIN).searchParams.get('code') ?? '';
    expect(['WEBEX_UNREACHABLE', 'WEBEX_CIRCUIT_OPEN']).toContain(code);
  }
  expect(code).toBe('WEBEX_CIRCUIT_OPEN');
  await page.goto('/');
  await expect(page.getByTestId('webex-down')).toBeVisible();
  // readiness reports it, and stays ready: the portal still serves
  const ready = await page.request.get('/api/ready');
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', webex: 'unreachable' });
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'WebEx is unreachable' })).toBeVisible();

  // WebEx is back: after the cool-down one probe goes through and closes the circuit
  await clearFaults(page.request);
  await expect(async () => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Join WebEx' }).click();
    await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
});

test('past the launch limit the page says when to try again (and shows nothing else from the URL)', async ({ page }) => {
  await page.goto('/launch/failed?code=RATE_LIMITED&retry=42');
  await expect(page.getByRole('heading', { name: 'Too many WebEx sign-ins in a row' })).toBeVisible();
  await expect(page.getByText('Try again in 42 seconds.')).toBeVisible();
  await page.goto('/launch/failed?code=RATE_LIMITED&retry=%3Cscript%3E');
  await expect(page.getByRole('heading', { name: 'Too many WebEx sign-ins in a row' })).toBeVisible();
  await expect(page.getByText(/Try again in/)).toHaveCount(0);
});

test('replaying a used p.php URL from another browser is refused by WebEx and the return page explains it', async ({ page, browser }) => {
  await signIn(page, 'alice@example.com');
  const launch = page.waitForResponse((r) => r.url().endsWith('/launch') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  const used = (await launch).headers()['location'] ?? '';
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();

  // another client, with no WebEx session of its own (this browser's would answer AlreadyLogon first)
  const other = await (await browser.newContext()).newPage();
  await other.goto(used);
  await expect(other).toHaveURL(/\/webex\/return\?.*ST=FAIL/);
  expect(new URL(other.url()).searchParams.get('RS')).toBe('InvalidTicket');
  await expect(other.getByRole('heading', { name: 'That WebEx sign-in link was already used' })).toBeVisible();
  await expect(other.getByRole('button', { name: 'Try again' })).toBeVisible();
});

test('WebEx login refused on BU (AutoLoginDisabled) is explained', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await injectFault(page, { fault: { kind: 'auto-login-disabled' }, times: 1 });
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Our WebEx site does not allow portal sign-in' })).toBeVisible();
  await expect(page.getByText('WebEx said: AutoLoginDisabled')).toBeVisible();
});

test('launch refuses cross-origin posts and sends anonymous users to sign in', async ({ page, request }) => {
  await signIn(page, 'alice@example.com');
  const crossOrigin = await page.request.post('/launch', { headers: { Origin: 'https://evil.example' }, maxRedirects: 0 });
  expect(crossOrigin.status()).toBe(403);

  const anonymous = await request.post('/launch', { headers: { Origin: APP_ORIGIN }, maxRedirects: 0 });
  expect(anonymous.status()).toBe(303);
  expect(anonymous.headers()['location']).toBe(`${APP_ORIGIN}/auth/signin?callbackUrl=%2F`);

  const get = await page.request.get('/launch', { maxRedirects: 0 });
  expect(get.status()).toBe(303);
});

/** Every p.php URL this page navigates to, as it would stay in the browser's history. */
function recordWebexVisits(page: Page): { logins: string[]; logouts: string[] } {
  const visits = { logins: [] as string[], logouts: [] as string[] };
  page.on('request', (request) => {
    if (!request.isNavigationRequest()) return;
    const url = new URL(request.url());
    if (url.origin !== SIM || !url.pathname.endsWith('/p.php')) return;
    if (url.searchParams.get('AT') === 'LI') visits.logins.push(url.href);
    if (url.searchParams.get('AT') === 'LO') visits.logouts.push(url.href);
  });
  return visits;
}

/** Replays each login URL in a browser context of its own (another person, another computer): none may sign in. */
async function expectNoneSignsIn(browser: Browser, urls: string[]): Promise<void> {
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) {
    const context = await browser.newContext();
    const stranger = await context.newPage();
    await stranger.goto(url);
    await expect(stranger).toHaveURL(/\/webex\/return\?.*ST=FAIL/);
    expect(new URL(stranger.url()).searchParams.get('RS')).toBe('InvalidTicket');
    await expect(stranger.getByRole('heading', { name: /Signed in to WebEx/ })).toHaveCount(0);
    await context.close();
  }
}

test('another host still signed in to WebEx: AlreadyLogon signs it out and joins again, once; no ticket URL in history still works', async ({
  page,
  browser,
}) => {
  await signIn(page, 'alice@example.com');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();

  // the same browser, another employee at the portal (and at the IdP); WebEx still has alice
  await page.goto('/api/auth/signout');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.context().clearCookies({ name: /^idp_/ });
  await signIn(page, 'admin@example.com');
  const visits = recordWebexVisits(page);
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as ada.admin' })).toBeVisible();

  // the refused login, WebEx's sign-out, the one relaunch with the same (now used) ticket
  expect(visits.logins).toHaveLength(2);
  expect(visits.logouts).toHaveLength(1);
  expect(new URL(visits.logins[1] ?? '').searchParams.get('TK')).toBe(new URL(visits.logins[0] ?? '').searchParams.get('TK'));
  await expectNoneSignsIn(browser, visits.logins);
});

test('AlreadyLogon for the host already signed in recovers the same way', async ({ page, browser }) => {
  await signIn(page, 'alice@example.com');
  await injectFault(page, { fault: { kind: 'url-failure', rs: 'AlreadyLogon' }, webExID: 'alice', times: 1 });
  const visits = recordWebexVisits(page);
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
  expect(visits.logins).toHaveLength(2);
  expect(visits.logouts).toHaveLength(1);
  await expectNoneSignsIn(browser, visits.logins);
});

test('AlreadyLogon again after the relaunch: no second bounce, the employee gets the sign-out button', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await injectFault(page, { fault: { kind: 'url-failure', rs: 'AlreadyLogon' }, webExID: 'alice', times: 2 });
  const visits = recordWebexVisits(page);
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Someone is already signed in to WebEx in this browser' })).toBeVisible();
  await page.waitForTimeout(1_000); // would a third bounce start, it would have by now
  expect(visits.logins).toHaveLength(2);
  expect(visits.logouts).toHaveLength(1);
  await expect(page.getByRole('link', { name: 'Sign out of WebEx' })).toBeVisible();
  await expectNoSeriousViolations(page, 'AlreadyLogon, after the one relaunch');

  // the employee's own sign-out and Join still work
  await page.getByRole('link', { name: 'Sign out of WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed out of WebEx' })).toBeVisible();
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
});

// issue 16 finding 6: a link from any site to the return page made the browser sign out of WebEx and relaunch
test('a link from another site to the AlreadyLogon return page signs nothing out of WebEx: it only explains', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
  // minutes later: the mark of that Join has expired, as in a browser that never launched from the portal
  await page.context().clearCookies({ name: 'webex-sso.launched' });

  // a page of another site links to the return page as WebEx would send it
  const returnUrl = `${APP_ORIGIN}/webex/return?AT=LI&ST=FAIL&RS=AlreadyLogon`;
  await page.route('http://evil.example/', (route) => route.fulfill({ contentType: 'text/html', body: `<a href="${returnUrl}">Your meeting</a>` }));
  await page.goto('http://evil.example/');
  const visits = recordWebexVisits(page);
  await page.getByRole('link', { name: 'Your meeting' }).click();
  await expect(page.getByRole('heading', { name: 'Someone is already signed in to WebEx in this browser' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign out of WebEx' })).toBeVisible();
  await page.waitForTimeout(1_000); // an automatic sign-out would have started by now
  expect(visits.logouts).toEqual([]);
  expect(visits.logins).toEqual([]);

  // WebEx still has alice's session
  await page.goto(`${SIM}/webappng/sites/acme/dashboard`);
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
});

test('ST=SUCCESS on the return page claims nothing: anyone can type it', async ({ page }) => {
  await page.goto('/webex/return?AT=LI&ST=SUCCESS');
  await expect(page.getByRole('heading', { name: 'Back from WebEx' })).toBeVisible();
  await expect(page.getByText(/signed in to WebEx/i)).toHaveCount(0);
});

test('sign-in errors get a page that says what happened', async ({ page }) => {
  await page.goto('/api/auth/error?error=AccessDenied');
  await expect(page).toHaveURL(/\/auth\/error\?error=AccessDenied/);
  await expect(page.getByRole('heading', { name: 'Your account did not give us an e-mail address' })).toBeVisible();
  await page.goto('/api/auth/error?error=Configuration');
  await expect(page.getByRole('heading', { name: 'Sign-in is not working right now' })).toBeVisible();
  await expect(page.getByText('the IT help desk (help@example.com)')).toBeVisible();
});

test('a return URL naming an Object.prototype member gets the generic page, not a 500', async ({ page }) => {
  for (const rs of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const response = await page.goto(`/webex/return?AT=LI&ST=FAIL&RS=${rs}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'WebEx could not sign you in' })).toBeVisible();
    // the reason is not one we know, so the page does not repeat it (issue 16 finding 9)
    await expect(page.getByText('Code: LOGIN_UNKNOWN · WebEx gave a reason the portal does not know')).toBeVisible();
    await expect(page.getByText(rs)).toHaveCount(0);
  }
  const failed = await page.goto('/launch/failed?code=__proto__');
  expect(failed?.status()).toBe(200);
  await expect(page.getByText('Code: WEBEX_REFUSED')).toBeVisible();
});

test('an e-mail the identity provider did not verify is refused at sign-in', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await signInAtIdp(page, 'eve@example.com');
  await expect(page.getByRole('heading', { name: 'Your e-mail address is not verified' })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  const launch = await page.request.post('/launch', { headers: { Origin: APP_ORIGIN }, maxRedirects: 0 });
  expect(launch.headers()['location']).toContain('/auth/signin');
});
