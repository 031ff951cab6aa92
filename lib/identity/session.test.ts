/**
 * Sessions end on time without the user signing out (absolute lifetime, idle timeout), and admin
 * rights follow the identity provider's current claims; the proxy writes the outcome back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthOptions, renewSession } from '.';
import { SessionEndedError } from './auth-options';
import { loadConfig } from '../config';
import { testEnvironment } from '../testing/config';
import { captureLog } from '../testing/log-capture';
import { refreshClaims, type RefreshOutcome } from './idp-refresh';

const SECRET = 'session-test-secret-0123456789abcdef';
// the proxy asks the database whether a session was ended on the server
const DIR = mkdtempSync(join(tmpdir(), 'webex-sso-session-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const ENV = testEnvironment({
  NEXTAUTH_SECRET: SECRET,
  DATABASE_URL: `file:${join(DIR, 'session.sqlite')}`,
  ADMIN_GROUP: 'webex-admins',
  SESSION_MAX_AGE: '3600',
  SESSION_IDLE_MINUTES: '10',
  ADMIN_RECHECK_MINUTES: '5',
  LOG_LEVEL: 'silent',
});
const config = loadConfig(ENV);
const T = 1_800_000_000; // "now", in seconds

function session(overrides: Partial<Record<string, unknown>> = {}): JWT {
  return {
    sub: 'sub-ada',
    email: 'ada@example.com',
    name: 'Ada',
    groups: ['webex-admins'],
    refreshToken: 'rt-1',
    sessionId: 'sid-ada',
    signedInAt: T - 600,
    lastSeenAt: T - 5,
    adminCheckedAt: T - 30,
    adminVerified: true,
    ...overrides,
  };
}

const claims = (groups: string[], refreshToken = 'rt-2'): RefreshOutcome => ({
  kind: 'claims',
  claims: { sub: 'sub-ada', email: 'ada@example.com', email_verified: true, groups },
  refreshToken,
});

describe('renewSession', () => {
  const renew = (token: JWT, options: { now?: number; force?: boolean; outcome?: RefreshOutcome } = {}) =>
    renewSession(token, config, {
      now: options.now ?? T,
      forceAdminRecheck: options.force ?? false,
      refresh: async () => options.outcome ?? claims(['webex-admins']),
      revocations: { isRevoked: async () => false },
    });

  it("ends a session the portal ended on the server (signed out, or all of the employee's ended), before asking the identity provider anything", async () => {
    const asked: unknown[] = [];
    const revocations = { isRevoked: async (revocable: unknown) => (asked.push(revocable), true) };
    const refresh = async () => {
      throw new Error('a revoked session must not spend its refresh token');
    };
    expect(await renewSession(session({ adminCheckedAt: T - 600 }), config, { now: T, forceAdminRecheck: true, refresh, revocations })).toEqual({
      kind: 'ended',
      reason: 'revoked',
    });
    expect(asked).toEqual([{ sessionId: 'sid-ada', email: 'ada@example.com', signedInAt: T - 600 }]);
  });

  it('ends a token without a session id (issued before Sign out ended sessions on the server: nothing could end its copies)', async () => {
    expect(await renew(session({ sessionId: undefined }))).toEqual({ kind: 'ended', reason: 'unreadable' });
  });

  it('does not honour a session the database cannot check, for this request, and keeps it for the next', async () => {
    const revocations = {
      isRevoked: async () => {
        throw new Error('database down');
      },
    };
    const logged = await captureLog(async () => {
      expect(await renewSession(session(), config, { now: T, forceAdminRecheck: false, revocations })).toEqual({ kind: 'unverified' });
    });
    expect(logged).toContain('SESSION_CHECK_FAILED');
  });

  it('ends a session SESSION_MAX_AGE after sign-in, however active it is (no sliding)', async () => {
    expect(await renew(session({ signedInAt: T - 3599, lastSeenAt: T - 1 }))).toMatchObject({ kind: 'active', maxAgeSeconds: 1 });
    expect(await renew(session({ signedInAt: T - 3600, lastSeenAt: T - 1 }))).toEqual({ kind: 'ended', reason: 'expired' });
  });

  it('ends a session idle for SESSION_IDLE_MINUTES', async () => {
    expect(await renew(session({ lastSeenAt: T - 599 }))).toMatchObject({ kind: 'active' });
    expect(await renew(session({ lastSeenAt: T - 600 }))).toEqual({ kind: 'ended', reason: 'idle' });
  });

  it('ends a token without session times (issued before them, or forged without them)', async () => {
    expect(await renew({ email: 'ada@example.com', groups: ['webex-admins'] })).toEqual({ kind: 'ended', reason: 'unreadable' });
  });

  it('records activity at most once a minute, and the cookie never outlives the absolute end', async () => {
    expect(await renew(session({ lastSeenAt: T - 5 }))).toEqual({ kind: 'active', maxAgeSeconds: 3000 });
    const touched = await renew(session({ lastSeenAt: T - 60 }));
    expect(touched).toMatchObject({ kind: 'active', maxAgeSeconds: 3000, token: { lastSeenAt: T, signedInAt: T - 600 } });
  });

  it('re-checks the claims every ADMIN_RECHECK_MINUTES: a removed group is gone from the session', async () => {
    expect(await renew(session({ adminCheckedAt: T - 299 }), { outcome: claims([]) })).not.toHaveProperty('token.groups', []);
    const renewed = await renew(session({ adminCheckedAt: T - 300 }), { outcome: claims(['staff']) });
    expect(renewed).toMatchObject({ kind: 'active', token: { groups: ['staff'], adminCheckedAt: T, adminVerified: true, refreshToken: 'rt-2' } });
  });

  it('re-checks on every admin write, however recent the last check', async () => {
    const renewed = await renew(session({ adminCheckedAt: T - 1 }), { force: true, outcome: claims(['staff']) });
    expect(renewed).toMatchObject({ token: { groups: ['staff'], adminCheckedAt: T }, material: true });
    const unchanged = await renew(session({ adminCheckedAt: T - 1 }), { force: true, outcome: claims(['webex-admins'], 'rt-1') });
    expect(unchanged).toMatchObject({ token: { adminCheckedAt: T }, material: false });
  });

  it('ends the session when the grant is revoked, or the identity provider now names another e-mail', async () => {
    expect(await renew(session(), { force: true, outcome: { kind: 'revoked' } })).toEqual({ kind: 'ended', reason: 'revoked' });
    const other: RefreshOutcome = {
      kind: 'claims',
      claims: { sub: 'sub-ada', email: 'eve@example.com', email_verified: true, groups: ['webex-admins'] },
      refreshToken: 'rt-2',
    };
    expect(await renew(session(), { force: true, outcome: other })).toEqual({ kind: 'ended', reason: 'revoked' });
  });

  it('suspends admin rights when the identity provider cannot answer, or issued no refresh token', async () => {
    expect(await renew(session(), { force: true, outcome: { kind: 'unavailable', detail: 'down' } })).toMatchObject({
      token: { adminVerified: false, adminCheckedAt: T },
    });
    expect(await renew(session({ refreshToken: undefined }), { force: true })).toMatchObject({ token: { adminVerified: false, adminCheckedAt: T } });
  });
});

describe('the session as pages read it (next-auth callbacks)', () => {
  const options = buildAuthOptions(config);
  const now = () => Math.floor(Date.now() / 1000);
  const read = (token: JWT) => options.callbacks?.jwt?.({ token, user: undefined as never, account: null });

  it('refuses an expired or idle session on every read, so no page sees it', async () => {
    await expect(read(session({ signedInAt: now() - 3600, lastSeenAt: now() }))).rejects.toThrow(SessionEndedError);
    await expect(read(session({ signedInAt: now() - 60, lastSeenAt: now() - 600 }))).rejects.toThrow(SessionEndedError);
    await expect(read(session({ signedInAt: now() - 60, lastSeenAt: now() - 10 }))).resolves.toMatchObject({ email: 'ada@example.com' });
  });

  it('counts admin rights only while recently confirmed by the identity provider', async () => {
    const user = async (token: JWT) =>
      (
        (await options.callbacks?.session?.({
          session: { expires: '' },
          token,
          user: undefined as never,
          newSession: undefined,
          trigger: 'update',
        })) as unknown as { user: { isAdmin: boolean } }
      ).user;
    expect((await user(session({ adminCheckedAt: now() - 60 }))).isAdmin).toBe(true);
    expect((await user(session({ adminCheckedAt: now() - 60, adminVerified: false }))).isAdmin).toBe(false);
    expect((await user(session({ adminCheckedAt: now() - 600 }))).isAdmin).toBe(false);
  });
});

describe('the proxy writes the outcome back', () => {
  beforeAll(() => {
    Object.assign(process.env, ENV);
  });

  async function through(token: JWT, method = 'GET', path = '/'): Promise<Response> {
    const { proxy } = await import('../../proxy');
    const cookie = `next-auth.session-token=${await encode({ token, secret: SECRET })}`;
    return proxy(new NextRequest(`http://localhost:3000${path}`, { method, headers: { cookie, origin: 'http://localhost:3000' } }));
  }
  const sessionCookie = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('next-auth.session-token='));
  // what the page behind the proxy receives as its Cookie header
  const forwardedCookie = (response: Response) => response.headers.get('x-middleware-request-cookie') ?? '';

  it('clears an expired session in the browser and hides it from the page', async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await through(session({ signedInAt: now - 3600, lastSeenAt: now }));
    expect(sessionCookie(response)).toMatch(/^next-auth\.session-token=; Path=\/; .*Max-Age=0/);
    expect(forwardedCookie(response)).not.toContain('next-auth.session-token');
  });

  it("writes nothing but a material change onto a server action's answer (a cookie there re-renders the page)", async () => {
    const { proxy } = await import('../../proxy');
    const now = Math.floor(Date.now() / 1000);
    const cookie = `next-auth.session-token=${await encode({ token: session({ signedInAt: now - 1000, lastSeenAt: now - 120, adminCheckedAt: now - 10 }), secret: SECRET })}`;
    const response = await proxy(
      new NextRequest('http://localhost:3000/', { method: 'POST', headers: { cookie, origin: 'http://localhost:3000', 'next-action': 'abc' } }),
    );
    expect(sessionCookie(response)).toBeUndefined();
    expect(forwardedCookie(response)).toContain('next-auth.session-token=');
  });

  it('writes activity back with the remaining lifetime, not a fresh one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await through(session({ signedInAt: now - 1000, lastSeenAt: now - 120, adminCheckedAt: now - 10 }));
    const cookie = sessionCookie(response) ?? '';
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(2590);
    expect(maxAge).toBeLessThanOrEqual(2600);
    const written = await decode({ token: cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';')), secret: SECRET });
    expect(written).toMatchObject({ signedInAt: now - 1000, email: 'ada@example.com' });
    expect(written?.lastSeenAt).toBeGreaterThanOrEqual(now);
  });
});

describe('refreshClaims against a token endpoint', () => {
  let server: Server;
  let issuer: string;
  let grants = 0;
  let answer: { status: number; body: Record<string, unknown> } = { status: 200, body: {} };

  const idToken = (claims: Record<string, unknown>) => ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token_endpoint: `${issuer}/token` }));
        return;
      }
      grants += 1;
      req.resume();
      req.on('end', () => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const oidc = () => ({ issuer, clientId: 'portal', clientSecret: 'secret' });

  it('reads the claims of the refreshed ID token for this client and user, and the rotated refresh token', async () => {
    answer = { status: 200, body: { id_token: idToken({ iss: issuer, aud: 'portal', sub: 'sub-ada', groups: ['staff'] }), refresh_token: 'rt-next' } };
    expect(await refreshClaims(oidc(), 'rt-a', 'sub-ada')).toMatchObject({ kind: 'claims', claims: { groups: ['staff'] }, refreshToken: 'rt-next' });
  });

  it.each([
    ['another audience', { iss: 'x', aud: 'other-app', sub: 'sub-ada' }],
    ['another user', { aud: 'portal', sub: 'sub-eve' }],
  ])('does not take an ID token for %s', async (_name, claims) => {
    answer = { status: 200, body: { id_token: idToken({ iss: issuer, ...claims }) } };
    expect(await refreshClaims(oidc(), `rt-${_name}`, 'sub-ada')).toMatchObject({ kind: 'unavailable' });
  });

  it('invalid_grant → revoked; a server error → unavailable', async () => {
    answer = { status: 400, body: { error: 'invalid_grant' } };
    expect(await refreshClaims(oidc(), 'rt-b', 'sub-ada')).toEqual({ kind: 'revoked' });
    answer = { status: 503, body: {} };
    expect(await refreshClaims(oidc(), 'rt-c', 'sub-ada')).toMatchObject({ kind: 'unavailable' });
  });

  it('requests racing with one refresh token share one grant; an admin write asks afresh', async () => {
    answer = { status: 200, body: { id_token: idToken({ iss: issuer, aud: 'portal', sub: 'sub-ada', groups: [] }) } };
    const before = grants;
    await Promise.all([refreshClaims(oidc(), 'rt-d', 'sub-ada'), refreshClaims(oidc(), 'rt-d', 'sub-ada'), refreshClaims(oidc(), 'rt-d', 'sub-ada')]);
    expect(grants - before).toBe(1);
    await refreshClaims(oidc(), 'rt-d', 'sub-ada', { fresh: true });
    expect(grants - before).toBe(2);
  });
});
