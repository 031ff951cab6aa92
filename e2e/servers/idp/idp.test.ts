import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_GROUP, DEMO_EMPLOYEES } from '../demo-users';
import { startIdentityProvider, subjectForEmail, type IdentityProvider, type IdpClient } from './index';

// Clients registered the way the portal's next-auth "oauth" provider talks to the IdP.
const PORTAL: IdpClient = {
  clientId: 'webex-sso-portal',
  clientSecret: 'portal-test-secret',
  redirectUris: ['http://localhost:3000/api/auth/callback/oidc'],
  postLogoutRedirectUris: ['http://localhost:3000/signed-out'],
};
const OTHER_APP: IdpClient = {
  clientId: 'other-app',
  clientSecret: 'other-test-secret',
  redirectUris: ['http://localhost:3001/api/auth/callback/oidc'],
};

const FULL_SCOPE = 'openid email profile groups';

function employee(email: string) {
  const found = DEMO_EMPLOYEES.find((candidate) => candidate.email === email);
  if (!found) throw new Error(`test setup: no demo employee ${email}`);
  return found;
}
const alice = employee('alice@example.com');
const admin = employee('admin@example.com');

/** Just enough of a browser's cookie store: name + path scoping, deletion by expiry. */
class CookieJar {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', attributeValue = ''] = attribute.trim().split('=');
        const lower = key.toLowerCase();
        if (lower === 'path') path = attributeValue;
        if (lower === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
        if (lower === 'max-age' && Number(attributeValue) <= 0) expired = true;
      }
      const id = `${name};${path}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, { name, value, path });
    }
  }

  headerFor(url: URL): string {
    return [...this.#cookies.values()]
      .filter(({ path }) => url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`))
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }
}

async function send(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.headerFor(url);
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(response);
  return response;
}

type Landing = { kind: 'page'; url: URL; response: Response; html: string } | { kind: 'left-idp'; location: URL };

/** Follows redirects inside the IdP the way a browser would; stops at a page or when sent elsewhere. */
async function follow(jar: CookieJar, idp: IdentityProvider, first: Response, firstUrl: URL): Promise<Landing> {
  let response = first;
  let url = firstUrl;
  for (let hops = 0; hops < 10; hops += 1) {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      return { kind: 'page', url, response, html: await response.text() };
    }
    await response.arrayBuffer();
    const next = new URL(location, url);
    if (next.origin !== new URL(idp.issuer).origin) return { kind: 'left-idp', location: next };
    url = next;
    response = await send(jar, url);
  }
  throw new Error('too many redirects');
}

interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

function buildAuthorizationRequest(
  idp: IdentityProvider,
  client: IdpClient,
  { scope = FULL_SCOPE, pkce = true }: { scope?: string; pkce?: boolean } = {},
): AuthorizationRequest {
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const codeVerifier = randomBytes(32).toString('base64url');
  const url = new URL('/auth', idp.issuer);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUris[0] ?? '',
    response_type: 'code',
    scope,
    state,
    nonce,
    ...(pkce ? { code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'), code_challenge_method: 'S256' } : {}),
  }).toString();
  return { url, state, nonce, codeVerifier };
}

async function authorize(jar: CookieJar, idp: IdentityProvider, request: AuthorizationRequest): Promise<Landing> {
  return follow(jar, idp, await send(jar, request.url), request.url);
}

function formAction(page: Extract<Landing, { kind: 'page' }>): URL {
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!action) throw new Error(`no form on the page:\n${page.html}`);
  return new URL(action.replaceAll('&amp;', '&'), page.url);
}

async function submitSignIn(
  jar: CookieJar,
  page: Extract<Landing, { kind: 'page' }>,
  email: string,
  password: string,
): Promise<{ response: Response; action: URL }> {
  const action = formAction(page);
  const response = await send(jar, action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });
  return { response, action };
}

/** The whole browser part: authorize → sign-in form → (auto consent) → code at the redirect_uri. */
async function signIn(
  jar: CookieJar,
  idp: IdentityProvider,
  client: IdpClient,
  email: string,
  password: string,
  options: { scope?: string } = {},
): Promise<{ request: AuthorizationRequest; callback: URL }> {
  const request = buildAuthorizationRequest(idp, client, options);
  const page = await authorize(jar, idp, request);
  if (page.kind !== 'page') throw new Error(`expected the sign-in form, was sent to ${page.location.href}`);
  expect(page.response.status).toBe(200);

  const { response, action } = await submitSignIn(jar, page, email, password);
  expect(response.status).toBe(303);
  const landing = await follow(jar, idp, response, action);
  if (landing.kind !== 'left-idp') throw new Error(`expected a redirect to the client, got a page:\n${landing.html}`);
  return { request, callback: landing.location };
}

type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

interface TokenResponse {
  access_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

async function redeemCode(
  idp: IdentityProvider,
  client: IdpClient,
  code: string,
  codeVerifier: string,
  { secret = client.clientSecret, auth = 'client_secret_basic' }: { secret?: string; auth?: ClientAuthMethod } = {},
): Promise<Response> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUris[0] ?? '',
    code_verifier: codeVerifier,
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'client_secret_post') {
    form.set('client_id', client.clientId);
    form.set('client_secret', secret);
  } else {
    // RFC 6749 §2.3.1: form-encode both parts before base64, as openid-client does.
    const credentials = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return fetch(new URL('/token', idp.issuer), { method: 'POST', headers, body: form.toString() });
}

interface IdTokenParts {
  header: { alg: string; kid?: string };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function decodeJwt(token: string): IdTokenParts {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as IdTokenParts['header'],
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

async function fetchJwks(idp: IdentityProvider): Promise<JsonWebKey[]> {
  const discovery = (await (await fetch(new URL('/.well-known/openid-configuration', idp.issuer))).json()) as {
    jwks_uri: string;
  };
  const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JsonWebKey[] };
  return jwks.keys;
}

/** RS256 check with node:crypto only: the key named by `kid` in the published JWKS signed this. */
async function hasValidSignature(idp: IdentityProvider, token: string): Promise<boolean> {
  const { header, signingInput, signature } = decodeJwt(token);
  expect(header.alg).toBe('RS256');
  const jwk = (await fetchJwks(idp)).find((key) => key.kid === header.kid);
  if (!jwk) return false;
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  return verify('RSA-SHA256', Buffer.from(signingInput), publicKey, signature);
}

async function signInAndRedeem(
  jar: CookieJar,
  idp: IdentityProvider,
  client: IdpClient,
  email: string,
  password: string,
  options: { scope?: string } = {},
): Promise<{ request: AuthorizationRequest; tokens: TokenResponse; idToken: Record<string, unknown> }> {
  const { request, callback } = await signIn(jar, idp, client, email, password, options);
  const code = callback.searchParams.get('code');
  expect(code).toBeTruthy();
  const response = await redeemCode(idp, client, code ?? '', request.codeVerifier);
  expect(response.status).toBe(200);
  const tokens = (await response.json()) as TokenResponse;
  return { request, tokens, idToken: decodeJwt(tokens.id_token).payload };
}

describe('bundled identity provider', () => {
  let idp: IdentityProvider;

  beforeAll(async () => {
    idp = await startIdentityProvider({ port: 0, clients: [PORTAL, OTHER_APP], users: DEMO_EMPLOYEES });
  });

  afterAll(async () => {
    await idp?.close();
  });

  describe('discovery and keys', () => {
    it('publishes a discovery document for its own issuer with every endpoint the portal uses', async () => {
      expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(new URL('/.well-known/openid-configuration', idp.issuer));
      expect(response.status).toBe(200);
      const discovery = (await response.json()) as Record<string, unknown>;

      expect(discovery).toMatchObject({
        issuer: idp.issuer,
        authorization_endpoint: `${idp.issuer}/auth`,
        token_endpoint: `${idp.issuer}/token`,
        userinfo_endpoint: `${idp.issuer}/me`,
        jwks_uri: `${idp.issuer}/jwks`,
        end_session_endpoint: `${idp.issuer}/session/end`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
      expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'groups']));
      expect(discovery.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'name', 'groups']));
      expect(discovery.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    });

    it('publishes only the public half of one RS256 signing key', async () => {
      const keys = await fetchJwks(idp);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(keys[0]?.kid).toBeTruthy();
      for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
        expect(keys[0]).not.toHaveProperty(privateMember);
      }
    });

    it('generates a different signing key on every start', async () => {
      const other = await startIdentityProvider({ port: 0, clients: [PORTAL], users: DEMO_EMPLOYEES });
      try {
        const [ours, theirs] = await Promise.all([fetchJwks(idp), fetchJwks(other)]);
        expect(theirs[0]?.n).toBeTruthy();
        expect(theirs[0]?.n).not.toBe(ours[0]?.n);
      } finally {
        await other.close();
      }
    });
  });

  describe('authorization code flow with PKCE', () => {
    it('signs alice in and issues a verifiable ID token carrying email, name, groups and the nonce', async () => {
      const jar = new CookieJar();
      const { request, callback } = await signIn(jar, idp, PORTAL, alice.email, alice.password);

      expect(`${callback.origin}${callback.pathname}`).toBe(PORTAL.redirectUris[0]);
      expect(callback.searchParams.get('state')).toBe(request.state);
      expect(callback.searchParams.get('iss')).toBe(idp.issuer);
      const code = callback.searchParams.get('code') ?? '';
      expect(code).not.toBe('');

      const response = await redeemCode(idp, PORTAL, code, request.codeVerifier);
      expect(response.status).toBe(200);
      const tokens = (await response.json()) as TokenResponse;
      expect(tokens.token_type).toBe('Bearer');
      expect(tokens.scope.split(' ').sort()).toEqual(['email', 'groups', 'openid', 'profile']);

      expect(await hasValidSignature(idp, tokens.id_token)).toBe(true);
      const { payload } = decodeJwt(tokens.id_token);
      expect(payload).toMatchObject({
        iss: idp.issuer,
        aud: PORTAL.clientId,
        sub: subjectForEmail(alice.email),
        nonce: request.nonce,
        email: alice.email,
        email_verified: true,
        name: alice.name,
        groups: alice.groups,
      });
      expect(payload.exp).toBeGreaterThan(Date.now() / 1000);
    });

    it('rejects an ID token whose payload was altered after signing', async () => {
      const { tokens } = await signInAndRedeem(new CookieJar(), idp, PORTAL, alice.email, alice.password);
      const [header, payload, signature] = tokens.id_token.split('.');
      const altered = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      altered.groups = [DEMO_ADMIN_GROUP];
      const forged = [header, Buffer.from(JSON.stringify(altered)).toString('base64url'), signature].join('.');
      expect(await hasValidSignature(idp, forged)).toBe(false);
    });

    it('answers userinfo with the same claims for the access token', async () => {
      const { tokens } = await signInAndRedeem(new CookieJar(), idp, PORTAL, admin.email, admin.password);
      const response = await fetch(new URL('/me', idp.issuer), {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        sub: subjectForEmail(admin.email),
        email: admin.email,
        email_verified: true,
        name: admin.name,
        groups: ['staff', DEMO_ADMIN_GROUP],
      });
    });

    it('releases groups for a plain "openid email profile" request, and only what the scopes allow', async () => {
      const profile = await signInAndRedeem(new CookieJar(), idp, PORTAL, admin.email, admin.password, {
        scope: 'openid email profile',
      });
      expect(profile.idToken).toMatchObject({ email: admin.email, name: admin.name, groups: admin.groups });

      const emailOnly = await signInAndRedeem(new CookieJar(), idp, PORTAL, admin.email, admin.password, {
        scope: 'openid email',
      });
      expect(emailOnly.idToken.email).toBe(admin.email);
      expect(emailOnly.idToken).not.toHaveProperty('name');
      expect(emailOnly.idToken).not.toHaveProperty('groups');
    });

    it('accepts the e-mail in any case and still reports the stable subject and canonical e-mail', async () => {
      const { idToken } = await signInAndRedeem(new CookieJar(), idp, PORTAL, '  ALICE@Example.COM ', alice.password);
      expect(idToken.sub).toBe(subjectForEmail(alice.email));
      expect(idToken.email).toBe(alice.email);
    });

    it('accepts the client secret in the form body (client_secret_post) as well as by HTTP Basic', async () => {
      const { request, callback } = await signIn(new CookieJar(), idp, PORTAL, alice.email, alice.password);
      const response = await redeemCode(idp, PORTAL, callback.searchParams.get('code') ?? '', request.codeVerifier, {
        auth: 'client_secret_post',
      });
      expect(response.status).toBe(200);
      const { id_token: idToken } = (await response.json()) as TokenResponse;
      expect(decodeJwt(idToken).payload).toMatchObject({ aud: PORTAL.clientId, email: alice.email });
    });

    it('keeps clients apart: a code issued to one client cannot be redeemed by another', async () => {
      const { request, callback } = await signIn(new CookieJar(), idp, OTHER_APP, alice.email, alice.password);
      expect(`${callback.origin}${callback.pathname}`).toBe(OTHER_APP.redirectUris[0]);
      const code = callback.searchParams.get('code') ?? '';
      const stolen = await redeemCode(idp, { ...PORTAL, redirectUris: OTHER_APP.redirectUris }, code, request.codeVerifier);
      expect(stolen.status).toBe(400);
      expect(await stolen.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a redirect_uri the client did not register', async () => {
      const request = buildAuthorizationRequest(idp, PORTAL);
      request.url.searchParams.set('redirect_uri', 'https://evil.example/callback');
      const landing = await authorize(new CookieJar(), idp, request);
      if (landing.kind !== 'page') throw new Error(`must not redirect to ${landing.location.href}`);
      expect(landing.response.status).toBe(400);
      expect(landing.html).toContain('invalid_redirect_uri: redirect_uri did not match any of the client&#39;s registered');
      expect(landing.html).not.toMatch(/@import|<link|https:\/\/fonts/);
    });

    it('refuses a wrong client secret, a wrong code verifier and a second use of the code', async () => {
      const jar = new CookieJar();
      const { request, callback } = await signIn(jar, idp, PORTAL, alice.email, alice.password);
      const code = callback.searchParams.get('code') ?? '';

      for (const auth of ['client_secret_basic', 'client_secret_post'] as const) {
        const wrongSecret = await redeemCode(idp, PORTAL, code, request.codeVerifier, { secret: 'not-the-secret', auth });
        expect(wrongSecret.status).toBe(401);
        expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
      }

      const wrongVerifier = await redeemCode(idp, PORTAL, code, randomBytes(32).toString('base64url'));
      expect(wrongVerifier.status).toBe(400);
      expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });

      expect((await redeemCode(idp, PORTAL, code, request.codeVerifier)).status).toBe(200);
      const replay = await redeemCode(idp, PORTAL, code, request.codeVerifier);
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('requires PKCE', async () => {
      const request = buildAuthorizationRequest(idp, PORTAL, { pkce: false });
      const landing = await authorize(new CookieJar(), idp, request);
      if (landing.kind !== 'left-idp') throw new Error('expected an error redirect to the client');
      expect(landing.location.searchParams.get('error')).toBe('invalid_request');
      expect(landing.location.searchParams.get('error_description')).toMatch(/PKCE/);
      expect(landing.location.searchParams.has('code')).toBe(false);
    });

    it('signs a returning user in without the form while the IdP session lasts', async () => {
      const jar = new CookieJar();
      await signIn(jar, idp, PORTAL, alice.email, alice.password);
      const again = await authorize(jar, idp, buildAuthorizationRequest(idp, PORTAL));
      if (again.kind !== 'left-idp') throw new Error(`expected a redirect to the client, got:\n${again.html}`);
      expect(again.location.searchParams.get('code')).toBeTruthy();
    });
  });

  describe('sign-in page', () => {
    it('is a plain form: title, labels, fields and button, nothing loaded from elsewhere', async () => {
      const page = await authorize(new CookieJar(), idp, buildAuthorizationRequest(idp, PORTAL));
      if (page.kind !== 'page') throw new Error('expected the sign-in form');

      expect(page.url.pathname).toMatch(/^\/interaction\/[A-Za-z0-9_-]+$/);
      expect(page.response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.response.headers.get('cache-control')).toBe('no-store');
      expect(page.html).toContain('<title>Sign in to Example Corp</title>');
      expect(page.html).toContain('<h1>Sign in to Example Corp</h1>');
      expect(page.html).toContain('<label for="email">Email</label>');
      expect(page.html).toContain('<label for="password">Password</label>');
      expect(page.html).toMatch(/<input id="email" name="email"/);
      expect(page.html).toMatch(/<input id="password" name="password" type="password"/);
      expect(page.html).toContain('<button type="submit">Sign in</button>');
      expect(formAction(page).pathname).toBe(`${page.url.pathname}/login`);
      expect(page.html).not.toMatch(/https?:\/\//);
      expect(page.html).not.toMatch(/<script|<link|@import/i);
    });

    it('answers a wrong password with 401, the message and the typed e-mail, and no code', async () => {
      const jar = new CookieJar();
      const request = buildAuthorizationRequest(idp, PORTAL);
      const page = await authorize(jar, idp, request);
      if (page.kind !== 'page') throw new Error('expected the sign-in form');

      const { response } = await submitSignIn(jar, page, alice.email, 'not-alices-password');
      expect(response.status).toBe(401);
      expect(response.headers.get('location')).toBeNull();
      const html = await response.text();
      expect(html).toContain('Invalid email or password');
      expect(html).toContain(`value="${alice.email}"`);
      expect(html).not.toContain('not-alices-password');
      expect(html).not.toContain('code=');

      // The same sign-in can still succeed afterwards.
      const retry = await submitSignIn(jar, { ...page, html }, alice.email, alice.password);
      expect(retry.response.status).toBe(303);
      const landing = await follow(jar, idp, retry.response, retry.action);
      if (landing.kind !== 'left-idp') throw new Error('expected a redirect to the client');
      expect(landing.location.searchParams.get('state')).toBe(request.state);
      expect(landing.location.searchParams.get('code')).toBeTruthy();
    });

    it('gives an unknown e-mail the same answer as a wrong password', async () => {
      const jar = new CookieJar();
      const page = await authorize(jar, idp, buildAuthorizationRequest(idp, PORTAL));
      if (page.kind !== 'page') throw new Error('expected the sign-in form');
      const { response } = await submitSignIn(jar, page, 'mallory@example.com', alice.password);
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('Invalid email or password');
    });

    it('escapes a hostile typed e-mail', async () => {
      const jar = new CookieJar();
      const page = await authorize(jar, idp, buildAuthorizationRequest(idp, PORTAL));
      if (page.kind !== 'page') throw new Error('expected the sign-in form');
      const hostile = `"><script>alert('x')</script><img src=x onerror=alert(1)>@example.com`;

      const { response } = await submitSignIn(jar, page, hostile, 'whatever');
      expect(response.status).toBe(401);
      const html = await response.text();
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;@example.com"');
    });

    it('escapes a hostile login_hint the client passes along', async () => {
      const request = buildAuthorizationRequest(idp, PORTAL);
      request.url.searchParams.set('login_hint', '"><script>alert(1)</script>');
      const page = await authorize(new CookieJar(), idp, request);
      if (page.kind !== 'page') throw new Error('expected the sign-in form');
      expect(page.html).not.toContain('<script>');
      expect(page.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    });

    it('refuses an oversized form body with 413', async () => {
      const jar = new CookieJar();
      const page = await authorize(jar, idp, buildAuthorizationRequest(idp, PORTAL));
      if (page.kind !== 'page') throw new Error('expected the sign-in form');
      const response = await send(jar, formAction(page), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `email=${alice.email}&password=${'x'.repeat(20_000)}`,
      });
      expect(response.status).toBe(413);
    });

    it('explains an expired or unknown sign-in instead of failing', async () => {
      const response = await send(new CookieJar(), new URL('/interaction/not-a-real-uid', idp.issuer));
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Sign-in expired');
    });

    it('sends the user back to the client with access_denied on cancel', async () => {
      const jar = new CookieJar();
      const request = buildAuthorizationRequest(idp, PORTAL);
      const page = await authorize(jar, idp, request);
      if (page.kind !== 'page') throw new Error('expected the sign-in form');
      const cancel = new URL(`${page.url.pathname}/abort`, idp.issuer);
      const landing = await follow(jar, idp, await send(jar, cancel), cancel);
      if (landing.kind !== 'left-idp') throw new Error('expected a redirect to the client');
      expect(landing.location.searchParams.get('error')).toBe('access_denied');
      expect(landing.location.searchParams.get('state')).toBe(request.state);
    });
  });

  describe('RP-initiated logout', () => {
    it('ends the IdP session and returns to the post_logout_redirect_uri with the state', async () => {
      const jar = new CookieJar();
      const { tokens } = await signInAndRedeem(jar, idp, PORTAL, alice.email, alice.password);

      const endSession = new URL('/session/end', idp.issuer);
      endSession.search = new URLSearchParams({
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: PORTAL.postLogoutRedirectUris?.[0] ?? '',
        state: 'after-logout',
      }).toString();
      const confirmPage = await send(jar, endSession);
      expect(confirmPage.status).toBe(200);
      const html = await confirmPage.text();
      expect(html).not.toMatch(/https:\/\/|@import|<link/);
      expect(html).toContain('name="logout" value="yes"');

      const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      expect(action).toBeTruthy();
      expect(xsrf).toBeTruthy();
      const confirmed = await send(jar, new URL(action ?? '', idp.issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ xsrf: xsrf ?? '', logout: 'yes' }).toString(),
      });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.get('location')).toBe(`${PORTAL.postLogoutRedirectUris?.[0]}?state=after-logout`);

      // Signed out for real: the next authorization asks for credentials again.
      const next = await authorize(jar, idp, buildAuthorizationRequest(idp, PORTAL));
      if (next.kind !== 'page') throw new Error('expected the sign-in form after logout');
      expect(next.html).toContain('Sign in to Example Corp');
    });

    it('refuses an unregistered post_logout_redirect_uri', async () => {
      const endSession = new URL('/session/end', idp.issuer);
      endSession.search = new URLSearchParams({
        client_id: PORTAL.clientId,
        post_logout_redirect_uri: 'https://evil.example/after',
      }).toString();
      const response = await send(new CookieJar(), endSession);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain('post_logout_redirect_uri not registered');
      expect(html).not.toMatch(/@import|<link/);
    });
  });
});

describe('startIdentityProvider', () => {
  it('explains an issuer with a path', async () => {
    await expect(startIdentityProvider({ issuer: 'http://127.0.0.1:4999/oidc', clients: [PORTAL], users: DEMO_EMPLOYEES })).rejects.toThrow(
      'idp: Bad usage. `issuer` must be an origin without path',
    );
  });

  it('explains users that share an e-mail', async () => {
    await expect(
      startIdentityProvider({
        port: 0,
        clients: [PORTAL],
        users: [alice, { ...alice, email: alice.email.toUpperCase(), password: 'other' }],
      }),
    ).rejects.toThrow('idp: Bad usage. Two users share the e-mail "alice@example.com"');
  });

  it('stops accepting connections after close()', async () => {
    const idp = await startIdentityProvider({ port: 0, clients: [PORTAL], users: DEMO_EMPLOYEES });
    const discovery = new URL('/.well-known/openid-configuration', idp.issuer);
    expect((await fetch(discovery)).status).toBe(200);
    await idp.close();
    await idp.close();
    await expect(fetch(discovery)).rejects.toThrow();
  });
});

describe('refresh tokens, group changes and unverified e-mail (for the portal session tests)', () => {
  let idp: IdentityProvider;
  const eve = employee('eve@example.com');

  beforeAll(async () => {
    idp = await startIdentityProvider({ port: 0, clients: [PORTAL], users: DEMO_EMPLOYEES });
  });
  afterAll(() => idp.close());

  async function refresh(refreshToken: string): Promise<Response> {
    const basic = Buffer.from(`${PORTAL.clientId}:${PORTAL.clientSecret}`).toString('base64');
    return fetch(new URL('/token', idp.issuer), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
  }

  it('issues a refresh token whose grant reports the groups as they are now', async () => {
    const { tokens } = await signInAndRedeem(new CookieJar(), idp, PORTAL, admin.email, admin.password);
    const refreshToken = (tokens as TokenResponse & { refresh_token?: string }).refresh_token ?? '';
    expect(refreshToken).not.toBe('');

    idp.setGroups(admin.email, ['staff']);
    const answer = await refresh(refreshToken);
    expect(answer.status).toBe(200);
    const refreshed = (await answer.json()) as TokenResponse;
    expect(decodeJwt(refreshed.id_token).payload).toMatchObject({ sub: subjectForEmail(admin.email), groups: ['staff'] });
    idp.setGroups(admin.email, admin.groups);
  });

  it('answers invalid_grant to a refresh token it never issued', async () => {
    const answer = await refresh('not-a-refresh-token');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('changes groups through the loopback control endpoint, and refuses web pages', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(new URL('/__idp/groups', idp.issuer), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({ email: alice.email, groups: ['staff', DEMO_ADMIN_GROUP] }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ email: alice.email, groups: 'admins' })).status).toBe(400);
    expect((await post({ email: 'nobody@example.com', groups: [] })).status).toBe(404);
    expect((await post({ email: alice.email, groups: ['staff', 'auditors'] })).status).toBe(204);
    const { idToken } = await signInAndRedeem(new CookieJar(), idp, PORTAL, alice.email, alice.password);
    expect(idToken.groups).toEqual(['staff', 'auditors']);
  });

  it('reports email_verified false for a user whose address it did not verify', async () => {
    const { idToken } = await signInAndRedeem(new CookieJar(), idp, PORTAL, eve.email, eve.password);
    expect(idToken).toMatchObject({ email: eve.email, email_verified: false });
  });
});
