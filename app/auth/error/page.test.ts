/**
 * Issue 16 finding 9: the sign-in error page shows a known code and its own texts, never the
 * text of its query string.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '@/lib/testing/config';
import { renderToHtml } from '../../../lib/testing/render';

beforeAll(() => {
  Object.assign(process.env, testEnvironment({ LOG_LEVEL: 'silent' }));
});

async function errorPage(error?: string): Promise<string> {
  const { default: SignInErrorPage } = await import('./page');
  return renderToHtml(await SignInErrorPage({ searchParams: Promise.resolve(error === undefined ? {} : { error }) }));
}

describe('the sign-in error page', () => {
  it.each(['CallTheHelpDeskOn5550100', 'OAuthCallbackButNotQuite', '__proto__', 'constructor'])(
    'error=%j: the generic text and code, never the value',
    async (error) => {
      const html = await errorPage(error);
      expect(html).not.toContain(error);
      expect(html).toContain('Sign-in did not work');
      expect(html).toContain('(code Default)');
    },
  );

  it.each([
    ['OAuthCallback', 'Sign-in did not work'],
    ['AccessDenied', 'Your account did not give us an e-mail address'],
    ['EmailUnverified', 'Your e-mail address is not verified'],
    ['Cookies', 'Your browser refused the sign-in cookie'],
  ])('error=%s: its own text, and the code for support', async (error, title) => {
    const html = await errorPage(error);
    expect(html).toContain(title);
    expect(html).toContain(`(code ${error})`);
  });

  it('no error: the generic text, no code', async () => {
    const html = await errorPage();
    expect(html).toContain('Sign-in did not work');
    expect(html).not.toContain('(code');
  });
});
