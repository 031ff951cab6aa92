import { expect, type Browser, type Page } from '@playwright/test';
import { captureResponses } from './capture';
import { DEMO_EMPLOYEES, type DemoEmployee } from './servers/demo-users';

export function employee(email: string): DemoEmployee {
  const found = DEMO_EMPLOYEES.find((e) => e.email === email);
  if (!found) throw new Error(`no demo employee ${email}`);
  return found;
}

/** At the bundled OpenID provider's login form: signs in as a demo employee. */
export async function signInAtIdp(page: Page, email: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to Example Corp' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(employee(email).password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The real sign-in: the portal's Sign in goes straight to the bundled OpenID provider's login form, then back. */
export async function signIn(page: Page, email: string, origin = ''): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await signInAtIdp(page, email);
  await expect(page.getByRole('heading', { name: `Hello, ${employee(email).name}` })).toBeVisible();
}

/** A fresh browser (own cookies) signed in through the real identity provider. */
export async function signedIn(browser: Browser, email: string, origin = ''): Promise<Page> {
  const context = await browser.newContext();
  captureResponses(context);
  const page = await context.newPage();
  await signIn(page, email, origin);
  return page;
}
