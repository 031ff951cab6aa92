/**
 * Sign out everywhere, below the routes: the ID token kept server-side (sealed, used once,
 * pruned), the session cookie carrying only its reference, and the way through WebEx and the
 * identity provider, kept sealed in a cookie while the browser is at WebEx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthOptions, createIdTokenStore, type IdTokenStore } from '../identity';
import { loadConfig } from '../config';
import { testEnvironment } from '../testing/config';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { WEBEX_NOT_CONFIRMED } from './plan';
import { clearSessionCookies, continueSignOut, OPEN, planSignOutFor, signOutCookie, SIGN_OUT_COOKIE } from './sign-out';

const KEYS = { '1': 'sign-out-test-key-0123456789abcdefghij' };
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const ENV = { NEXTAUTH_URL: 'https://portal.example.com', OIDC_ISSUER: 'https://idp.example.com', CREDENTIAL_KEYS: `1:${KEYS['1']}`, LOG_LEVEL: 'silent' };
const config = loadConfig(testEnvironment(ENV));

let store: TempDatabase;
let now = new Date('2026-11-29T10:00:00Z');
let idTokens: IdTokenStore;

beforeAll(async () => {
  store = await openTempDatabase('sign-out');
  idTokens = createIdTokenStore(
    async () => store.db,
    KEYS,
    () => now,
  );
});
afterAll(() => store.remove());

describe('the ID token store', () => {
  it('keeps the token sealed, gives it back once, then forgets it', async () => {
    const ref = (await idTokens.remember(ID_TOKEN, new Date('2026-11-29T18:00:00Z'))) ?? '';
    expect(ref).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const row = await store.db.selectFrom('portal_id_tokens').selectAll().where('ref', '=', ref).executeTakeFirstOrThrow();
    expect(row.sealed).not.toContain(ID_TOKEN);
    expect(row.sealed).not.toContain('eyJ');
    expect(await idTokens.take(ref)).toBe(ID_TOKEN);
    expect(await idTokens.take(ref)).toBeUndefined();
  });

  it('a token past its session gives nothing, and the next sign-in prunes such rows', async () => {
    const ref = (await idTokens.remember(ID_TOKEN, new Date('2026-11-29T11:00:00Z'))) ?? '';
    now = new Date('2026-11-29T12:00:00Z');
    const other = await idTokens.remember(ID_TOKEN, new Date('2026-11-29T20:00:00Z'));
    expect(await store.db.selectFrom('portal_id_tokens').select('ref').where('ref', '=', ref).executeTakeFirst()).toBeUndefined();
    expect(await idTokens.take(other ?? '')).toBe(ID_TOKEN);
    now = new Date('2026-11-29T10:00:00Z');
  });

  it('a database that fails costs the hint, never the sign-in or the sign-out', async () => {
    const broken = createIdTokenStore(async () => {
      throw new Error('database down');
    }, KEYS);
    expect(await broken.remember(ID_TOKEN, new Date())).toBeUndefined();
    expect(await broken.take('x')).toBeUndefined();
  });

  it('a token sealed with a key no longer configured gives nothing', async () => {
    const ref = (await idTokens.remember(ID_TOKEN, new Date('2026-11-29T18:00:00Z'))) ?? '';
    const rotated = createIdTokenStore(
      async () => store.db,
      { '2': 'another-key-0123456789abcdefghijklmn' },
      () => now,
    );
    expect(await rotated.take(ref)).toBeUndefined();
  });
});

describe('sign-in keeps only a reference to the ID token in the session', () => {
  it('the jwt callback stores the ID token and puts its reference, not the token, in the session token', async () => {
    const remembered: string[] = [];
    const options = buildAuthOptions(config, {
      remember: async (idToken) => {
        remembered.push(idToken);
        return 'ref-1';
      },
    });
    const token = await options.callbacks?.jwt?.({
      token: { sub: 'alice', email: 'alice@example.com' },
      user: { id: 'alice' },
      account: { provider: 'oidc', type: 'oauth', providerAccountId: 'alice', id_token: ID_TOKEN, refresh_token: 'rt' },
      profile: { sub: 'alice', email: 'alice@example.com', email_verified: true } as never,
    });
    expect(remembered).toEqual([ID_TOKEN]);
    expect(token?.idTokenRef).toBe('ref-1');
    expect(JSON.stringify(token)).not.toContain(ID_TOKEN);
  });
});

describe('a session of its own at every sign-in, which sign-out ends on the server', () => {
  const signIn = async (options: ReturnType<typeof buildAuthOptions>) =>
    options.callbacks?.jwt?.({
      token: { sub: 'alice', email: 'alice@example.com' },
      user: { id: 'alice' },
      account: { provider: 'oidc', type: 'oauth', providerAccountId: 'alice' },
      profile: { sub: 'alice', email: 'alice@example.com', email_verified: true } as never,
    });

  it('the jwt callback gives each sign-in a random session id, and a later read of the token keeps it', async () => {
    const options = buildAuthOptions(config);
    const [first, second] = [await signIn(options), await signIn(options)];
    expect(first?.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second?.sessionId).not.toBe(first?.sessionId);
    expect((await options.callbacks?.jwt?.({ token: first ?? {}, user: undefined as never, account: null }))?.sessionId).toBe(first?.sessionId);
  });

  it("next-auth's own sign-out (/api/auth/signout) ends the session on the server too", async () => {
    const revoked: unknown[] = [];
    const options = buildAuthOptions(config, undefined, { revoke: async (session) => void revoked.push(session) });
    const token = await signIn(options);
    await options.events?.signOut?.({ token: token ?? {}, session: undefined as never });
    expect(revoked).toEqual([{ sessionId: token?.sessionId, email: 'alice@example.com', signedInAt: token?.signedInAt }]);
    // a cookie that did not decode (next-auth passes null) ends nothing
    await options.events?.signOut?.({ token: null as never, session: undefined as never });
    expect(revoked).toHaveLength(1);
  });
});

describe('the way out', () => {
  const endSessionEndpoint = async () => 'https://idp.example.com/logout';

  it('WebEx first, the provider after it, with the kept ID token as id_token_hint', async () => {
    const ref = await idTokens.remember(ID_TOKEN, new Date('2026-11-29T18:00:00Z'));
    const way = await planSignOutFor(ref, { config, idTokens, endSessionEndpoint });
    expect(way.first).toBe('webex');
    const webex = new URL(way.location);
    expect(webex.origin + webex.pathname).toBe('https://acme.webex.com/acme/p.php');
    expect(Object.fromEntries(webex.searchParams)).toEqual({ AT: 'LO', BU: 'https://portal.example.com/auth/signout/continue' });
    expect(way.remaining).toHaveLength(1);
    expect(new URL(way.remaining[0]?.url ?? '').searchParams.get('id_token_hint')).toBe(ID_TOKEN);
    expect(way.done).toBe('https://portal.example.com/auth/signed-out');
  });

  it('a provider whose discovery fails is skipped, and the signed-out page says that session may be open', async () => {
    const failing = async () => undefined;
    const way = await planSignOutFor(undefined, { config, idTokens, endSessionEndpoint: failing });
    expect(way.remaining).toEqual([]);
    expect(new URL(way.done).searchParams.get('idp')).toBe(OPEN);
  });

  it('nothing configured: straight to the signed-out page, which names both sessions left open', async () => {
    const way = await planSignOutFor(undefined, { config: { ...config, signOut: { webex: false, idp: false } }, idTokens, endSessionEndpoint });
    expect(way.first).toBeUndefined();
    expect(way.location).toBe(`https://portal.example.com/auth/signed-out?webex=${OPEN}&idp=${OPEN}`);
  });

  it('with WEBEX_LAUNCH_API=rest there is no WebEx site session of ours: no AT=LO step, no warning about it', async () => {
    const rest = { ...config, webex: { ...config.webex, launchApi: 'rest' as const } };
    const way = await planSignOutFor(undefined, { config: rest, idTokens, endSessionEndpoint });
    expect(way.first).toBe('idp');
    expect(way.done).toBe('https://portal.example.com/auth/signed-out');
    const none = await planSignOutFor(undefined, { config: { ...rest, signOut: { webex: true, idp: false } }, idTokens, endSessionEndpoint });
    expect(none.location).toBe(`https://portal.example.com/auth/signed-out?idp=${OPEN}`);
  });

  it('the continue route finds the rest of the way in its sealed cookie; WebEx failing only adds a warning', async () => {
    const way = await planSignOutFor(await idTokens.remember(ID_TOKEN, new Date('2026-11-29T18:00:00Z')), { config, idTokens, endSessionEndpoint });
    const cookie = await signOutCookie(way, config);
    expect(cookie).toMatch(
      new RegExp(`^${SIGN_OUT_COOKIE.replace('.', '\\.')}=[^;]+; Path=/auth/signout/continue; Max-Age=300; HttpOnly; SameSite=Lax; Secure$`),
    );
    expect(cookie).not.toContain(ID_TOKEN);
    const sealed = cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    expect(await continueSignOut(sealed, 'SUCCESS', config)).toEqual({ location: way.remaining[0]?.url, way: undefined });
    expect(new URL((await continueSignOut(sealed, 'FAIL', config)).location).searchParams.get('state')).toBe(WEBEX_NOT_CONFIRMED);
  });

  it("two sites: the first site's return keeps the way for the second's, whose return goes on to the provider, still warning that the first did not confirm", async () => {
    const twoSites = loadConfig(testEnvironment({ ...ENV, WEBEX_SITES: 'acme-eu' }));
    const way = await planSignOutFor(undefined, { config: twoSites, idTokens, endSessionEndpoint }, ['acme-eu']);
    expect([way.first, ...way.remaining.map((step) => step.kind)]).toEqual(['webex', 'webex', 'idp']);
    const sealedOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));

    // acme did not confirm; the browser goes on to acme-eu's AT=LO, and the cookie keeps the rest for its return
    const afterAcme = await continueSignOut(sealedOf(await signOutCookie(way, twoSites)), 'FAIL', twoSites);
    expect(afterAcme.location).toBe(way.remaining[0]?.url);
    expect(new URL(afterAcme.location).pathname).toBe('/acme-eu/p.php');
    expect(afterAcme.way).toMatchObject({ remaining: [way.remaining[1]], unconfirmed: true });

    const afterEu = await continueSignOut(sealedOf(await signOutCookie(afterAcme.way, twoSites)), 'SUCCESS', twoSites);
    const idp = new URL(afterEu.location);
    expect(idp.origin + idp.pathname).toBe(new URL(way.remaining[1]?.url ?? '').origin + new URL(way.remaining[1]?.url ?? '').pathname);
    expect(idp.searchParams.get('state')).toBe(WEBEX_NOT_CONFIRMED);
    expect(afterEu.way).toBeUndefined();
  });

  it('without the cookie, or with a forged one, the continue route ends on the signed-out page', async () => {
    expect((await continueSignOut(undefined, 'SUCCESS', config)).location).toBe('https://portal.example.com/auth/signed-out');
    expect((await continueSignOut('Fe26.2**forged', 'SUCCESS', config)).location).toBe('https://portal.example.com/auth/signed-out');
  });

  it('clears the session cookie and every chunk of it the browser sent', () => {
    expect(clearSessionCookies(['next-auth.session-token.0', 'next-auth.session-token.1', 'other'], new URL('http://localhost:3000'))).toEqual([
      'next-auth.session-token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
      'next-auth.session-token.0=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
      'next-auth.session-token.1=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
    ]);
    expect(clearSessionCookies([], new URL('https://portal.example.com'))).toEqual([
      '__Secure-next-auth.session-token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    ]);
  });
});
