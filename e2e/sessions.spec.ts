/**
 * Portal sessions the server ends (issue 16): Sign out and an admin's End sessions end a session
 * wherever its cookie went, and only an admin's session opens the CSV upload's body allowance.
 */
import type { BrowserContext, Cookie, Page } from '@playwright/test';
import { captureResponses } from './capture';
import { expect, test } from './fixtures';
import { APP_ORIGIN, SIM_ORIGIN } from './ports';
import { employee, signedIn } from './sign-in';

const sessionCookiesOf = async (context: BrowserContext): Promise<Cookie[]> =>
  (await context.cookies(APP_ORIGIN)).filter((c) => c.name.startsWith('next-auth.session-token'));

/** Another browser holding these cookies (copied off the first one), on the home page. */
async function browserWith(browser: Parameters<typeof signedIn>[0], cookies: Cookie[]): Promise<Page> {
  const context = await browser.newContext();
  captureResponses(context);
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto('/');
  return page;
}

async function expectSignedOut(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
}

// The whole chain ends in the identity provider's logout, which in this stack also revokes the
// refresh token (and the stack re-checks admins every 3 s): a browser that stops at WebEx (a
// closed tab, a network error) shows what the portal itself ends.
for (const [chain, stop] of [
  ['the whole sign-out chain', false],
  ['a sign-out that goes no further than the portal (the browser never reaches WebEx)', true],
] as const) {
  test(`a session cookie copied before Sign out opens nothing after it: ${chain}`, async ({ browser }) => {
    const alice = await signedIn(browser, 'alice@example.com');
    const copied = await sessionCookiesOf(alice.context());
    expect(copied.length).toBeGreaterThan(0);
    // the copy works while the session lasts
    const before = await browserWith(browser, copied);
    await expect(before.getByRole('heading', { name: `Hello, ${employee('alice@example.com').name}` })).toBeVisible();

    if (stop) await alice.route(`${SIM_ORIGIN}/**`, (route) => route.abort());
    const signedOut = alice.waitForResponse((response) => new URL(response.url()).pathname === '/auth/signout');
    await alice.getByRole('button', { name: 'Sign out' }).click();
    expect((await signedOut).status()).toBe(303);
    if (!stop) await expect(alice.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
    expect(await sessionCookiesOf(alice.context())).toEqual([]);

    // the same cookies in a fresh browser, and in the one that already held them: signed out, and told to drop them
    const after = await browserWith(browser, copied);
    await expectSignedOut(after);
    expect(await sessionCookiesOf(after.context())).toEqual([]);
    await before.reload();
    await expectSignedOut(before);
  });
}

test("an admin's End sessions signs the employee out in every browser; the employee's next sign-in works", async ({ browser }) => {
  const laptop = await signedIn(browser, 'bob@example.com');
  const phone = await signedIn(browser, 'bob@example.com');
  const copied = await sessionCookiesOf(laptop.context());
  const carol = await signedIn(browser, 'carol@example.com');
  const admin = await signedIn(browser, 'admin@example.com');

  await admin.goto('/admin');
  await admin.getByLabel('Employee e-mail').fill('bob@example.com');
  await admin.getByRole('button', { name: 'End sessions' }).click();
  await expect(admin.getByRole('status', { name: 'End sessions result' })).toHaveText(
    'Ended every portal session of bob@example.com: they must sign in again (new sign-ins are not affected).',
  );

  for (const page of [laptop, phone]) {
    await page.goto('/');
    await expectSignedOut(page);
  }
  await expectSignedOut(await browserWith(browser, copied));
  // nobody else's session, the admin's own included
  await carol.goto('/');
  await expect(carol.getByRole('heading', { name: `Hello, ${employee('carol@example.com').name}` })).toBeVisible();

  // bob signs in again (the identity provider still knows this browser): a new session, not ended
  await laptop.getByRole('link', { name: 'Sign in' }).click();
  await expect(laptop.getByRole('heading', { name: `Hello, ${employee('bob@example.com').name}` })).toBeVisible();
  await laptop.reload();
  await expect(laptop.getByRole('heading', { name: `Hello, ${employee('bob@example.com').name}` })).toBeVisible();

  await admin.goto('/admin/audit?action=session.end-all');
  await expect(admin.getByRole('cell', { name: 'bob@example.com' }).first()).toBeVisible();
});

test("a CSV upload larger than a form: an admin's is read and previewed; anyone else's is refused (413) before it is read", async ({ browser, request }) => {
  const rows = Array.from({ length: 2_500 }, (_, i) => `bulk-${i}@example.com,bulk${i},Bulk Employee ${i}`);
  const csv = Buffer.from(['email,webex_id,display_name', ...rows, ''].join('\r\n'));
  expect(csv.length).toBeGreaterThan(64 * 1024);
  const post = (from: { post: typeof request.post }) =>
    from.post('/admin/mappings/import', {
      headers: { Origin: APP_ORIGIN },
      multipart: { file: { name: 'bulk.csv', mimeType: 'text/csv', buffer: csv } },
      maxRedirects: 0,
    });

  expect((await post(request)).status()).toBe(413);
  const bob = await signedIn(browser, 'bob@example.com');
  expect((await post(bob.request)).status()).toBe(413);

  const admin = await signedIn(browser, 'admin@example.com');
  await admin.goto('/admin/mappings/import');
  await admin.getByLabel('CSV file').setInputFiles({ name: 'bulk.csv', mimeType: 'text/csv', buffer: csv });
  await admin.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(admin.getByText('bulk.csv')).toContainText('is valid: 2500 rows');
});
