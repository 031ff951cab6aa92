import { expect, test } from './fixtures';
import { expectNoSeriousViolations } from './page-checks';
import type { Page } from '@playwright/test';
import { signedIn } from './sign-in';
import { clearFaults, injectFault, simStats } from './sim-control';

// The oauth-mode portal: each employee connects their WebEx account once (authorization code + PKCE at the simulator).

test.afterEach(async ({ request }) => {
  await clearFaults(request);
});

/** The employee's part at WebEx: sign in with the WebEx ID and password there, and allow the portal. */
async function allowAtWebex(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to WebEx' })).toBeVisible();
  await page.getByLabel('WebEx ID or e-mail').fill('alice');
  await page.getByLabel('Password').fill('Alice-WebEx-1');
  await page.getByRole('button', { name: 'Allow' }).click();
}

async function joinsSignedIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test('an employee connects, joins; an expired token is refreshed; a revoked grant brings Reconnect, which brings them back', async ({ browser, request }) => {
  const alice = await signedIn(browser, 'alice@example.com');
  await expect(alice.getByRole('heading', { name: 'Connect your WebEx account' })).toBeVisible();
  await expect(alice.getByRole('button', { name: 'Join WebEx' })).toHaveCount(0);
  await expectNoSeriousViolations(alice, 'oauth home, not connected');
  await alice.getByRole('button', { name: 'Connect WebEx' }).click();
  await allowAtWebex(alice);
  await expect(alice.getByRole('status').filter({ hasText: 'Your WebEx account is connected.' })).toBeVisible();
  await joinsSignedIn(alice);

  // the access token ends early: the portal refreshes once and Join still works
  const before = await simStats(request);
  await injectFault(alice, { fault: { kind: 'access-token-expired' }, webExID: 'alice', times: 1 });
  await joinsSignedIn(await signedIn(browser, 'alice@example.com'));
  expect((await simStats(request)).refreshTokenGrants).toBe(before.refreshTokenGrants + 1);

  // the grant is revoked at WebEx: a clear page with Reconnect, never a 500
  await injectFault(alice, { fault: { kind: 'access-token-expired' }, webExID: 'alice', times: 1 });
  await injectFault(alice, { fault: { kind: 'refresh-revoked' }, webExID: 'alice', times: 1 });
  const again = await signedIn(browser, 'alice@example.com');
  await again.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(again.getByRole('heading', { name: 'Reconnect your WebEx account' })).toBeVisible();
  await expectNoSeriousViolations(again, 'reconnect page');
  await again.getByRole('button', { name: 'Reconnect WebEx' }).click();
  await allowAtWebex(again);
  await expect(again.getByRole('status').filter({ hasText: 'Your WebEx account is connected.' })).toBeVisible();
  await joinsSignedIn(again);
});

test('an admin sees the connection and revokes it; the employee is asked to reconnect', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/connections');
  const row = admin.getByTestId('connection-alice@example.com');
  await expect(row).toContainText('connected');
  await expectNoSeriousViolations(admin, 'connections, with a connection');
  await row.getByRole('button', { name: 'Revoke the WebEx connection of alice@example.com' }).click();
  // the notice names no one: its query string is anybody's (issue 16 finding 9); the row is gone
  await expect(admin.getByRole('status').filter({ hasText: 'Revoked the WebEx connection.' })).toBeVisible();
  await expect(row).toHaveCount(0);
  await admin.goto('/admin/audit?action=oauth.revoke');
  await expect(admin.getByRole('cell', { name: 'alice@example.com' }).first()).toBeVisible();

  const alice = await signedIn(browser, 'alice@example.com');
  await expect(alice.getByRole('heading', { name: 'Connect your WebEx account' })).toBeVisible();
});
