import { expect, test } from './fixtures';
import { APP_ORIGIN } from './ports';
import { signIn, signedIn } from './sign-in';
import { clearFaults, injectFault } from './sim-control';

test.afterEach(async ({ request }) => {
  await clearFaults(request);
});

test('the launch dashboard answers "is Join working today?" at a glance, without scripts, and links to the audit', async ({ page, browser }, testInfo) => {
  // a launch that works and one that fails, so today has both
  const alice = await signedIn(browser, 'alice@example.com');
  await injectFault(alice, { fault: { kind: 'failure', exceptionID: '000035' }, webExID: 'alice', times: 1 });
  await alice.request.post('/launch', { headers: { Origin: APP_ORIGIN }, maxRedirects: 0 });
  await alice.getByRole('button', { name: 'Join WebEx' }).click();
  await expect(alice.getByRole('heading', { name: 'Signed in to WebEx as alice' })).toBeVisible();

  await signIn(page, 'admin@example.com');
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Launches' })).toBeVisible();
  expect(Number(await page.getByTestId('total').textContent())).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('success-rate')).toHaveText(/^\d+\.\d %$/);
  await expect(page.getByRole('img', { name: /Launches per day, last 30 days/ })).toBeVisible();
  const failure = page.getByRole('row').filter({ hasText: 'WEBEX_SERVICE_DOWN' });
  await expect(failure).toContainText('WebEx is having trouble');
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });

  await failure.getByRole('link', { name: 'WEBEX_SERVICE_DOWN' }).click();
  await expect(page).toHaveURL(/\/admin\/audit\?action=launch&outcome=WEBEX_SERVICE_DOWN/);
  await expect(page.getByRole('cell', { name: 'WEBEX_SERVICE_DOWN' }).first()).toBeVisible();
});

test('the dashboard reads without scripts: the chart is drawn on the server', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  const noScripts = await browser.newContext({ javaScriptEnabled: false });
  await noScripts.addCookies(await admin.context().cookies());
  const page = await noScripts.newPage();
  const response = await page.goto('/admin/dashboard');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Launches' })).toBeVisible();
  await expect(page.locator('svg[role="img"] rect').first()).toBeAttached();
  await expect(page.getByRole('heading', { name: 'Top failures' })).toBeVisible();
});
