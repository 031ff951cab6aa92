import { describe, expect, it } from 'vitest';
import { buildAuthOptions, csrfCookieName, csrfTokenOf, portalPath, portalUserOf, signInPath } from '.';
import { isAdminUser } from './claims';
import { loadConfig } from '../config';
import { testEnvironment } from '../testing/config';
import { captureLog } from '../testing/log-capture';
import { callbacksAway } from '../testing/return-targets';
import { nowSeconds } from './session-policy';
import { isSameOriginRequest } from '../http';

const APP = new URL('https://portal.example.com');
const env = testEnvironment({ NEXTAUTH_URL: 'https://portal.example.com', OIDC_ISSUER: 'https://idp.example.com' });

describe('isSameOriginRequest', () => {
  it.each([
    [{ origin: 'https://portal.example.com' }, true],
    [{ origin: 'https://evil.example' }, false],
    [{ origin: 'https://portal.example.com.evil.example' }, false],
    [{ origin: 'http://portal.example.com' }, false],
    [{ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, false],
    [{ origin: 'null', 'sec-fetch-site': 'same-origin' }, true],
    [{ origin: 'null', 'sec-fetch-site': 'cross-site' }, false],
    [{ 'sec-fetch-site': 'same-origin' }, true],
    [{ 'sec-fetch-site': 'same-site' }, false],
    [{ 'sec-fetch-site': 'cross-site' }, false],
    [{ 'sec-fetch-site': 'none' }, false],
    [{}, false],
  ])('%j → %s', (headers, expected) => {
    expect(isSameOriginRequest(new Headers(headers), APP)).toBe(expected);
  });
});

describe('isAdminUser', () => {
  const admin = { emails: new Set(['ada@example.com']), groupClaim: 'groups', group: 'webex-admins' };
  it('is an admin by e-mail (any case) or by group, not otherwise', () => {
    expect(isAdminUser('Ada@Example.com', [], admin)).toBe(true);
    expect(isAdminUser('bob@example.com', ['webex-admins'], admin)).toBe(true);
    expect(isAdminUser('bob@example.com', ['webex-admins-not'], admin)).toBe(false);
    expect(isAdminUser('bob@example.com', ['webex-admins'], { ...admin, group: undefined })).toBe(false);
  });
});

describe('portalUserOf', () => {
  // issue 16 finding 11: what a SAML assertion states of the employee's authentication comes from here
  it('carries when the user signed in and when the session ends at the latest (sign-in + SESSION_MAX_AGE)', () => {
    const config = loadConfig({ ...env, SESSION_MAX_AGE: '7200' });
    const signedInAt = nowSeconds() - 600;
    const user = portalUserOf({ email: 'ada@example.com', signedInAt, lastSeenAt: signedInAt, adminCheckedAt: signedInAt }, config);
    expect(user).toMatchObject({ email: 'ada@example.com', signedInAt, sessionEndsAt: signedInAt + 7200 });
  });
});

describe('sign-in: the e-mail must be one the identity provider verified', () => {
  const signIn = (extra: Record<string, string>, profile: Record<string, unknown>) => {
    const options = buildAuthOptions(loadConfig({ ...env, ...extra }));
    const user = { id: 'sub-1', email: 'alice@example.com' };
    return options.callbacks?.signIn?.({ user, account: null, profile: profile as never });
  };

  it.each([
    [{ email_verified: true }, true],
    [{ email_verified: 'true' }, true],
    [{ email_verified: false }, '/auth/error?error=EmailUnverified'],
    [{ email_verified: 'false' }, '/auth/error?error=EmailUnverified'],
    [{}, '/auth/error?error=EmailUnverified'],
    [Object.create({ email_verified: true }) as Record<string, unknown>, '/auth/error?error=EmailUnverified'],
  ])('%j → %s', async (profile, expected) => {
    expect(await signIn({}, { sub: 'sub-1', email: 'alice@example.com', ...profile })).toBe(expected);
  });

  it('email_verified speaks for the email claim only: another claim (preferred_username) is unverified', async () => {
    expect(await signIn({ OIDC_EMAIL_CLAIM: 'preferred_username' }, { sub: 'sub-1', preferred_username: 'alice@example.com', email_verified: true })).toBe(
      '/auth/error?error=EmailUnverified',
    );
  });

  it('OIDC_TRUST_UNVERIFIED_EMAIL=true accepts what the identity provider says (Entra ID preferred_username)', async () => {
    expect(
      await signIn({ OIDC_TRUST_UNVERIFIED_EMAIL: 'true', OIDC_EMAIL_CLAIM: 'preferred_username' }, { sub: 'sub-1', preferred_username: 'alice@example.com' }),
    ).toBe(true);
    expect(await signIn({ OIDC_TRUST_UNVERIFIED_EMAIL: 'true' }, { sub: 'sub-1', email: 'alice@example.com', email_verified: false })).toBe(true);
  });

  it('still refuses an account without an e-mail', async () => {
    const options = buildAuthOptions(loadConfig({ ...env, OIDC_TRUST_UNVERIFIED_EMAIL: 'true' }));
    expect(await options.callbacks?.signIn?.({ user: { id: 'x', email: null }, account: null, profile: { sub: 'x' } as never })).toBe(false);
  });
});

describe("next-auth's errors in our log", () => {
  const options = buildAuthOptions(loadConfig(env));
  const levelsOf = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; code: string });

  it('a session cookie that does not decode is a warning, and the token is not in it; any other error stays an error', async () => {
    const token = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..not-ours';
    const text = await captureLog(async () => {
      options.logger?.error?.('JWT_SESSION_ERROR', { error: new Error('decryption operation failed'), message: token } as never);
      options.logger?.error?.('OAUTH_CALLBACK_ERROR', new Error('state mismatch') as never);
    });
    expect(levelsOf(text)).toEqual([
      expect.objectContaining({ level: 40, code: 'JWT_SESSION_ERROR' }),
      expect.objectContaining({ level: 50, code: 'OAUTH_CALLBACK_ERROR' }),
    ]);
    expect(text).not.toContain(token);
  });
});

describe("one-click sign-in: where it comes back to, and next-auth's CSRF token", () => {
  const app = new URL('https://portal.example.com');

  it.each([
    ['/meet/123456789', '/meet/123456789'],
    ['https://portal.example.com/admin?x=1', '/admin?x=1'],
    ['https://evil.example/meet/1', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example/x', '/'],
    ['https://portal.example.com.evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['', '/'],
    [undefined, '/'],
    [['/admin'], '/'],
  ])('callbackUrl %j comes back to %s', (value, expected) => {
    expect(portalPath(value, app)).toBe(expected);
  });

  // issue 16 finding 1: a path that is read again as `//host` once the route builds its redirect
  it.each(callbacksAway('http://localhost:3000'))('for the portal at http://localhost:3000, callbackUrl %j comes back to the home page', (value) => {
    expect(portalPath(value, new URL('http://localhost:3000'))).toBe('/');
  });

  it.each([
    ['/%5cevil.example/x', '/'],
    ['/%2f%2fevil.example', '/'],
    ['\t//evil.example', '/'],
    ['/%00/x', '/'],
    ['/%E0%A4%A', '/'],
    ['http://localhost:3001/admin', '/'],
    ['/admin/mappings?q=%2F%2Fevil.example#top', '/admin/mappings?q=%2F%2Fevil.example#top'],
    ['http://localhost:3000/meet/123456789', '/meet/123456789'],
    ['/admin/', '/admin/'],
  ])('for the portal at http://localhost:3000, callbackUrl %j comes back to %s', (value, expected) => {
    expect(portalPath(value, new URL('http://localhost:3000'))).toBe(expected);
  });

  it("next-auth's own redirects (its callbackUrl cookie, sign-out) come back the same way, as an absolute URL of the portal", async () => {
    const redirect = buildAuthOptions(loadConfig(env)).callbacks?.redirect;
    expect(redirect).toBeTypeOf('function');
    const to = (url: string) => redirect?.({ url, baseUrl: APP.origin });
    expect(await to('/meet/123456789')).toBe('https://portal.example.com/meet/123456789');
    expect(await to('https://portal.example.com//evil.example/x')).toBe('https://portal.example.com/');
    expect(await to('/.//evil.example/x')).toBe('https://portal.example.com/');
    expect(await to('https://evil.example/')).toBe('https://portal.example.com/');
  });

  it('signInPath names the page to come back to', () => {
    expect(signInPath('/meet/123456789')).toBe('/auth/signin?callbackUrl=%2Fmeet%2F123456789');
  });

  it("reads the token half of next-auth's `token|hash` cookie, encoded or not", () => {
    expect(csrfTokenOf('abc%7Cdef')).toBe('abc');
    expect(csrfTokenOf('abc|def')).toBe('abc');
    expect(csrfTokenOf('abc')).toBeUndefined();
    expect(csrfTokenOf('%E0%A4%A')).toBeUndefined();
    expect(csrfTokenOf(undefined)).toBeUndefined();
    expect(csrfCookieName(app)).toBe('__Host-next-auth.csrf-token');
    expect(csrfCookieName(new URL('http://localhost:3000'))).toBe('next-auth.csrf-token');
  });
});
