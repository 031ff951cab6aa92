import { expect, test } from './fixtures';
import { expectNoHorizontalScroll, expectNoSeriousViolations } from './page-checks';
import type { Browser, Locator, Page, TestInfo } from '@playwright/test';
import { APP_ORIGIN } from './ports';
import { employee, signedIn, signInAtIdp } from './sign-in';

interface PageState {
  name: string;
  /** who looks at it: nobody, an employee, an admin */
  as: 'anonymous' | 'alice' | 'bob' | 'admin';
  path: string;
  /** brings the page into the state (fills a form, submits it) */
  then?: (page: Page) => Promise<void>;
}

// Every employee and admin page, in its main states: empty, with data, with an error.
const STATES: PageState[] = [
  { name: 'home, signed out', as: 'anonymous', path: '/' },
  { name: 'home, linked employee', as: 'alice', path: '/' },
  { name: 'home, employee not linked (error)', as: 'bob', path: '/' },
  { name: 'meeting link, signed out', as: 'anonymous', path: '/meet/123456789' },
  { name: 'meeting link, signed in', as: 'alice', path: '/meet/26341234567' },
  { name: 'meeting link, malformed (404)', as: 'alice', path: '/meet/12345678' },
  { name: 'launch failed (error)', as: 'alice', path: '/launch/failed?code=WEBEX_TIMEOUT' },
  { name: 'launch failed for a meeting (error)', as: 'alice', path: '/launch/failed?code=WEBEX_BAD_CREDENTIALS&meeting=123456789&role=join' },
  { name: 'WebEx login refused (error)', as: 'alice', path: '/webex/return?AT=LI&ST=FAIL&RS=InvalidTicket' },
  { name: 'meeting refused by WebEx (error)', as: 'alice', path: '/webex/return?AT=JM&ST=FAIL&RS=MeetingNotInProgress&meeting=987654321' },
  { name: 'signed out of WebEx', as: 'alice', path: '/webex/return?AT=LO&ST=SUCCESS' },
  { name: 'sign-in error', as: 'anonymous', path: '/auth/error?error=AccessDenied' },
  { name: 'signed out', as: 'anonymous', path: '/auth/signed-out' },
  { name: 'signed out, sessions left open (warning)', as: 'anonymous', path: '/auth/signed-out?webex=open&idp=open&state=webex-not-confirmed' },
  { name: 'admin forbidden to an employee (error)', as: 'alice', path: '/admin' },
  { name: 'admin settings', as: 'admin', path: '/admin' },
  { name: 'launch dashboard', as: 'admin', path: '/admin/dashboard' },
  {
    name: 'admin settings, mapping test result',
    as: 'admin',
    path: '/admin',
    then: async (page) => {
      await page.getByLabel('Portal e-mail').fill('nobody@example.com');
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await expect(page.getByRole('status', { name: 'Test result' })).toBeVisible();
    },
  },
  { name: 'mappings, with data', as: 'admin', path: '/admin/mappings' },
  { name: 'mappings, empty search', as: 'admin', path: '/admin/mappings?q=nobody-matches-this' },
  {
    name: 'mapping, edit',
    as: 'admin',
    path: '/admin/mappings',
    then: async (page) => {
      await page.getByRole('link', { name: 'alice@example.com' }).click();
      await expect(page.getByRole('heading', { name: 'alice@example.com' })).toBeVisible();
    },
  },
  { name: 'mapping, new', as: 'admin', path: '/admin/mappings/new' },
  {
    name: 'mapping, new with errors',
    as: 'admin',
    path: '/admin/mappings/new',
    then: async (page) => {
      await page.getByLabel('WebEx ID').fill('not valid');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.getByText(/A WebEx ID has 1–64 characters/)).toBeVisible();
    },
  },
  { name: 'import, empty', as: 'admin', path: '/admin/mappings/import' },
  {
    name: 'import, preview with errors',
    as: 'admin',
    path: '/admin/mappings/import',
    then: async (page) => {
      const csv = 'email,webex_id,display_name\r\nx@example.com,not valid,X\r\n';
      await page.getByLabel('CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await expect(page.getByRole('status', { name: 'Import preview' })).toBeVisible();
    },
  },
  { name: 'audit log, with data', as: 'admin', path: '/admin/audit' },
  { name: 'audit log, empty filter', as: 'admin', path: '/admin/audit?action=no-such-action' },
  { name: 'connections', as: 'admin', path: '/admin/connections' },
];

/** One browser context per person, signed in once through the real identity provider. */
async function pagesFor(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<Record<PageState['as'], Page>> {
  const anonymous = await (await browser.newContext(options)).newPage();
  const person = async (email: string) => {
    const page = await (await browser.newContext(options)).newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signInAtIdp(page, email);
    await expect(page.getByRole('heading', { name: `Hello, ${employee(email).name}` })).toBeVisible();
    return page;
  };
  return { anonymous, alice: await person('alice@example.com'), bob: await person('bob@example.com'), admin: await person('admin@example.com') };
}

async function open(pages: Record<PageState['as'], Page>, state: PageState): Promise<Page> {
  const page = pages[state.as];
  await page.goto(state.path);
  await state.then?.(page);
  return page;
}

test('every employee and admin page, in its main states, has no serious or critical axe violation', async ({ browser }) => {
  test.setTimeout(180_000);
  const pages = await pagesFor(browser);
  for (const state of STATES) await expectNoSeriousViolations(await open(pages, state), state.name);
});

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`), fullPage: true });
}

for (const layout of [
  { name: '360px', options: { viewport: { width: 360, height: 740 } } },
  // 200 % zoom of a 1280 × 800 window: a 640 × 400 CSS viewport at twice the pixel density
  { name: 'zoom-200', options: { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 } },
]) {
  test(`every page holds up at ${layout.name} (no sideways scrolling; screenshots in the test's artifacts)`, async ({ browser }, testInfo) => {
    test.setTimeout(180_000);
    const pages = await pagesFor(browser, layout.options);
    for (const state of STATES) {
      const page = await open(pages, state);
      await screenshot(page, testInfo, `${layout.name}-${state.name}`);
      await expectNoHorizontalScroll(page, state.name);
    }
  });
}

/** Presses Tab until `target` has the focus (as a keyboard user would), then checks the focus is visible. */
async function tabTo(page: Page, target: Locator, maxPresses = 40): Promise<void> {
  for (let i = 0; i < maxPresses; i += 1) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
      await expectVisibleFocus(target);
      return;
    }
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

/** A focus ring a sighted keyboard user can see: an outline of at least 2 px. */
async function expectVisibleFocus(target: Locator): Promise<void> {
  const outline = await target.evaluate((el) => {
    const style = getComputedStyle(el);
    return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
  });
  expect(outline.style).not.toBe('none');
  expect(outline.width).toBeGreaterThanOrEqual(2);
}

test('the employee journey by keyboard alone, with a visible focus: sign in, Join a meeting, an error page, sign out', async ({ page }) => {
  await page.goto('/meet/123456789');
  await tabTo(page, page.getByRole('link', { name: 'Sign in' }));
  await page.keyboard.press('Enter');
  // the identity provider's form (its e-mail field has the focus)
  await expect(page.getByLabel('Email')).toBeFocused();
  await page.keyboard.type('alice@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.type(employee('alice@example.com').password);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { name: 'WebEx meeting 123 456 789' })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Join', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'In WebEx meeting 123456789 as alice' })).toBeVisible();

  // an error page: its message is announced, its ways on reachable
  await page.goto('/launch/failed?code=WEBEX_TIMEOUT');
  await expect(page.locator('main [role=alert]')).toContainText('WebEx is too slow to answer');
  await tabTo(page, page.getByRole('button', { name: 'Try again' }));
  await tabTo(page, page.getByRole('link', { name: 'Back to the portal' }));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { name: `Hello, ${employee('alice@example.com').name}` })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Sign out' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
  await expect(page.locator('main [role=status]')).toHaveText('You are signed out of the portal in this browser.');
  expect(new URL(page.url()).origin).toBe(APP_ORIGIN);
});

test('the admin edits a mapping by keyboard alone, with a visible focus; the result is announced', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@example.com');
  await tabTo(admin, admin.getByRole('link', { name: 'WebEx settings' }));
  await admin.keyboard.press('Enter');
  await tabTo(admin, admin.getByRole('link', { name: 'Mappings', exact: true }));
  await admin.keyboard.press('Enter');
  await tabTo(admin, admin.getByLabel('Search mappings'));
  await admin.keyboard.type('alice@');
  await admin.keyboard.press('Enter');
  await tabTo(admin, admin.getByRole('link', { name: 'alice@example.com' }));
  await admin.keyboard.press('Enter');

  await tabTo(admin, admin.getByLabel('Display name'));
  await admin.keyboard.press('ControlOrMeta+A');
  await admin.keyboard.type('Alice (edited by keyboard)');
  await tabTo(admin, admin.getByRole('button', { name: 'Save' }));
  await admin.keyboard.press('Enter');
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(admin.getByLabel('Display name')).toHaveValue('Alice (edited by keyboard)');
});
