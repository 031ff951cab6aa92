/**
 * Every door that checks where a write comes from refuses one without an Origin header unless
 * Sec-Fetch-Site (which pages cannot forge) says same-origin: the proxy's outer wall, and each
 * route and requireAdmin('write') on their own (a route must not rely on the proxy having run).
 * Issue 16, finding 13: letting such a write through in isCrossOriginWrite or isSameOriginRequest
 * passed every test.
 */
import { NextRequest } from 'next/server';
import { describe, expect, it, vi } from 'vitest';
import { setUpPortalEnvironment } from '@/lib/testing/config';
import { sessionCookies } from '@/lib/testing/session-cookies';

const APP_URL = 'http://localhost:3000';
let requestHeaders: Record<string, string> = {};

vi.mock('next/headers', () => ({ headers: async () => new Headers(requestHeaders), cookies: () => sessionCookies(null) }));

setUpPortalEnvironment({
  __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: 'true',
  NEXTAUTH_URL: APP_URL,
  // the sign-out's way stays in the portal: no discovery at an identity provider
  SIGNOUT_WEBEX: 'false',
  SIGNOUT_IDP: 'false',
});

const postTo = (path: string, headers: Record<string, string>) => new NextRequest(`${APP_URL}${path}`, { method: 'POST', headers, body: '' });
const refused = (response: Response) => response.status === 403;

/** Each door, asked with these request headers: true when it refused the write as cross-origin (403). */
const DOORS: [string, (headers: Record<string, string>) => Promise<boolean>][] = [
  ['the proxy', async (headers) => refused(await (await import('../proxy')).proxy(postTo('/admin', headers)))],
  ['POST /launch', async (headers) => refused(await (await import('./launch/route')).POST(postTo('/launch', headers)))],
  ['POST /auth/signout', async (headers) => refused(await (await import('./auth/signout/route')).POST(postTo('/auth/signout', headers)))],
  ['POST /webex/connect', async (headers) => refused(await (await import('./webex/connect/route')).POST(postTo('/webex/connect', headers)))],
  ['POST /webex/disconnect', async (headers) => refused(await (await import('./webex/disconnect/route')).POST(postTo('/webex/disconnect', headers)))],
  [
    "requireAdmin('write')",
    async (headers) => {
      requestHeaders = headers;
      const { requireAdmin } = await import('@/lib/server');
      try {
        await requireAdmin('write');
        return false;
      } catch (err) {
        const digest = (err as { digest?: unknown }).digest;
        if (typeof digest !== 'string') throw err;
        // past the origin check, an anonymous caller is sent to sign in (NEXT_REDIRECT)
        return digest.endsWith(';403');
      }
    },
  ],
];

describe.each(DOORS)('%s', (_door, refuses) => {
  it.each([['cross-site'], ['same-site'], ['none']])('refuses a write without Origin whose Sec-Fetch-Site is %s', async (site) => {
    expect(await refuses({ 'sec-fetch-site': site })).toBe(true);
  });

  it('refuses a write with neither Origin nor Sec-Fetch-Site', async () => {
    expect(await refuses({})).toBe(true);
  });

  it('lets our own page through without Origin when Sec-Fetch-Site says same-origin (the control)', async () => {
    expect(await refuses({ 'sec-fetch-site': 'same-origin' })).toBe(false);
  });
});
