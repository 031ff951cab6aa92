/**
 * The proxy in front of every request (issue 16): the session cookie, however many chunks next-auth
 * split it into, is cleared, renewed and forwarded whole; only an admin's session opens the CSV
 * upload's body allowance; a session ended on the server is asked of the database, opened lazily.
 */
import { processSlot } from '@/lib/process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpPortalEnvironment } from './lib/testing/config';

const APP_URL = 'http://localhost:3000';
const SECRET = 'proxy-test-secret-0123456789abcdefghij';
const NAME = 'next-auth.session-token';
// next-auth 4 (core/lib/cookie.js): a browser keeps 4096 bytes per cookie; next-auth reserves 163 for the name and attributes
const BROWSER_COOKIE_LIMIT = 4096;
const NEXT_AUTH_CHUNK = 4096 - 163;

setUpPortalEnvironment({
  NEXTAUTH_URL: APP_URL,
  NEXTAUTH_SECRET: SECRET,
  ADMIN_GROUP: 'webex-admins',
  SESSION_MAX_AGE: '3600',
  SESSION_IDLE_MINUTES: '10',
  ADMIN_RECHECK_MINUTES: '5',
});

// the identity provider's answer to the admin re-check: the groups the user has now
let idpGroups: string[] = [];
let idp: Server;

beforeAll(async () => {
  idp = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    if (req.url === '/.well-known/openid-configuration')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token_endpoint: `${issuer}/token` }));
    const claims = { iss: issuer, aud: 'portal', sub: 'sub-ada', groups: idpGroups };
    const idToken = ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id_token: idToken })));
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  process.env.OIDC_ISSUER = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => idp.close(resolve)));

const now = () => Math.floor(Date.now() / 1000);
let sessions = 0;
/** A session as sign-in makes it, `age` seconds old, last seen `idle` seconds ago. */
function session(overrides: Partial<JWT> = {}): JWT {
  sessions += 1;
  const t = now();
  return {
    sub: 'sub-ada',
    email: 'ada@example.com',
    name: 'Ada',
    groups: ['webex-admins'],
    refreshToken: `rt-${sessions}`,
    sessionId: `sid-${sessions}`,
    signedInAt: t - 600,
    lastSeenAt: t - 5,
    adminCheckedAt: t - 30,
    adminVerified: true,
    ...overrides,
  };
}
/** Many groups (Entra ID sends every group id): a token next-auth splits into several cookies. */
const MANY_GROUPS = Array.from({ length: 200 }, (_, i) => `group-${String(i).padStart(3, '0')}-0123456789abcdef0123456789`);

/** The cookies a browser holds for this session: whole, or in next-auth's chunks past its chunk size. */
async function cookiesOf(token: JWT): Promise<{ name: string; value: string }[]> {
  const value = await encode({ token, secret: SECRET });
  if (value.length <= NEXT_AUTH_CHUNK) return [{ name: NAME, value }];
  return Array.from({ length: Math.ceil(value.length / NEXT_AUTH_CHUNK) }, (_, i) => ({
    name: `${NAME}.${i}`,
    value: value.slice(i * NEXT_AUTH_CHUNK, (i + 1) * NEXT_AUTH_CHUNK),
  }));
}

async function through(cookies: { name: string; value: string }[], method = 'GET', path = '/'): Promise<Response> {
  const { proxy } = await import('./proxy');
  const cookie = [...cookies, { name: 'other', value: 'kept' }].map((c) => `${c.name}=${c.value}`).join('; ');
  return proxy(new NextRequest(`${APP_URL}${path}`, { method, headers: { cookie, origin: APP_URL } }));
}

/** A session cookie an answer sets: its value, Max-Age and whole Set-Cookie line. */
interface SetCookie {
  value: string;
  maxAge: number;
  line: string;
}

/** The session cookies the answer sets, by name. */
function sessionSetCookies(response: Response): Map<string, SetCookie> {
  const set = new Map<string, SetCookie>();
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const name = pair.slice(0, pair.indexOf('='));
    if (name === NAME || name.startsWith(`${NAME}.`))
      set.set(name, { value: pair.slice(name.length + 1), line, maxAge: Number(/Max-Age=(\d+)/i.exec(line)?.[1]) });
  }
  return set;
}
const written = (set: Map<string, SetCookie>) => [...set].filter(([, c]) => c.maxAge > 0);
const cleared = (set: Map<string, SetCookie>) => [...set].filter(([, c]) => c.maxAge === 0).map(([name]) => name);

/** The page's Cookie header after the proxy: name → value. */
function forwarded(response: Response): Map<string, string> {
  const header = response.headers.get('x-middleware-request-cookie') ?? '';
  return new Map(
    header
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}
/** The token the written chunks (in order) or cookie make, as next-auth reads it. */
async function reassembled(cookies: [string, { value: string }][]): Promise<JWT | null> {
  const order = (name: string) => (name === NAME ? 0 : Number(name.slice(NAME.length + 1)));
  const value = [...cookies]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([, c]) => c.value)
    .join('');
  return decode({ token: value, secret: SECRET });
}

describe('the database behind the revocation check', () => {
  // first in this file: the tests after it open the database
  it('is not opened by importing the proxy, nor by a request without a session', async () => {
    const database = processSlot('database');
    await through([]);
    expect(database.get()).toBeUndefined();
    await through(await cookiesOf(session()));
    expect(database.get()).toBeDefined();
  });
});

describe('a session cookie next-auth split into chunks', () => {
  it('is cleared in every chunk when the session ends, and the page gets none of them', async () => {
    const chunks = await cookiesOf(session({ groups: MANY_GROUPS, signedInAt: now() - 3600 }));
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const response = await through(chunks);
    const set = sessionSetCookies(response);
    expect(written(set)).toEqual([]);
    expect(cleared(set).sort()).toEqual([NAME, ...chunks.map((c) => c.name)].sort());
    expect([...forwarded(response).keys()]).toEqual(['other']);
  });

  it("comes back from a renewal in chunks each under the browser's per-cookie limit, and the page gets the renewed token", async () => {
    const token = session({ groups: MANY_GROUPS, lastSeenAt: now() - 120 });
    const chunks = await cookiesOf(token);
    const response = await through(chunks);
    const set = sessionSetCookies(response);
    const chunksWritten = written(set);
    expect(chunksWritten.map(([name]) => name).sort()).toEqual(chunks.map((c) => c.name).sort());
    for (const [, c] of chunksWritten) expect(c.line.length).toBeLessThanOrEqual(BROWSER_COOKIE_LIMIT);
    const renewed = await reassembled(chunksWritten);
    expect(renewed).toMatchObject({ sessionId: token.sessionId, groups: MANY_GROUPS });
    expect(renewed?.lastSeenAt).toBeGreaterThanOrEqual(now() - 1);
    // the whole name, never written, is cleared in case the browser held one from before
    expect(cleared(set)).toEqual([NAME]);
    const page = forwarded(response);
    expect([...page.keys()].sort()).toEqual([...chunks.map((c) => c.name), 'other'].sort());
    expect(await reassembled([...page].filter(([name]) => name !== 'other').map(([name, value]) => [name, { value }]))).toMatchObject({
      lastSeenAt: renewed?.lastSeenAt,
    });
  });

  it.each([
    ['shrinks to one cookie: the chunks are stale', MANY_GROUPS, ['webex-admins']],
    ['grows into chunks: the whole cookie is stale', ['webex-admins'], MANY_GROUPS],
  ])('a renewal that %s, and cleared, in the browser and for the page', async (_case, before, after) => {
    idpGroups = after;
    const sent = await cookiesOf(session({ groups: before, adminCheckedAt: now() - 300 }));
    const response = await through(sent);
    const set = sessionSetCookies(response);
    const renewed = written(set);
    expect(await reassembled(renewed)).toMatchObject({ groups: after });
    for (const [, c] of renewed) expect(c.line.length).toBeLessThanOrEqual(BROWSER_COOKIE_LIMIT);
    const stale = sent.map((c) => c.name).filter((name) => !renewed.some(([written]) => written === name));
    expect(stale.length).toBeGreaterThan(0);
    for (const name of stale) expect(cleared(set)).toContain(name);
    const page = forwarded(response);
    for (const name of stale) expect(page.has(name)).toBe(false);
    expect([...page.keys()].sort()).toEqual([...renewed.map(([name]) => name), 'other'].sort());
  });
});

describe("the CSV upload's body allowance", () => {
  const IMPORT_PATH = '/admin/mappings/import';
  const LARGE = String(8 * 1024 * 1024);

  /** A large upload whose body records whether anyone started reading it. */
  async function upload(
    cookies: { name: string; value: string }[],
    headers: Record<string, string> = { 'content-length': LARGE },
  ): Promise<{ status: number; bodyRead: boolean }> {
    const { proxy } = await import('./proxy');
    let bodyRead = false;
    const body = new ReadableStream({ pull: () => void (bodyRead = true) }, { highWaterMark: 0 });
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const init = { method: 'POST', headers: { ...headers, cookie, origin: APP_URL, 'next-action': 'abc' }, body, duplex: 'half' };
    const response = await proxy(new NextRequest(`${APP_URL}${IMPORT_PATH}`, init as ConstructorParameters<typeof NextRequest>[1]));
    return { status: response.status, bodyRead };
  }

  it('is refused (413) to an anonymous sender before the body is read, whatever the length says', async () => {
    expect(await upload([])).toEqual({ status: 413, bodyRead: false });
    expect(await upload([], { 'transfer-encoding': 'chunked' })).toEqual({ status: 413, bodyRead: false });
    // a forged or foreign cookie is no session
    expect(await upload([{ name: NAME, value: 'forged' }])).toEqual({ status: 413, bodyRead: false });
  });

  it('is refused to a signed-in employee who is not an admin, and to an admin the identity provider no longer confirms', async () => {
    idpGroups = ['staff'];
    expect(await upload(await cookiesOf(session({ groups: ['staff'] })))).toEqual({ status: 413, bodyRead: false });
    expect(await upload(await cookiesOf(session()))).toEqual({ status: 413, bodyRead: false });
  });

  it('is refused when the session is over, however admin it was', async () => {
    idpGroups = ['webex-admins'];
    expect(await upload(await cookiesOf(session({ signedInAt: now() - 3600 })))).toEqual({ status: 413, bodyRead: false });
  });

  it("lets an admin's upload through (the proxy still reads none of it)", async () => {
    idpGroups = ['webex-admins'];
    expect(await upload(await cookiesOf(session()))).toEqual({ status: 200, bodyRead: false });
    expect(await upload(await cookiesOf(session()), { 'transfer-encoding': 'chunked' })).toEqual({ status: 200, bodyRead: false });
  });
});
