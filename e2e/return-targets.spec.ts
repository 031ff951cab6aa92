import { callbacksAway } from '../lib/testing/return-targets';
import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { APP_ORIGIN } from './ports';
import { signIn, signInAtIdp } from './sign-in';

/**
 * Issue 16 finding 1: signed in, `/auth/signin?callbackUrl=/.//evil.example/x` answered a redirect
 * to http://evil.example/x. A class, not one string: each of these must keep the browser on the portal.
 */
const AWAY = callbacksAway(APP_ORIGIN);

/** Every request this page's browser makes off the portal (and not to the bundled IdP), refused before it leaves. */
async function recordLeaks(page: Page, allowed: string[] = []): Promise<string[]> {
  const leaks: string[] = [];
  await page.context().route(
    (url) => url.origin !== APP_ORIGIN && !allowed.includes(url.origin),
    async (route) => {
      leaks.push(route.request().url());
      await route.abort();
    },
  );
  return leaks;
}

test('signed in: no callbackUrl of the class leaves the portal, by the redirect or in the browser', async ({ page }) => {
  await signIn(page, 'alice@example.com');
  const leaks = await recordLeaks(page);
  for (const callbackUrl of AWAY) {
    const signInUrl = `/auth/signin?${new URLSearchParams({ callbackUrl })}`;
    // the redirect itself, resolved as a browser resolves a Location
    const answer = await page.request.get(signInUrl, { maxRedirects: 0 });
    expect(answer.status(), callbackUrl).toBe(303);
    expect(new URL(answer.headers()['location'] ?? '', `${APP_ORIGIN}/auth/signin`).origin, callbackUrl).toBe(APP_ORIGIN);
    // and followed in the browser, to wherever it ends
    await page.goto(signInUrl);
    expect(new URL(page.url()).origin, callbackUrl).toBe(APP_ORIGIN);
    await expect(page.getByRole('heading', { name: 'Hello, Alice Anders' }), callbackUrl).toBeVisible();
  }
  expect(leaks).toEqual([]);
});

test('signed out: after the sign-in at the identity provider, next-auth comes back to the portal', async ({ page }) => {
  for (const callbackUrl of ['/.//evil.example/x', `${APP_ORIGIN}//evil.example/x`]) {
    await page.context().clearCookies();
    await page.goto(`/auth/signin?${new URLSearchParams({ callbackUrl })}`);
    const idp = new URL(page.url()).origin;
    const leaks = await recordLeaks(page, [idp]);
    await signInAtIdp(page, 'alice@example.com');
    await expect(page.getByRole('heading', { name: 'Hello, Alice Anders' })).toBeVisible();
    expect(new URL(page.url()).origin, callbackUrl).toBe(APP_ORIGIN);
    expect(leaks, callbackUrl).toEqual([]);
    await page.context().unrouteAll();
  }
});
