/**
 * Every credential mode, end to end through the launch use case, against the WebEx simulator over
 * real HTTP on a real SQLite file: no host password anywhere in saml and oauth modes.
 */
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../e2e/servers/certificates';
import { startWebexSimulator, type WebexSimulator } from '../../e2e/servers/webex-sim';
import { checkConnection, type LaunchDeps, launchWebex, testMapping } from '../launch';
import { type HostCredentialSettings } from '.';
import { ONE_SITE } from '../testing/config';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { type AdminContext, findMappingByEmail, saveMapping, upsertMapping } from '../mappings';
import { loadSigningKeys, SAML_NS, type SamlSigningKeys } from '../saml';
import { createWebexClient } from '../webex';
import { connectSiteOf, disconnect, finishConnect, startConnect, type ConnectDeps } from './connect';
import { createHostCredentials } from './host-credentials';
import { createWebexOAuthClient } from './oauth-client';
import { createOAuthTokenStore } from './oauth-tokens';
import { signedIn } from '../testing/portal-sign-in';
import { sealCredential } from '../secrets';

const KEYS = { '1': 'modes-test-key-0123456789abcdef01234' };
const SAML = {
  issuer: 'http://portal.example',
  audience: 'https://acme.webex.com',
  recipient: 'https://acme.webex.com/dispatcher/SAML2AuthService?siteurl=acme',
};
const REDIRECT_URI = 'http://portal.example/webex/connect/callback';
const CLIENT = { clientId: 'portal', clientSecret: 'portal-client-secret-0123456789' };

let sim: WebexSimulator;
let store: TempDatabase;
let keys: SamlSigningKeys;

beforeAll(async () => {
  const pair = createSelfSignedCertificate('portal');
  keys = loadSigningKeys({ key: pair.privateKeyPem, cert: pair.certificatePem });
  sim = await startWebexSimulator({
    port: 0,
    siteName: 'acme',
    users: [
      { webExID: 'alice', email: 'alice@example.com', password: 'Alice-WebEx-1' },
      { webExID: 'carol@example.com', email: 'carol@example.com' },
      { webExID: 'dave@example.com', email: 'dave@example.com', password: 'Dave-WebEx-1' },
    ],
    saml: { certificates: [keys.certificatePem], ...SAML },
    oauth: { clients: [{ ...CLIENT, redirectUris: [REDIRECT_URI] }] },
    // a second site of the company: alice's account there is another host, the same person (e-mail)
    sites: [{ siteName: 'acme-eu', users: [{ webExID: 'alice.eu', email: 'alice@example.com' }] }],
  });
  store = await openTempDatabase('modes');
});

afterAll(async () => {
  await store.remove();
  await sim.close();
});

const DEFAULT_SITE = { key: '', siteName: 'acme' };

function depsFor(config: HostCredentialSettings, rule: LaunchDeps['rule'] = { kind: 'email', lowercase: true }, { key, siteName } = DEFAULT_SITE) {
  const webex = createWebexClient({ baseUrl: sim.url, timeoutMs: 2_000, maxResponseBytes: 65_536 });
  const oauth = config.mode === 'oauth' ? createWebexOAuthClient({ ...config, timeoutMs: 2_000, maxResponseBytes: 65_536 }) : undefined;
  const tokens = oauth && createOAuthTokenStore({ db: store.db, keys: KEYS, client: oauth, leaseMs: 5_000, site: key });
  const launch: LaunchDeps = {
    db: store.db,
    webex,
    credentials: createHostCredentials({ config, siteName, webex, keys: KEYS, db: store.db, oauthTokens: tokens, site: key }),
    site: { key, siteName, baseUrl: sim.url, landingUrl: `${sim.url}/webappng/sites/${siteName}/dashboard` },
    rule,
    backUrl: 'http://portal.example/webex/return',
  };
  const connect: ConnectDeps | undefined =
    oauth && tokens && config.mode === 'oauth' ? { db: store.db, keys: KEYS, oauth, tokens, webex, site: key, siteName, tokenUse: config.tokenUse } : undefined;
  return { launch, connect, tokens };
}

const samlConfig = (nameIdSource: 'webex-id' | 'email' = 'email'): HostCredentialSettings => ({ mode: 'saml', ...SAML, nameIdSource, keys });
const oauthConfig = (tokenUse: 'access-token' | 'session-ticket'): HostCredentialSettings => ({
  mode: 'oauth',
  authorizeUrl: `${sim.url}/v1/oauth2/authorize`,
  tokenUrl: `${sim.url}/v1/oauth2/token`,
  revokeUrl: `${sim.url}/v1/oauth2/revoke`,
  ...CLIENT,
  scopes: 'all_read meeting_modify',
  tokenUse,
  redirectUri: REDIRECT_URI,
});

/** The employee's part at WebEx: sign in and allow, as the browser would. */
async function authorizeAtWebex(location: string, login: string, password: string): Promise<URL> {
  const page = await fetch(location);
  const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const done = await fetch(new URL('/v1/oauth2/authorize', sim.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, login, password, decision: 'allow' }),
    redirect: 'manual',
  });
  return new URL(done.headers.get('location') ?? '');
}

async function connectAs(connect: ConnectDeps, email: string, webexId: string, login: string, password: string) {
  const started = await startConnect(connect, email);
  return finishConnect(connect, { email, webexId }, await authorizeAtWebex(started.location, login, password), started.cookie);
}

async function auditOf(email: string) {
  return store.db.selectFrom('audit_events').selectAll().where('actor', '=', email).orderBy('id').execute();
}

describe('saml mode', () => {
  it('an employee linked only by the e-mail rule, with no WebEx password, joins; the session ticket is reused', async () => {
    const { launch } = depsFor(samlConfig());
    const before = sim.stats();
    const first = await launchWebex(signedIn('carol@example.com'), launch, 'r1');
    expect(first).toMatchObject({ ok: true, webexId: 'carol@example.com' });
    const second = await launchWebex(signedIn('carol@example.com'), launch, 'r2');
    expect(second.ok).toBe(true);
    expect(sim.stats().sessionTicketsIssued - before.sessionTicketsIssued).toBe(1);
    expect((await auditOf('carol@example.com')).map((a) => JSON.parse(a.detail ?? '{}').credential)).toEqual(['new-session-ticket', 'cached-session-ticket']);
  });

  it('an expired session ticket is renewed transparently, once', async () => {
    const { launch } = depsFor(samlConfig());
    await launchWebex(signedIn('carol@example.com'), launch, 'warm');
    const before = sim.stats().sessionTicketsIssued;
    sim.inject({ fault: { kind: 'session-ticket-expired' }, webExID: 'carol@example.com', times: 1 });
    expect(await launchWebex(signedIn('carol@example.com'), launch, 'r3')).toMatchObject({ ok: true });
    expect(sim.stats().sessionTicketsIssued - before).toBe(1);
    expect(JSON.parse((await auditOf('carol@example.com')).at(-1)?.detail ?? '{}').credential).toBe('renewed-session-ticket');
  });

  it('concurrent launches of one host authenticate once', async () => {
    await store.db.deleteFrom('webex_session_tickets').execute();
    const { launch } = depsFor(samlConfig());
    const before = sim.stats().sessionTicketsIssued;
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => launchWebex(signedIn('carol@example.com'), launch, `c${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sim.stats().sessionTicketsIssued - before).toBe(1);
  });

  it('NameID from the WebEx ID works for an explicit mapping', async () => {
    await upsertMapping(store.db, { email: 'alice@example.com', webexId: 'alice', sealedCredential: null });
    expect(await launchWebex(signedIn('alice@example.com'), depsFor(samlConfig('webex-id')).launch, 'r4')).toMatchObject({ ok: true, webexId: 'alice' });
  });

  it('an assertion WebEx does not trust is WEBEX_SSO_REFUSED with its exceptionID audited', async () => {
    const other = createSelfSignedCertificate('not trusted');
    const untrusted: HostCredentialSettings = {
      mode: 'saml',
      ...SAML,
      nameIdSource: 'email',
      keys: loadSigningKeys({ key: other.privateKeyPem, cert: other.certificatePem }),
    };
    await store.db.deleteFrom('webex_session_tickets').execute();
    expect(await launchWebex(signedIn('carol@example.com'), depsFor(untrusted).launch, 'r5')).toMatchObject({ ok: false, code: 'WEBEX_SSO_REFUSED' });
    const row = (await auditOf('carol@example.com')).at(-1);
    expect(row?.outcome).toBe('WEBEX_SSO_REFUSED');
    expect(JSON.parse(row?.detail ?? '{}').exceptionID).toBe('030048');
  });
  it("the admin's mapping test and connection check work with no password: GetUser and GetSite as the host, on its session ticket", async () => {
    const { launch } = depsFor(samlConfig());
    await store.db.deleteFrom('webex_session_tickets').execute();
    const tested = await testMapping(launch, signedIn('admin@example.com'), 'carol@example.com', 'the IT desk');
    expect(tested).toMatchObject({
      outcome: 'OK',
      source: 'rule',
      webexId: 'carol@example.com',
      credential: 'new-session-ticket',
      webexUser: { webExId: 'carol@example.com', email: 'carol@example.com' },
    });
    const checked = await checkConnection(launch, signedIn('carol@example.com'), 'the IT desk');
    expect(checked).toMatchObject({ ok: true, checkedAs: 'carol@example.com', site: { ssoEnabled: true } });
    expect(
      (
        await store.db
          .selectFrom('audit_events')
          .select(['action', 'outcome'])
          .where('actor', 'in', ['admin@example.com', 'carol@example.com'])
          .where('action', 'in', ['mapping.test', 'webex.check'])
          .execute()
      ).map((r) => `${r.action}:${r.outcome}`),
    ).toEqual(['mapping.test:OK', 'webex.check:OK']);
  });

  // issue 16 finding 11: AuthnInstant was the moment of the call, however long ago the employee signed in
  it("the assertion states the portal sign-in behind the call and the end of that session: the employee's for a launch and their own check, the admin's for a mapping test", async () => {
    const { launch } = depsFor(samlConfig());
    /** AuthnInstant and SessionNotOnOrAfter of the last assertion WebEx received, as seconds since the epoch. */
    const lastAuthn = () => {
      const xml = Buffer.from(sim.secrets().samlResponses.at(-1) ?? '', 'base64').toString('utf8');
      const statement = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagNameNS(SAML_NS, 'AuthnStatement').item(0);
      const seconds = (name: string) => Date.parse(statement?.getAttribute(name) ?? '') / 1000;
      return { signedInAt: seconds('AuthnInstant'), sessionEndsAt: seconds('SessionNotOnOrAfter') };
    };
    const carol = signedIn('carol@example.com', 3 * 3600);
    const admin = signedIn('admin@example.com', 600);

    await store.db.deleteFrom('webex_session_tickets').execute();
    expect((await launchWebex(carol, launch, 'authn-1')).ok).toBe(true);
    expect(lastAuthn()).toEqual({ signedInAt: carol.signedInAt, sessionEndsAt: carol.sessionEndsAt });

    await store.db.deleteFrom('webex_session_tickets').execute();
    expect(await testMapping(launch, admin, 'carol@example.com', 'the IT desk')).toMatchObject({ outcome: 'OK' });
    expect(lastAuthn()).toEqual({ signedInAt: admin.signedInAt, sessionEndsAt: admin.sessionEndsAt });

    await store.db.deleteFrom('webex_session_tickets').execute();
    expect(await checkConnection(launch, carol, 'the IT desk')).toMatchObject({ ok: true });
    expect(lastAuthn()).toEqual({ signedInAt: carol.signedInAt, sessionEndsAt: carol.sessionEndsAt });
  });
});

describe('password mode with WEBEX_PASSWORD_TO_SESSION_TICKET', () => {
  it('converts the password once, then launches on the cached session ticket', async () => {
    await upsertMapping(store.db, {
      email: 'dave@example.com',
      webexId: 'dave@example.com',
      sealedCredential: await sealCredential({ kind: 'password', password: 'Dave-WebEx-1' }, KEYS),
    });
    const { launch } = depsFor({ mode: 'password', toSessionTicket: true });
    const before = sim.stats().sessionTicketsIssued;
    expect((await launchWebex(signedIn('dave@example.com'), launch, 'p1')).ok).toBe(true);
    expect((await launchWebex(signedIn('dave@example.com'), launch, 'p2')).ok).toBe(true);
    expect(sim.stats().sessionTicketsIssued - before).toBe(1);
  });
});

describe('oauth mode', () => {
  it('not connected → WEBEX_NOT_CONNECTED; connect; join; an expired access token is refreshed; a revoked grant asks to reconnect; reconnect works', async () => {
    await upsertMapping(store.db, { email: 'alice@example.com', webexId: 'alice', sealedCredential: null });
    const { launch, connect } = depsFor(oauthConfig('access-token'), { kind: 'none' });
    if (!connect) throw new Error('oauth deps');
    expect(await launchWebex(signedIn('alice@example.com'), launch, 'o1')).toMatchObject({ ok: false, code: 'WEBEX_NOT_CONNECTED' });

    const connected = await connectAs(connect, 'alice@example.com', 'alice', 'alice', 'Alice-WebEx-1');
    expect(connected).toEqual({ ok: true, webexId: 'alice' });
    expect(await launchWebex(signedIn('alice@example.com'), launch, 'o2')).toMatchObject({ ok: true });

    const refreshes = sim.stats().refreshTokenGrants;
    sim.inject({ fault: { kind: 'access-token-expired' }, webExID: 'alice', times: 1 });
    expect(await launchWebex(signedIn('alice@example.com'), launch, 'o3')).toMatchObject({ ok: true });
    expect(sim.stats().refreshTokenGrants - refreshes).toBe(1);

    sim.inject({ fault: { kind: 'access-token-expired' }, webExID: 'alice', times: 1 });
    sim.inject({ fault: { kind: 'refresh-revoked' }, webExID: 'alice', times: 1 });
    expect(await launchWebex(signedIn('alice@example.com'), launch, 'o4')).toMatchObject({ ok: false, code: 'WEBEX_RECONNECT_NEEDED' });
    expect((await auditOf('alice@example.com')).map((a) => `${a.action}:${a.outcome}`)).toContain('oauth.refresh:WEBEX_RECONNECT_NEEDED');

    expect((await connectAs(connect, 'alice@example.com', 'alice', 'alice', 'Alice-WebEx-1')).ok).toBe(true);
    expect(await launchWebex(signedIn('alice@example.com'), launch, 'o5')).toMatchObject({ ok: true });
  });

  it('refuses to keep tokens of another WebEx account than the one linked', async () => {
    const { connect, tokens } = depsFor(oauthConfig('access-token'));
    if (!connect || !tokens) throw new Error('oauth deps');
    const result = await connectAs(connect, 'dave@example.com', 'dave@example.com', 'alice', 'Alice-WebEx-1');
    expect(result).toMatchObject({ ok: false, code: 'CONNECT_WRONG_ACCOUNT' });
    expect(await tokens.status('dave@example.com')).toBeUndefined();
  });

  it('refuses a callback whose state belongs to another session or user', async () => {
    const { connect } = depsFor(oauthConfig('access-token'));
    if (!connect) throw new Error('oauth deps');
    const started = await startConnect(connect, 'alice@example.com');
    const callback = await authorizeAtWebex(started.location, 'alice', 'Alice-WebEx-1');
    expect(await finishConnect(connect, { email: 'mallory@example.com', webexId: 'alice' }, callback, started.cookie)).toMatchObject({
      ok: false,
      code: 'CONNECT_EXPIRED',
    });
    const other = await startConnect(connect, 'alice@example.com');
    expect(await finishConnect(connect, { email: 'alice@example.com', webexId: 'alice' }, callback, other.cookie)).toMatchObject({
      ok: false,
      code: 'WEBEX_NOT_CONNECTED',
    });
  });

  it('session-ticket token use: the access token is exchanged through AuthenticateUser', async () => {
    const { launch, connect } = depsFor(oauthConfig('session-ticket'), { kind: 'email', lowercase: true });
    if (!connect) throw new Error('oauth deps');
    expect((await connectAs(connect, 'dave@example.com', 'dave@example.com', 'dave@example.com', 'Dave-WebEx-1')).ok).toBe(true);
    await store.db.deleteFrom('webex_session_tickets').execute();
    const before = sim.stats().sessionTicketsIssued;
    expect(await launchWebex(signedIn('dave@example.com'), launch, 's1')).toMatchObject({ ok: true });
    expect(sim.stats().sessionTicketsIssued - before).toBe(1);
  });

  it('disconnect revokes at WebEx and is audited', async () => {
    const { launch, connect } = depsFor(oauthConfig('access-token'), { kind: 'none' });
    if (!connect) throw new Error('oauth deps');
    expect(await disconnect(connect, 'alice@example.com', 'alice@example.com')).toBe(true);
    expect(await launchWebex(signedIn('alice@example.com'), launch, 'd1')).toMatchObject({ ok: false, code: 'WEBEX_NOT_CONNECTED' });
    expect((await auditOf('alice@example.com')).at(-2)).toMatchObject({ action: 'oauth.disconnect', outcome: 'OK' });
  });
  it('the mapping test and connection check say "not connected" until the host connects, then work on the access token', async () => {
    const { launch, connect } = depsFor(oauthConfig('access-token'), { kind: 'none' });
    if (!connect) throw new Error('oauth deps');
    await disconnect(connect, 'alice@example.com', 'alice@example.com');
    expect(await testMapping(launch, signedIn('admin@example.com'), 'alice@example.com', 'the IT desk')).toMatchObject({
      outcome: 'WEBEX_NOT_CONNECTED',
      webexId: 'alice',
    });
    expect(await checkConnection(launch, signedIn('alice@example.com'), 'the IT desk')).toMatchObject({
      ok: false,
      code: 'WEBEX_NOT_CONNECTED',
      checkedAs: 'alice',
    });
    expect((await connectAs(connect, 'alice@example.com', 'alice', 'alice', 'Alice-WebEx-1')).ok).toBe(true);
    expect(await testMapping(launch, signedIn('admin@example.com'), 'alice@example.com', 'the IT desk')).toMatchObject({
      outcome: 'OK',
      credential: 'access-token',
      webexUser: { webExId: 'alice' },
    });
    expect(await checkConnection(launch, signedIn('alice@example.com'), 'the IT desk')).toMatchObject({ ok: true, checkedAs: 'alice' });
  });
});

// issue 16 finding 2: the cache was read by WebEx ID before any check of the credential its ticket came from
describe('oauth mode on two sites', () => {
  const EU = { key: 'acme-eu', siteName: 'acme-eu' };

  it('a connection made on one site is kept for that site only: it launches there, not on the other, and Disconnect ends it there alone', async () => {
    const acme = depsFor(oauthConfig('access-token'), { kind: 'none' });
    const eu = depsFor(oauthConfig('access-token'), { kind: 'none' }, EU);
    if (!acme.connect || !eu.connect || !acme.tokens || !eu.tokens) throw new Error('oauth deps');
    await upsertMapping(store.db, { email: 'alice@example.com', webexId: 'alice' });
    await upsertMapping(store.db, { email: 'alice@example.com', site: 'acme-eu', webexId: 'alice.eu' });
    await disconnect(acme.connect, 'alice@example.com', 'alice@example.com');

    // alice signs in at the organisation's OAuth server as herself; the EU site takes the token for her EU host
    expect(await connectAs(eu.connect, 'alice@example.com', 'alice.eu', 'alice', 'Alice-WebEx-1')).toEqual({ ok: true, webexId: 'alice.eu' });
    expect(await eu.tokens.status('alice@example.com')).toMatchObject({ state: 'connected', webexId: 'alice.eu' });
    expect(await acme.tokens.status('alice@example.com')).toBeUndefined();
    const onEu = await launchWebex(signedIn('alice@example.com'), eu.launch, 'eu-1');
    expect(onEu).toMatchObject({ ok: true, webexId: 'alice.eu' });
    if (onEu.ok) expect(new URL(onEu.location).pathname).toBe('/acme-eu/p.php');
    expect(await launchWebex(signedIn('alice@example.com'), acme.launch, 'acme-1')).toMatchObject({ ok: false, code: 'WEBEX_NOT_CONNECTED' });
    expect((await auditOf('alice@example.com')).find((e) => e.action === 'oauth.connect' && e.target === 'alice.eu')).toMatchObject({
      outcome: 'OK',
      detail: JSON.stringify({ site: 'acme-eu' }),
    });

    expect((await connectAs(acme.connect, 'alice@example.com', 'alice', 'alice', 'Alice-WebEx-1')).ok).toBe(true);
    expect(await disconnect(eu.connect, 'alice@example.com', 'alice@example.com')).toBe(true);
    expect(await eu.tokens.status('alice@example.com')).toBeUndefined();
    expect(await acme.tokens.status('alice@example.com')).toMatchObject({ state: 'connected', webexId: 'alice' });
    expect(await launchWebex(signedIn('alice@example.com'), acme.launch, 'acme-2')).toMatchObject({ ok: true, webexId: 'alice' });
  });

  it('a connection started for one site does not finish on another, and says which site it is for', async () => {
    const acme = depsFor(oauthConfig('access-token'), { kind: 'none' });
    const eu = depsFor(oauthConfig('access-token'), { kind: 'none' }, EU);
    if (!acme.connect || !eu.connect || !eu.tokens) throw new Error('oauth deps');
    const started = await startConnect(acme.connect, 'alice@example.com');
    expect(await connectSiteOf(started.cookie, KEYS)).toBe('');
    expect(await connectSiteOf((await startConnect(eu.connect, 'alice@example.com')).cookie, KEYS)).toBe('acme-eu');
    expect(await connectSiteOf('not a sealed state', KEYS)).toBeUndefined();
    const callback = await authorizeAtWebex(started.location, 'alice', 'Alice-WebEx-1');
    expect(await finishConnect(eu.connect, { email: 'alice@example.com', webexId: 'alice.eu' }, callback, started.cookie)).toMatchObject({
      ok: false,
      code: 'CONNECT_EXPIRED',
    });
    expect(await eu.tokens.status('alice@example.com')).toBeUndefined();
  });
});

describe('a session ticket is bound to the credential it came from', () => {
  const admin = (): AdminContext => ({ db: store.db, secretKeys: KEYS, actor: 'admin@example.com', sites: ONE_SITE });
  const ticketsOf = (email: string) => store.db.selectFrom('webex_session_tickets').select('email').where('email', '=', email).execute();
  const lastCredential = async (email: string) => JSON.parse((await auditOf(email)).at(-1)?.detail ?? '{}').credential as string | undefined;
  const mappingOf = async (email: string) => {
    const mapping = await findMappingByEmail(store.db, email);
    if (!mapping) throw new Error(`no mapping for ${email}`);
    return mapping;
  };
  /** oauth session-ticket mode, dave connected and launched once: his ticket is cached. */
  async function daveLaunchedOnTicket(requestId: string) {
    const { launch, connect } = depsFor(oauthConfig('session-ticket'), { kind: 'email', lowercase: true });
    if (!connect) throw new Error('oauth deps');
    expect((await connectAs(connect, 'dave@example.com', 'dave@example.com', 'dave@example.com', 'Dave-WebEx-1')).ok).toBe(true);
    expect(await launchWebex(signedIn('dave@example.com'), launch, requestId)).toMatchObject({ ok: true });
    return { launch, connect };
  }

  it("oauth session-ticket mode: the employee's Disconnect ends it at once, the next launch is WEBEX_NOT_CONNECTED", async () => {
    const { launch, connect } = await daveLaunchedOnTicket('b1');
    expect(await launchWebex(signedIn('dave@example.com'), launch, 'b2')).toMatchObject({ ok: true });
    expect(await lastCredential('dave@example.com')).toBe('cached-session-ticket');
    expect(await disconnect(connect, 'dave@example.com', 'dave@example.com')).toBe(true);
    expect(await ticketsOf('dave@example.com')).toEqual([]);
    expect(await launchWebex(signedIn('dave@example.com'), launch, 'b3')).toMatchObject({ ok: false, code: 'WEBEX_NOT_CONNECTED' });
  });

  it("oauth session-ticket mode: an admin's Revoke likewise", async () => {
    const { launch, connect } = await daveLaunchedOnTicket('b4');
    expect(await disconnect(connect, 'dave@example.com', 'admin@example.com')).toBe(true);
    expect(await launchWebex(signedIn('dave@example.com'), launch, 'b5')).toMatchObject({ ok: false, code: 'WEBEX_NOT_CONNECTED' });
  });

  it('oauth session-ticket mode: a connection that must be renewed is checked before the cached ticket', async () => {
    const { launch } = await daveLaunchedOnTicket('b6');
    // a refresh refused elsewhere (another instance) marked the grant dead
    await store.db.updateTable('webex_oauth_tokens').set({ status: 'reconnect', sealed: null }).where('email', '=', 'dave@example.com').execute();
    expect(await launchWebex(signedIn('dave@example.com'), launch, 'b7')).toMatchObject({ ok: false, code: 'WEBEX_RECONNECT_NEEDED' });
  });

  it('oauth session-ticket mode: a second portal user mapped to the same WebEx ID, never connected, is not connected', async () => {
    const { launch } = await daveLaunchedOnTicket('b8');
    await upsertMapping(store.db, { email: 'dave.deputy@example.com', webexId: 'dave@example.com', sealedCredential: null });
    expect(await launchWebex(signedIn('dave.deputy@example.com'), launch, 'b9')).toMatchObject({ ok: false, code: 'WEBEX_NOT_CONNECTED' });
  });

  it('password→ticket: a second portal user on the same WebEx ID without a password of their own gets CREDENTIAL_MISSING; with one, a ticket of their own', async () => {
    const { launch } = depsFor({ mode: 'password', toSessionTicket: true });
    await upsertMapping(store.db, {
      email: 'dave@example.com',
      webexId: 'dave@example.com',
      sealedCredential: await sealCredential({ kind: 'password', password: 'Dave-WebEx-1' }, KEYS),
    });
    expect(await launchWebex(signedIn('dave@example.com'), launch, 'p3')).toMatchObject({ ok: true });
    expect(await launchWebex(signedIn('dave.deputy@example.com'), launch, 'p4')).toMatchObject({ ok: false, code: 'CREDENTIAL_MISSING' });
    await upsertMapping(store.db, {
      email: 'dave.deputy@example.com',
      webexId: 'dave@example.com',
      sealedCredential: await sealCredential({ kind: 'password', password: 'Dave-WebEx-1' }, KEYS),
    });
    expect(await launchWebex(signedIn('dave.deputy@example.com'), launch, 'p5')).toMatchObject({ ok: true });
    expect(await lastCredential('dave.deputy@example.com')).toBe('new-session-ticket');
  });

  it("password→ticket: a password change drops the host's ticket at once; the next launch converts the new password", async () => {
    const { launch } = depsFor({ mode: 'password', toSessionTicket: true });
    expect(await launchWebex(signedIn('dave@example.com'), launch, 'p6')).toMatchObject({ ok: true });
    expect(await lastCredential('dave@example.com')).toBe('cached-session-ticket');
    const dave = await mappingOf('dave@example.com');
    const saved = await saveMapping(
      admin(),
      { email: dave.email, webexId: dave.webexId, credential: 'replace', password: 'Dave-WebEx-1', version: String(dave.version) },
      dave.id,
    );
    expect(saved.ok).toBe(true);
    expect(await ticketsOf('dave@example.com')).toEqual([]);
    expect(await launchWebex(signedIn('dave@example.com'), launch, 'p7')).toMatchObject({ ok: true });
    expect(await lastCredential('dave@example.com')).toBe('new-session-ticket');
  });

  it("saml: a second portal user on the same WebEx ID gets a ticket of their own, and a WebEx ID change drops the host's ticket at once", async () => {
    const { launch } = depsFor(samlConfig('webex-id'));
    await upsertMapping(store.db, { email: 'carol.deputy@example.com', webexId: 'carol@example.com', sealedCredential: null });
    expect(await launchWebex(signedIn('carol@example.com'), launch, 'm1')).toMatchObject({ ok: true });
    const before = sim.stats().sessionTicketsIssued;
    expect(await launchWebex(signedIn('carol.deputy@example.com'), launch, 'm2')).toMatchObject({ ok: true, webexId: 'carol@example.com' });
    expect(await lastCredential('carol.deputy@example.com')).toBe('new-session-ticket');
    expect(sim.stats().sessionTicketsIssued - before).toBe(1);

    const deputy = await mappingOf('carol.deputy@example.com');
    expect((await saveMapping(admin(), { email: deputy.email, webexId: 'alice', version: String(deputy.version) }, deputy.id)).ok).toBe(true);
    expect(await ticketsOf('carol.deputy@example.com')).toEqual([]);
    expect(await launchWebex(signedIn('carol.deputy@example.com'), launch, 'm3')).toMatchObject({ ok: true, webexId: 'alice' });
    expect(await lastCredential('carol.deputy@example.com')).toBe('new-session-ticket');
  });

  it("saml: a ticket made for an admin's mapping test is not the one the host's launch uses", async () => {
    const { launch } = depsFor(samlConfig());
    await store.db.deleteFrom('webex_session_tickets').execute();
    expect(await testMapping(launch, signedIn('admin@example.com'), 'carol@example.com', 'the IT desk')).toMatchObject({
      outcome: 'OK',
      credential: 'new-session-ticket',
    });
    expect(await launchWebex(signedIn('carol@example.com'), launch, 'm4')).toMatchObject({ ok: true });
    expect(await lastCredential('carol@example.com')).toBe('new-session-ticket');
  });
});

describe('no host secret in the clear', () => {
  it('the database holds none of the tickets, tokens or codes WebEx handed out, and no password of these modes', async () => {
    const secrets = sim.secrets();
    const everything = [...secrets.sessionTickets, ...secrets.accessTokens, ...secrets.refreshTokens, ...secrets.authorizationCodes, ...secrets.loginTickets];
    expect(everything.length).toBeGreaterThan(10);
    const dump = JSON.stringify(
      await Promise.all(
        ['mappings', 'audit_events', 'webex_session_tickets', 'webex_oauth_tokens'].map((t) =>
          store.db
            .selectFrom(t as 'mappings')
            .selectAll()
            .execute(),
        ),
      ),
    );
    for (const secret of everything) expect(dump).not.toContain(secret);
    expect(dump).not.toContain('Alice-WebEx-1');
  });
});
