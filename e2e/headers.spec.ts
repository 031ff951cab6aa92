import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { APP_ORIGIN, SIM_ORIGIN } from './ports';
import { signIn } from './sign-in';

// The security headers, read off every page the portal serves, in a real browser that enforces them.

const PAGES = [
  '/',
  '/admin',
  '/admin/mappings',
  '/admin/mappings/new',
  '/admin/mappings/import',
  '/admin/audit',
  '/launch/failed?code=WEBEX_TIMEOUT',
  '/webex/return?ST=FAIL&RS=InvalidTicket',
  '/auth/error?error=AccessDenied',
];

function collectViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test('every page: a CSP with a fresh script nonce that Next uses, no inline scripts allowed, no framing, forms only to us, the IdP and WebEx', async ({
  page,
}) => {
  const violations = collectViolations(page);
  await signIn(page, 'admin@example.com');
  const nonces = new Set<string>();
  for (const path of PAGES) {
    const response = await page.goto(path);
    const csp = response?.headers()['content-security-policy'] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    expect(nonce, path).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonces.has(nonce), `${path}: a nonce is never reused`).toBe(false);
    nonces.add(nonce);
    expect(csp).toContain("script-src 'self' 'nonce-");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(new RegExp(`form-action 'self' ${APP_ORIGIN} http://127\\.0\\.0\\.1:\\d+ ${SIM_ORIGIN.replace(/\./g, '\\.')}`));
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    // every script Next rendered carries this response's nonce (browsers hide the attribute's value from the DOM but keep the property)
    const scriptNonces = await page.locator('script').evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
    expect(scriptNonces.length, path).toBeGreaterThan(0);
    expect(new Set(scriptNonces), path).toEqual(new Set([nonce]));
  }
  // the app still works under the policy: a Join goes through the redirect to WebEx
  await page.goto('/');
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as ada.admin' })).toBeVisible();
  expect(violations).toEqual([]);
});

test('no HSTS over plain http (the stack); the header only exists for an https portal', async ({ request }) => {
  const response = await request.get('/');
  expect(response.headers()['strict-transport-security']).toBeUndefined();
});

test('bodies and headers beyond sane sizes are refused on every route', async ({ request }) => {
  for (const path of ['/launch', '/', '/admin', '/webex/connect']) {
    const big = await request.post(path, {
      headers: { Origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      data: `x=${'a'.repeat(200 * 1024)}`,
      maxRedirects: 0,
    });
    expect(big.status(), path).toBe(413);
  }
  const hugeHeader = await request.get('/', { headers: { 'x-filler': 'a'.repeat(40 * 1024) } });
  expect(hugeHeader.status()).toBe(431);
});
