import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { APP_ORIGIN, E2E_PORTS, SIM_ORIGIN as SIM } from './ports';
import { employee, signedIn, signIn, signInAtIdp } from './sign-in';
import { simStats } from './sim-control';

// Meetings of the demo site (e2e/servers/demo-users.ts demoMeetings).
const ALL_HANDS = '123456789'; // ada.admin's, in progress
const STAND_UP = '26341234567'; // alice's, not started until she starts it
const REVIEW = '987654321'; // bob's, never started
const IDP_ORIGIN = `http://127.0.0.1:${E2E_PORTS.idp}`;

/** Every document the page navigated to, with its status, in order (redirect hops included). */
function recordNavigations(page: Page): { url: string; status: number }[] {
  const visits: { url: string; status: number }[] = [];
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.request().frame() === page.mainFrame())
      visits.push({ url: response.url(), status: response.status() });
  });
  return visits;
}

test.describe('meeting links', () => {
  test('a meeting link while signed out: sign in, back to the same meeting page, Join lands in the meeting signed in; the audit names the meeting', async ({
    page,
    browser,
  }) => {
    await page.goto(`/meet/${ALL_HANDS}`);
    await expect(page.getByRole('heading', { name: 'WebEx meeting 123 456 789' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Join' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signInAtIdp(page, 'alice@example.com');
    await expect(page).toHaveURL(`${APP_ORIGIN}/meet/${ALL_HANDS}`);

    const launch = page.waitForResponse((r) => r.url() === `${APP_ORIGIN}/launch` && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    const location = new URL((await launch).headers()['location'] ?? '');
    // MU: the configured site's m.php, built by URLSearchParams (BU inside MU encoded once more)
    const mu = new URL(location.searchParams.get('MU') ?? '');
    expect(mu.origin + mu.pathname).toBe(`${SIM}/acme/m.php`);
    expect(Object.fromEntries(mu.searchParams)).toEqual({ AT: 'JM', MK: ALL_HANDS, BU: `${APP_ORIGIN}/webex/return?meeting=${ALL_HANDS}` });
    await expect(page.getByRole('heading', { name: `In WebEx meeting ${ALL_HANDS} as alice` })).toBeVisible();

    const admin = await signedIn(browser, 'admin@example.com');
    await admin.goto('/admin/audit?action=launch&user=alice%40example.com');
    await expect(
      admin
        .getByRole('row')
        .filter({ hasText: `meeting: ${ALL_HANDS}` })
        .first(),
    ).toBeVisible();
  });

  test("Start as host starts the host's own meeting; others then join it; a non-host is told why not", async ({ page, browser }) => {
    await signIn(page, 'alice@example.com');
    await page.goto(`/meet/${STAND_UP}`);
    await page.getByRole('button', { name: 'Start as host' }).click();
    await expect(page.getByRole('heading', { name: `Hosting WebEx meeting ${STAND_UP} as alice` })).toBeVisible();

    const admin = await signedIn(browser, 'admin@example.com');
    await admin.goto(`/meet/${STAND_UP}`);
    await admin.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(admin.getByRole('heading', { name: `In WebEx meeting ${STAND_UP} as ada.admin` })).toBeVisible();

    const other = await signedIn(browser, 'admin@example.com');
    await other.goto(`/meet/${REVIEW}`);
    await other.getByRole('button', { name: 'Start as host' }).click();
    await expect(other.getByRole('heading', { name: 'You are not the host of this meeting' })).toBeVisible();
    await expect(other.locator('main [role=alert]')).toContainText('Code: MEETING_HOST_DENIED');
  });

  test('a meeting not started, or unknown at WebEx, is explained on the portal', async ({ browser }) => {
    const page = await signedIn(browser, 'alice@example.com');
    await page.goto(`/meet/${REVIEW}`);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'The meeting has not started yet' })).toBeVisible();

    const unknown = await signedIn(browser, 'alice@example.com');
    await unknown.goto('/meet/111111111');
    await unknown.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(unknown.getByRole('heading', { name: 'WebEx does not know that meeting' })).toBeVisible();
    await expect(unknown.getByRole('link', { name: 'Back to the meeting' })).toHaveAttribute('href', '/meet/111111111');
  });

  test('AlreadyLogon during a meeting launch: the recovery relaunches the same meeting', async ({ page }) => {
    await signIn(page, 'alice@example.com');
    await page.getByRole('button', { name: 'Join WebEx' }).click();
    await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();

    await page.goto(`/meet/${ALL_HANDS}`);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('heading', { name: `In WebEx meeting ${ALL_HANDS} as alice` })).toBeVisible();
  });

  test('a malformed or hostile meeting value is a 404, never a redirect', async ({ page }) => {
    await signIn(page, 'alice@example.com');
    const values = [
      '12345678', // too short
      '123456789012', // too long
      'abcdefghi',
      '12345678a',
      '%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98%EF%BC%99', // full-width digits
      '%2F%2Fevil.example',
      '..%2F..%2Fadmin',
      '123456789%0D%0ALocation:%20http:%2F%2Fevil.example',
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '-123456789',
      '123456789.0',
      '%20123456789',
      '1%2B23456789',
      '__proto__',
    ];
    for (const value of values) {
      const response = await page.request.get(`/meet/${value}`, { maxRedirects: 0 });
      expect(response.status(), value).toBe(404);
      expect(response.headers()['location'], value).toBeUndefined();
    }
    const shown = await page.goto('/meet/12345678');
    expect(shown?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();

    // the launch refuses what the page would never post
    const forged = await page.request.post('/launch', { headers: { Origin: APP_ORIGIN }, form: { meeting: '//evil.example', role: 'join' }, maxRedirects: 0 });
    expect(forged.status()).toBe(303);
    expect(forged.headers()['location']).toBe(`${APP_ORIGIN}/launch/failed?code=MEETING_NUMBER_INVALID`);
    const badRole = await page.request.post('/launch', { headers: { Origin: APP_ORIGIN }, form: { meeting: ALL_HANDS, role: 'admin' }, maxRedirects: 0 });
    expect(badRole.headers()['location']).toBe(`${APP_ORIGIN}/launch/failed?code=MEETING_NUMBER_INVALID`);
  });

  test('a GET of a meeting link never issues a ticket (previews and prefetches are harmless)', async ({ page, request }) => {
    await signIn(page, 'alice@example.com');
    const before = await simStats(request);
    for (let i = 0; i < 3; i += 1) expect((await page.request.get(`/meet/${ALL_HANDS}`)).status()).toBe(200);
    expect((await page.request.get('/launch', { maxRedirects: 0 })).status()).toBe(303);
    const after = await simStats(request);
    expect(after.xmlRequests).toBe(before.xmlRequests);
    expect(after.ticketsIssued).toBe(before.ticketsIssued);
  });

  test('an anonymous Join of a meeting signs in first and comes back to that meeting page, never off the portal', async ({ request }) => {
    const anonymous = await request.post('/launch', { headers: { Origin: APP_ORIGIN }, form: { meeting: STAND_UP, role: 'host' }, maxRedirects: 0 });
    expect(anonymous.status()).toBe(303);
    expect(anonymous.headers()['location']).toBe(`${APP_ORIGIN}/auth/signin?callbackUrl=%2Fmeet%2F${STAND_UP}`);
    // a callbackUrl off the portal comes back to the home page
    const away = await request.get('/auth/signin?callbackUrl=https%3A%2F%2Fevil.example%2F', { maxRedirects: 0 });
    expect(new URL(away.headers()['location'] ?? '', APP_ORIGIN).searchParams.get('callbackUrl')).toBe(`${APP_ORIGIN}/`);
  });
});

test.describe('one-click sign-in', () => {
  test("the portal's Sign in goes straight to the identity provider: no portal page in between", async ({ page }) => {
    await page.goto('/');
    const visits = recordNavigations(page);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in to Example Corp' })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(IDP_ORIGIN);
    const portalPages = visits.filter((v) => new URL(v.url).origin === APP_ORIGIN && v.status < 300);
    expect(portalPages).toEqual([]);

    // and the next time (next-auth's CSRF cookie already set): one hop from the portal to the provider
    await signInAtIdp(page, 'alice@example.com');
    await expect(page.getByRole('heading', { name: `Hello, ${employee('alice@example.com').name}` })).toBeVisible();
  });

  test('a sign-in link followed while signed in goes straight to its page, never to the provider, and never off the portal', async ({ page }) => {
    await signIn(page, 'alice@example.com');
    const back = await page.request.get(`/auth/signin?callbackUrl=%2Fmeet%2F${ALL_HANDS}`, { maxRedirects: 0 });
    expect(back.status()).toBe(303);
    expect(back.headers()['location']).toBe(`${APP_ORIGIN}/meet/${ALL_HANDS}`);
    const away = await page.request.get('/auth/signin?callbackUrl=https%3A%2F%2Fevil.example%2F', { maxRedirects: 0 });
    expect(away.headers()['location']).toBe(`${APP_ORIGIN}/`);
  });

  test("sign-in errors keep the portal's error page, never another round to the provider", async ({ page }) => {
    await page.goto('/api/auth/signin?error=OAuthCallback');
    await expect(page).toHaveURL(`${APP_ORIGIN}/auth/error?error=OAuthCallback`);
    await expect(page.getByRole('heading', { name: 'Sign-in did not work' })).toBeVisible();
    await expect(page.locator('main [role=alert]')).toContainText('code OAuthCallback');
  });
});

test.describe('sign out everywhere', () => {
  test('ends the portal, WebEx and identity provider sessions, and says so; the next Join needs a new sign-in', async ({ page }) => {
    await signIn(page, 'alice@example.com');
    await page.getByRole('button', { name: 'Join WebEx' }).click();
    await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
    await page.goto('/');

    const visits = recordNavigations(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
    await expect(page.locator('main [role=status]')).toHaveText('You are signed out of the portal in this browser.');
    await expect(page.locator('main [role=alert]')).toHaveCount(0);
    expect(page.url()).toBe(`${APP_ORIGIN}/auth/signed-out`);

    // the chain: WebEx's AT=LO, back to the portal, then the provider's logout with id_token_hint
    const logout = visits.find((v) => v.url.startsWith(`${SIM}/acme/p.php`));
    expect(new URL(logout?.url ?? 'http://x').searchParams.get('AT')).toBe('LO');
    const endSession = new URL(visits.find((v) => v.url.startsWith(`${IDP_ORIGIN}/session/end`))?.url ?? 'http://x');
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_ORIGIN}/auth/signed-out`);

    // no WebEx session left in this browser
    const dashboard = await page.goto(`${SIM}/webappng/sites/acme/dashboard`);
    expect(dashboard?.status()).toBe(401);
    await expect(page.getByRole('heading', { name: 'Not signed in to WebEx' })).toBeVisible();
    // no portal session, no session cookie
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
    expect((await page.context().cookies(APP_ORIGIN)).filter((c) => c.name.startsWith('next-auth.session-token'))).toEqual([]);
    // no identity provider session: the next Join asks for the password again
    await page.goto(`/meet/${ALL_HANDS}`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in to Example Corp' })).toBeVisible();
    await signInAtIdp(page, 'alice@example.com');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('heading', { name: `In WebEx meeting ${ALL_HANDS} as alice` })).toBeVisible();
  });

  test('sign-out is a POST from our own pages; a GET or another site signs nobody out', async ({ page }) => {
    await signIn(page, 'alice@example.com');
    expect((await page.request.get('/auth/signout', { maxRedirects: 0 })).status()).toBe(303);
    expect((await page.request.post('/auth/signout', { headers: { Origin: 'https://evil.example' }, maxRedirects: 0 })).status()).toBe(403);
    await page.goto('/');
    await expect(page.getByRole('heading', { name: `Hello, ${employee('alice@example.com').name}` })).toBeVisible();
  });

  test('the signed-out page claims nothing it does not know: typed while signed in, it says so', async ({ page }) => {
    await signIn(page, 'alice@example.com');
    await page.goto('/auth/signed-out');
    await expect(page.getByRole('heading', { name: 'You are still signed in' })).toBeVisible();
  });
});

test('public/: a favicon and app icons, and a robots.txt that keeps search engines out', async ({ page, request }) => {
  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toMatch(/^User-agent: \*\nDisallow: \/$/m);
  const icons: [path: string, type: string][] = [
    ['/favicon.ico', 'image/x-icon'],
    ['/icon.svg', 'image/svg+xml'],
    ['/icon-192.png', 'image/png'],
    ['/apple-touch-icon.png', 'image/png'],
  ];
  for (const [path, type] of icons) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-type'], path).toContain(type);
  }
  await page.goto('/');
  await expect(page.locator('link[rel="icon"][href="/icon.svg"]')).toHaveCount(1);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', '/apple-touch-icon.png');
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex, nofollow');
});
