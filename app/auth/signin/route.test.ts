/**
 * GET /auth/signin as a route handler: wherever a `callbackUrl` points, the way back is a page of
 * the portal, for a signed-in employee (the redirect itself) and a signed-out one (what next-auth
 * is handed to come back to).
 */
import type { JWT } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { testEnvironment } from '@/lib/testing/config';
import { callbacksAway } from '@/lib/testing/return-targets';
import { sessionCookies } from '@/lib/testing/session-cookies';

const APP_URL = 'http://localhost:3000';
const CSRF_COOKIE = 'next-auth.csrf-token=csrf-123%7Chash-456';

let token: JWT | null = null;
/** what next-auth's POST /api/auth/signin/oidc was given */
const signIns: URLSearchParams[] = [];

vi.mock('next/headers', () => ({ cookies: () => sessionCookies(token) }));
vi.mock('next-auth', () => ({
  default: () => async (request: Request) => {
    signIns.push(new URLSearchParams(await request.text()));
    return new Response(null, { status: 302, headers: { Location: 'http://127.0.0.1:1/authorize' } });
  },
}));

const NOW = Math.floor(Date.now() / 1000);
const ALICE: JWT = { email: 'alice@example.com', name: 'Alice', groups: [], signedInAt: NOW, lastSeenAt: NOW, adminCheckedAt: NOW };

const AWAY = callbacksAway(APP_URL);

beforeAll(() => {
  Object.assign(process.env, testEnvironment({ NEXTAUTH_URL: APP_URL, LOG_LEVEL: 'silent' }));
});

beforeEach(() => {
  token = ALICE;
  signIns.length = 0;
});

async function signIn(query: Record<string, string>, cookie?: string): Promise<Response> {
  const { GET } = await import('./route');
  return GET(new NextRequest(`${APP_URL}/auth/signin?${new URLSearchParams(query)}`, { headers: cookie ? { cookie } : {} }));
}

/** Where a browser goes for this answer's Location, as it resolves it against the page it asked for. */
function landing(response: Response): URL {
  return new URL(response.headers.get('location') ?? '', `${APP_URL}/auth/signin`);
}

describe('GET /auth/signin: where a sign-in comes back to', () => {
  it('signed in: straight on to the page named', async () => {
    const response = await signIn({ callbackUrl: '/meet/123456789' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/meet/123456789`);
  });

  it.each(AWAY)('signed in, callbackUrl %j: the home page of the portal, never another origin', async (callbackUrl) => {
    const response = await signIn({ callbackUrl });
    expect(response.status).toBe(303);
    expect(landing(response).origin).toBe(APP_URL);
    expect(landing(response).href).toBe(`${APP_URL}/`);
  });

  it.each(AWAY)('signed out, callbackUrl %j: next-auth is asked to come back to the home page', async (callbackUrl) => {
    token = null;
    const first = await signIn({ callbackUrl });
    expect(landing(first).pathname).toBe('/api/auth/signin');
    expect(landing(first).searchParams.get('callbackUrl')).toBe(`${APP_URL}/`);

    await signIn({ callbackUrl }, CSRF_COOKIE);
    expect(signIns.map((body) => body.get('callbackUrl'))).toEqual([`${APP_URL}/`]);
    expect(signIns[0]?.get('csrfToken')).toBe('csrf-123');
  });
});

describe('GET /auth/signin: an error from the sign-in flow', () => {
  it.each([
    ['OAuthCallback', 'OAuthCallback'],
    ['OAuthSignin', 'OAuthSignin'],
    ['CallTheHelpDeskOn5550100', 'Default'],
    ['__proto__', 'Default'],
  ])('error=%s goes to the error page as the code %s, never as outside text', async (error, code) => {
    const response = await signIn({ error, callbackUrl: '/' });
    expect(response.status).toBe(303);
    expect(landing(response).href).toBe(`${APP_URL}/auth/error?error=${code}`);
  });
});
