/**
 * Sign out ends the session on the server (issue 16, finding 7): the cookie it cleared in this
 * browser opens nothing anywhere else afterwards, whoever copied it.
 */
import type { JWT } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { setUpPortalEnvironment } from '@/lib/testing/config';
import { encodeSession } from '@/lib/identity';

const APP_URL = 'http://localhost:3000';
const SECRET = 'signout-route-test-secret-0123456789abcdef';
setUpPortalEnvironment({
  NEXTAUTH_URL: APP_URL,
  NEXTAUTH_SECRET: SECRET,
  // the way out stays in the portal: no discovery at an identity provider
  SIGNOUT_WEBEX: 'false',
  SIGNOUT_IDP: 'false',
});

const now = () => Math.floor(Date.now() / 1000);
const session = (sessionId: string): JWT => ({
  sub: 'sub-alice',
  email: 'alice@example.com',
  name: 'Alice',
  groups: [],
  sessionId,
  signedInAt: now() - 60,
  lastSeenAt: now(),
  adminCheckedAt: now(),
});
const cookieOf = async (token: JWT) => `next-auth.session-token=${await encodeSession({ token, secret: SECRET })}`;

/** A page request through the proxy with this cookie: whether the page sees a session, and whether the browser is told to drop it. */
async function page(cookie: string): Promise<{ signedIn: boolean; cleared: boolean }> {
  const { proxy } = await import('../../../proxy');
  const response = await proxy(new NextRequest(`${APP_URL}/`, { headers: { cookie } }));
  return {
    signedIn: (response.headers.get('x-middleware-request-cookie') ?? '').includes('next-auth.session-token='),
    cleared: response.headers.getSetCookie().some((line) => /^next-auth\.session-token=;.*Max-Age=0/.test(line)),
  };
}

async function signOut(cookie: string): Promise<Response> {
  const { POST } = await import('./route');
  return POST(new NextRequest(`${APP_URL}/auth/signout`, { method: 'POST', headers: { cookie, origin: APP_URL } }));
}

describe('POST /auth/signout', () => {
  it('ends the session on the server: the same cookie, copied before, is refused by the proxy afterwards', async () => {
    const copied = await cookieOf(session('sid-signs-out'));
    expect(await page(copied)).toEqual({ signedIn: true, cleared: false });
    const answer = await signOut(copied);
    expect(answer.status).toBe(303);
    expect(answer.headers.getSetCookie()).toContain('next-auth.session-token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
    expect(await page(copied)).toEqual({ signedIn: false, cleared: true });
  });

  it("ends that session only: the employee's session in another browser goes on", async () => {
    const other = await cookieOf(session('sid-other-browser'));
    await signOut(await cookieOf(session('sid-this-browser')));
    expect(await page(other)).toEqual({ signedIn: true, cleared: false });
  });

  it('a cross-origin sign-out ends nothing', async () => {
    const cookie = await cookieOf(session('sid-not-signed-out'));
    const { POST } = await import('./route');
    const refused = await POST(new NextRequest(`${APP_URL}/auth/signout`, { method: 'POST', headers: { cookie, 'sec-fetch-site': 'cross-site' } }));
    expect(refused.status).toBe(403);
    expect(await page(cookie)).toEqual({ signedIn: true, cleared: false });
  });
});
