import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { appOrigin, SIM_ORIGIN as SIM } from './ports';
import { signIn } from './sign-in';
import { simSecrets } from './sim-control';

// Runs against the portal started with WEBEX_LOGIN_DELIVERY=post (the stack's `post` portal).
const APP = appOrigin('post');

/** Every URL the page requested or navigated to, and every POST body it sent to WebEx. */
function recordTraffic(page: Page): { urls: string[]; webexPosts: { url: string; body: string }[] } {
  const traffic = { urls: [] as string[], webexPosts: [] as { url: string; body: string }[] };
  page.on('request', (request) => {
    traffic.urls.push(request.url());
    if (request.method() === 'POST' && request.url().startsWith(SIM)) traffic.webexPosts.push({ url: request.url(), body: request.postData() ?? '' });
  });
  page.on('framenavigated', (frame) => traffic.urls.push(frame.url()));
  return traffic;
}

test('POST delivery: Join lands signed in, and no URL the browser visited carries the ticket', async ({ page, request }) => {
  await signIn(page, 'alice@example.com');
  const traffic = recordTraffic(page);
  const launch = page.waitForResponse((r) => r.url() === `${APP}/launch` && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Join WebEx' }).click();

  // /launch answers a no-store page whose form may go to the WebEx site only
  const answer = await launch;
  expect(answer.status()).toBe(200);
  expect(answer.headers()['cache-control']).toBe('no-store');
  expect(answer.headers()['referrer-policy']).toBe('no-referrer');
  expect(answer.headers()['location']).toBeUndefined();
  const csp = answer.headers()['content-security-policy'] ?? '';
  expect(csp).toContain(`form-action ${SIM}`);
  expect(csp).toMatch(/script-src 'nonce-[^']+'/);

  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();

  // the ticket went in the POST body to p.php, and nowhere else
  const posted = traffic.webexPosts.find((p) => p.url === `${SIM}/acme/p.php`);
  const form = new URLSearchParams(posted?.body ?? '');
  expect(form.get('AT')).toBe('LI');
  expect(form.get('WID')).toBe('alice');
  const ticket = form.get('TK') ?? '';
  expect((await simSecrets(request)).loginTickets).toContain(ticket);
  const history = [...traffic.urls, ...(await page.evaluate(() => [location.href, document.referrer]))];
  for (const url of history) {
    expect(url).not.toContain(ticket);
    expect(url).not.toContain(encodeURIComponent(ticket));
    expect(new URL(url, APP).searchParams.has('TK')).toBe(false);
  }
});

test('POST delivery takes a meeting link into the meeting, too', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  await page.goto('/meet/123456789');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'In WebEx meeting 123456789 as alice' })).toBeVisible();
});

test('without scripts, the delivery page has a visible button that goes on to WebEx', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, 'alice@example.com');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signing you in to WebEx' })).toBeVisible();
  await page.getByRole('button', { name: 'Continue to WebEx' }).click();
  // the simulator answers as p.php does (a script redirect), with a link for browsers without scripts
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
  await context.close();
});
