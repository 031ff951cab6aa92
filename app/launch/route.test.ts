/**
 * POST /launch as a route handler: only our own pages start a launch, anonymous callers sign in
 * first, and every answer (it may carry a ticket) is no-store and sends no referrer.
 */
import type { JWT } from 'next-auth/jwt';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { launchedCookie, type LaunchResult, type LaunchTarget, type RateDecision } from '@/lib/launch';
import { testEnvironment } from '@/lib/testing/config';
import { sessionCookies } from '@/lib/testing/session-cookies';

const APP_URL = 'http://localhost:3000';
const SECRET = 'launch-route-test-secret-0123456789abcdef';
const LOGIN_URL = 'https://acme.webex.com/acme/p.php?AT=LI&WID=alice&TK=T%2B1';

let token: JWT | null = null;
let nextResult: LaunchResult = { ok: true, location: LOGIN_URL, webexId: 'alice', via: 'xml' };
let nextRate: RateDecision = { allowed: true };
/** set to make the portal's own store fail: in the rate limiter or inside the launch (its audit write) */
let storeFailure: { in: 'limiter' | 'launch'; error: Error } | undefined;
const launched: string[] = [];
const targets: LaunchTarget[] = [];
let delivery = 'redirect';

// The use case's own seams (lib/launch JoinDeps): the real settings and portal user (from the
// session cookie), a scripted launch limit and launch.
vi.mock('@/lib/server', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/server')>();
  return {
    ...original,
    getJoinDeps: () => ({
      ...original.getJoinDeps(),
      consumeLaunch: async () => {
        if (storeFailure?.in === 'limiter') throw storeFailure.error;
        return nextRate;
      },
      launch: async (user: { email: string }, target: LaunchTarget) => {
        launched.push(user.email);
        targets.push(target);
        if (storeFailure?.in === 'launch') throw storeFailure.error;
        return nextResult;
      },
    }),
  };
});
vi.mock('@/lib/config', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/config')>();
  return { ...original, getConfig: () => ({ ...original.loadConfig(), webex: { ...original.loadConfig().webex, loginDelivery: delivery } }) };
});
// next/headers outside a request: the delivery page asks for the CSP nonce the proxy would set
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-nonce': 'test-nonce-123' }), cookies: () => sessionCookies(token) }));

const NOW = Math.floor(Date.now() / 1000);
const ALICE: JWT = { email: 'alice@example.com', name: 'Alice', groups: [], signedInAt: NOW, lastSeenAt: NOW, adminCheckedAt: NOW };

beforeAll(() => {
  Object.assign(
    process.env,
    testEnvironment({
      NEXTAUTH_URL: APP_URL,
      NEXTAUTH_SECRET: SECRET,
      CREDENTIAL_KEYS: '1:launch-route-test-key-0123456789abcdef',
      LOG_LEVEL: 'silent',
    }),
  );
});

beforeEach(() => {
  token = ALICE;
  nextResult = { ok: true, location: LOGIN_URL, webexId: 'alice', via: 'xml' };
  nextRate = { allowed: true };
  storeFailure = undefined;
  launched.length = 0;
  targets.length = 0;
  delivery = 'redirect';
});

async function post(headers: Record<string, string>, form?: Record<string, string>): Promise<Response> {
  const { POST } = await import('./route');
  return POST(new Request(`${APP_URL}/launch`, { method: 'POST', headers, body: new URLSearchParams(form) }));
}

/** The Cookie pair of the mark a launch at `launchedAt` sets (lib/launch/already-logon.ts). */
async function launchMark(launchedAt = Date.now()): Promise<string> {
  return (await launchedCookie(launchedAt, { appUrl: new URL(APP_URL), authSecret: SECRET })).split(';')[0] ?? '';
}

function expectPrivate(response: Response): void {
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('POST /launch', () => {
  it.each([
    ['another origin', { origin: 'https://evil.example' }],
    ['another origin claiming same-origin fetch metadata', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
    ['a cross-site request with Origin null', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
    ['no origin information at all', {}],
  ])('refuses %s with 403, before reading the session or launching', async (_name, headers) => {
    const response = await post(headers);
    expect(response.status).toBe(403);
    expectPrivate(response);
    expect(launched).toEqual([]);
  });

  it('sends an anonymous caller to sign in, then back to the Join button', async () => {
    token = null;
    const response = await post({ origin: APP_URL });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/auth/signin?callbackUrl=%2F`);
    expectPrivate(response);
    expect(launched).toEqual([]);
  });

  it('answers a launch with a 302 to the login URL, never cached, never sent on as a referrer', async () => {
    const response = await post({ origin: APP_URL });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(LOGIN_URL);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expectPrivate(response);
    expect(launched).toEqual(['alice@example.com']);
  });

  it('accepts our own page under a no-referrer policy (Origin null, Sec-Fetch-Site same-origin)', async () => {
    const response = await post({ origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(302);
  });

  it('past the per-user limit: no launch, the explanation with when to retry, and Retry-After', async () => {
    nextRate = { allowed: false, retryAfterSeconds: 42 };
    const response = await post({ origin: APP_URL });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/launch/failed?code=RATE_LIMITED&retry=42`);
    expect(response.headers.get('retry-after')).toBe('42');
    expectPrivate(response);
    expect(launched).toEqual([]);
  });

  it.each([
    ['the rate limiter', 'limiter', new Error('connect ECONNREFUSED 127.0.0.1:5432')],
    ['the launch (its audit row)', 'launch', Object.assign(new Error('database is locked'), { name: 'SqliteError' })],
  ] as const)("the portal's own database failing in %s: a clear page and a request id, never a 500 or a login URL", async (_, where, error) => {
    storeFailure = { in: where, error };
    const response = await post({ origin: APP_URL });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/launch/failed?code=PORTAL_UNAVAILABLE`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expectPrivate(response);
  });

  it('sends a failed launch to its explanation page by code', async () => {
    nextResult = { ok: false, code: 'WEBEX_TIMEOUT', webexId: 'alice' };
    const response = await post({ origin: APP_URL });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/launch/failed?code=WEBEX_TIMEOUT`);
    expectPrivate(response);
  });
});

describe('POST /launch: the AlreadyLogon recovery (sign out of WebEx, then one relaunch)', () => {
  const LOGOUT_URL = `https://acme.webex.com/acme/p.php?AT=LO&BU=${encodeURIComponent(`${APP_URL}/webex/return`)}`;

  const EXPLANATION = `${APP_URL}/webex/return?AT=LI&ST=FAIL&RS=AlreadyLogon`;

  it('sign-out: sends the browser to WebEx AT=LO and starts the recovery, without launching', async () => {
    const response = await post({ origin: APP_URL, cookie: await launchMark() }, { recovery: 'sign-out' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(LOGOUT_URL);
    expect(response.headers.get('set-cookie')).toMatch(/^webex-sso\.recovery=signing-out; Path=\/; Max-Age=120; HttpOnly; SameSite=Lax$/);
    expectPrivate(response);
    expect(launched).toEqual([]);
  });

  it('relaunch after that sign-out: launches and records that the one relaunch was made', async () => {
    const response = await post({ origin: APP_URL, cookie: 'webex-sso.recovery=signing-out' }, { recovery: 'relaunch' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(LOGIN_URL);
    expect(response.headers.get('set-cookie')).toMatch(/^webex-sso\.recovery=relaunched; Path=\/; Max-Age=120;/);
    expect(launched).toEqual(['alice@example.com']);
  });

  it('loop guard: a sign-out during a recovery keeps the recovery where it is', async () => {
    const response = await post({ origin: APP_URL, cookie: `webex-sso.recovery=relaunched; ${await launchMark()}` }, { recovery: 'sign-out' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(LOGOUT_URL);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it("an employee's own Join ends a recovery, so a later AlreadyLogon recovers again", async () => {
    const response = await post({ origin: APP_URL, cookie: 'webex-sso.recovery=relaunched' });
    expect(response.status).toBe(302);
    expect(response.headers.get('set-cookie')).toMatch(/^webex-sso\.recovery=; Path=\/; Max-Age=0;/);
  });

  // issue 16 finding 6: a link from any site to the return page started the sign-out
  it.each([
    ['no mark (a browser that did not just launch)', async () => ''],
    ['a mark past its two minutes', async () => launchMark(Date.now() - 121_000)],
    ['a mark the portal did not make', async () => 'webex-sso.launched=1'],
  ])('sign-out with %s: no sign-out at WebEx, no recovery; the explanation with its own sign-out button', async (_name, cookie) => {
    const response = await post({ origin: APP_URL, cookie: await cookie() }, { recovery: 'sign-out' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(EXPLANATION);
    expect(response.headers.get('set-cookie')).toBeNull();
    expectPrivate(response);
    expect(launched).toEqual([]);
  });

  it.each(['redirect', 'post'])('a launch to p.php (%s delivery) marks this browser as the one that launched, for two minutes', async (how) => {
    delivery = how;
    const response = await post({ origin: APP_URL });
    expect(response.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^webex-sso\.launched=[^;]{20,}; Path=\/; Max-Age=120; HttpOnly; SameSite=Lax$/),
    );
  });

  it('a REST link or a failed launch sets no mark: WebEx sends no AlreadyLogon back for them', async () => {
    nextResult = { ok: true, location: 'https://acme.webex.com/meet/j.php?MTID=m1', webexId: 'alice', via: 'rest' };
    expect((await post({ origin: APP_URL })).headers.getSetCookie()).toEqual([]);
    nextResult = { ok: false, code: 'WEBEX_TIMEOUT', webexId: 'alice' };
    expect((await post({ origin: APP_URL })).headers.getSetCookie()).toEqual([]);
  });

  it('refuses a cross-origin recovery step like any other launch', async () => {
    const response = await post({ origin: 'https://evil.example' }, { recovery: 'sign-out' });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

describe('GET /launch', () => {
  it('only shows the Join button: a prefetch or a typed URL never launches', async () => {
    const { GET } = await import('./route');
    const response = GET();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(launched).toEqual([]);
  });
});

describe('POST /launch: the launch target', () => {
  const MEETING = { kind: 'meeting', number: '26341234567', role: 'host' };

  it('a Join without a meeting launches the site home', async () => {
    await post({ origin: APP_URL });
    expect(targets).toEqual([{ kind: 'home' }]);
  });

  it('reads the form as a browser posts it, urlencoded or multipart', async () => {
    const { POST } = await import('./route');
    const multipart = new FormData();
    multipart.set('meeting', '26341234567');
    multipart.set('role', 'host');
    expect((await POST(new Request(`${APP_URL}/launch`, { method: 'POST', headers: { origin: APP_URL }, body: multipart }))).status).toBe(302);
    const urlencoded = new URLSearchParams({ meeting: '26341234567', role: 'host' });
    expect(
      (
        await POST(
          new Request(`${APP_URL}/launch`, {
            method: 'POST',
            headers: { origin: APP_URL, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
            body: urlencoded.toString(),
          }),
        )
      ).status,
    ).toBe(302);
    expect(targets).toEqual([MEETING, MEETING]);
  });

  it('a meeting Join launches that meeting and remembers it for an AlreadyLogon relaunch', async () => {
    const response = await post({ origin: APP_URL }, { meeting: '26341234567', role: 'host' });
    expect(response.status).toBe(302);
    expect(targets).toEqual([MEETING]);
    expect(response.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^webex-sso\.target=host\.26341234567; Path=\/; Max-Age=120; HttpOnly; SameSite=Lax$/),
    );
  });

  it.each([
    ['letters', { meeting: 'abcdefghi', role: 'join' }],
    ['another site', { meeting: '//evil.example', role: 'join' }],
    ['too short', { meeting: '12345678', role: 'join' }],
    ['an unknown role', { meeting: '123456789', role: 'admin' }],
    ['a role without a meeting', { role: 'host' }],
  ])('refuses a meeting Join with %s, before launching', async (_name, form) => {
    const response = await post({ origin: APP_URL }, form);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/launch/failed?code=MEETING_NUMBER_INVALID`);
    expect(launched).toEqual([]);
  });

  it('an anonymous meeting Join signs in and comes back to the meeting page', async () => {
    token = null;
    const response = await post({ origin: APP_URL }, { meeting: '123456789', role: 'join' });
    expect(response.headers.get('location')).toBe(`${APP_URL}/auth/signin?callbackUrl=%2Fmeet%2F123456789`);
  });

  it("the recovery's relaunch relaunches the last Join's meeting from its cookie, never a target the page names", async () => {
    await post(
      { origin: APP_URL, cookie: 'webex-sso.recovery=signing-out; webex-sso.target=host.26341234567' },
      { recovery: 'relaunch', meeting: '999999999', role: 'join' },
    );
    expect(targets).toEqual([MEETING]);
  });

  it('a relaunch without a remembered target (or with a forged one) relaunches the site home', async () => {
    await post({ origin: APP_URL, cookie: 'webex-sso.recovery=signing-out; webex-sso.target=host.1' }, { recovery: 'relaunch' });
    expect(targets).toEqual([{ kind: 'home' }]);
  });

  it('a failed meeting launch names the meeting on its explanation page', async () => {
    nextResult = { ok: false, code: 'WEBEX_TIMEOUT', webexId: 'alice' };
    const response = await post({ origin: APP_URL }, { meeting: '123456789', role: 'join' });
    expect(response.headers.get('location')).toBe(`${APP_URL}/launch/failed?code=WEBEX_TIMEOUT&meeting=123456789&role=join`);
  });
});

describe('POST /launch: the REST path (meeting links from the Service App)', () => {
  const START_LINK = 'https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/m1?integrationJoinToken=S%2B1';

  it('Start my personal room (room=personal) launches the personal room', async () => {
    nextResult = { ok: true, location: START_LINK, webexId: 'alice', via: 'rest' };
    const response = await post({ origin: APP_URL }, { room: 'personal' });
    expect(targets).toEqual([{ kind: 'personal-room' }]);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(START_LINK);
    expectPrivate(response);
  });

  it('a REST link is a 302 even with WEBEX_LOGIN_DELIVERY=post (POST delivery is for the XML ticket form)', async () => {
    delivery = 'post';
    nextResult = { ok: true, location: START_LINK, webexId: 'alice', via: 'rest' };
    const response = await post({ origin: APP_URL }, { meeting: '123456789', role: 'host' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(START_LINK);
  });

  it.each([
    ['another room value', { room: 'someone-elses' }],
    ['a room with a meeting', { room: 'personal', meeting: '123456789', role: 'join' }],
    ['a room with a role', { room: 'personal', role: 'host' }],
  ])('refuses %s, before launching', async (_name, form) => {
    const response = await post({ origin: APP_URL }, form);
    expect(response.headers.get('location')).toBe(`${APP_URL}/launch/failed?code=MEETING_NUMBER_INVALID`);
    expect(launched).toEqual([]);
  });

  it('WebEx asking to slow down (429): the explanation with when to retry, and Retry-After; the personal room is named for Try again', async () => {
    nextResult = { ok: false, code: 'WEBEX_RATE_LIMITED', webexId: 'alice', retryAfterSeconds: 7 };
    const response = await post({ origin: APP_URL }, { room: 'personal' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP_URL}/launch/failed?code=WEBEX_RATE_LIMITED&room=personal&retry=7`);
    expect(response.headers.get('retry-after')).toBe('7');
  });
});

describe('POST /launch with WEBEX_LOGIN_DELIVERY=post', () => {
  it("answers a no-store page that posts the AT=LI form to p.php, with a nonce'd script and a button", async () => {
    delivery = 'post';
    const response = await post({ origin: APP_URL });
    expect(response.status).toBe(200);
    expectPrivate(response);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'nonce-test-nonce-123'; style-src 'nonce-test-nonce-123'; form-action https://acme.webex.com; base-uri 'none'; frame-ancestors 'none'",
    );
    const html = await response.text();
    expect(html).toContain('<form id="webex-login" method="post" action="https://acme.webex.com/acme/p.php">');
    expect(html).toContain(
      '<input type="hidden" name="AT" value="LI"><input type="hidden" name="WID" value="alice"><input type="hidden" name="TK" value="T+1">',
    );
    expect(html).toContain('<script nonce="test-nonce-123">document.getElementById("webex-login").submit();</script>');
    expect(html).toContain('<button type="submit">Continue to WebEx</button>');
  });

  it('escapes what it writes into the page', async () => {
    delivery = 'post';
    nextResult = { ok: true, location: 'https://acme.webex.com/acme/p.php?AT=LI&WID=%22%3E%3Cscript%3Ex%3C%2Fscript%3E&TK=a', webexId: 'x', via: 'xml' };
    const html = await (await post({ origin: APP_URL })).text();
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;x&#60;/script&#62;"');
    expect(html).not.toContain('"><script>x');
  });
});
