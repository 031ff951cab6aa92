/**
 * The admin's mapping test and connection check against the WebEx simulator over real HTTP,
 * on a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type WebexSimulator } from '../../e2e/servers/webex-sim';
import { checkConnection, testMapping } from './checks';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { type MappingRule, upsertMapping } from '../mappings';
import { describeLaunchFailure } from './problems';
import { createHostCredentials } from '../credentials';
import { signedIn } from '../testing/portal-sign-in';
import { createWebexClient } from '../webex';
import { sealCredential } from '../secrets';

const KEYS: Record<string, string> = { '1': 'checks-test-key-0123456789abcdef0123' };
const ADMIN = 'admin@example.com';
const SUPPORT = 'the IT service desk';
const TICKET_PREFIX = 'never-shown-ticket-';

let sim: WebexSimulator;
let ssoSim: WebexSimulator;
let store: TempDatabase;

async function link(email: string, webexId: string, password?: string) {
  await upsertMapping(store.db, {
    email,
    webexId,
    sealedCredential: password === undefined ? null : await sealCredential({ kind: 'password', password }, KEYS),
  });
}

function depsFor(target: WebexSimulator, rule: MappingRule = { kind: 'none' }) {
  const webex = createWebexClient({ baseUrl: target.url, timeoutMs: 2_000, maxResponseBytes: 65_536 });
  return {
    db: store.db,
    webex,
    credentials: createHostCredentials({ config: { mode: 'password', toSessionTicket: false }, siteName: target.siteName, webex, keys: KEYS, db: store.db }),
    site: { siteName: target.siteName, baseUrl: target.url, landingUrl: `${target.url}/webappng/sites/${target.siteName}/dashboard` },
    rule,
  };
}

async function lastAudit(action: string) {
  const row = await store.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('id', 'desc').executeTakeFirstOrThrow();
  return { ...row, detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>) };
}

beforeAll(async () => {
  const users = [
    { webExID: 'alice', password: 'Alice-WebEx-1' },
    { webExID: 'bob', password: 'Bob-WebEx-1' },
  ];
  const generateTicket = () => `${TICKET_PREFIX}${Math.random().toString(36).slice(2)}`;
  [sim, ssoSim] = await Promise.all([
    startWebexSimulator({ port: 0, siteName: 'acme', users, generateTicket }),
    startWebexSimulator({ port: 0, siteName: 'acme', users, generateTicket, autoLogin: false, enableSSO: true }),
  ]);
  store = await openTempDatabase('checks');
  await link('alice@example.com', 'alice', 'Alice-WebEx-1');
  await link('wrong.password@example.com', 'bob', 'not-bobs-password');
  await link('no.credential@example.com', 'bob');
  await link(ADMIN, 'alice', 'Alice-WebEx-1');
});

afterAll(async () => {
  await store.remove();
  await Promise.all([sim.close(), ssoSim.close()]);
});

describe('testMapping', () => {
  it('is OK for a linked user with the right password, and never asks for a login ticket', async () => {
    const before = sim.stats();
    const result = await testMapping(depsFor(sim), signedIn(ADMIN), 'Alice@Example.com', SUPPORT);
    expect(result).toEqual({
      email: 'Alice@Example.com',
      source: 'mapping',
      webexId: 'alice',
      outcome: 'OK',
      credential: 'password',
      webexUser: { webExId: 'alice', email: undefined, firstName: undefined, lastName: undefined, active: 'ACTIVATED' },
      meaning: 'WebEx accepted the credential for this host: this user can join.',
    });
    expect(sim.stats().xmlRequests).toBe(before.xmlRequests + 1);
    // the host's current ticket is not handed out (and so not shared with the host's next Join)
    expect(sim.stats().ticketsIssued).toBe(before.ticketsIssued);
    expect(JSON.stringify(result)).not.toContain(TICKET_PREFIX);
    const audit = await lastAudit('mapping.test');
    expect(audit).toMatchObject({ actor: ADMIN, target: 'Alice@Example.com', outcome: 'OK', detail: { source: 'mapping', webexId: 'alice' } });
    expect(audit.duration_ms).toEqual(expect.any(Number));
    expect(JSON.stringify(audit)).not.toContain(TICKET_PREFIX);
    expect(JSON.stringify(audit)).not.toContain('Alice-WebEx-1');
  });

  it('reports WEBEX_BAD_CREDENTIALS with exceptionID 030002 for a wrong password', async () => {
    const result = await testMapping(depsFor(sim), signedIn(ADMIN), 'wrong.password@example.com', SUPPORT);
    expect(result).toEqual({
      email: 'wrong.password@example.com',
      source: 'mapping',
      webexId: 'bob',
      outcome: 'WEBEX_BAD_CREDENTIALS',
      exceptionID: '030002',
      meaning: describeLaunchFailure('WEBEX_BAD_CREDENTIALS', SUPPORT).what,
    });
    expect(await lastAudit('mapping.test')).toMatchObject({
      target: 'wrong.password@example.com',
      outcome: 'WEBEX_BAD_CREDENTIALS',
      detail: { source: 'mapping', webexId: 'bob', exceptionID: '030002' },
    });
    expect(JSON.stringify(await lastAudit('mapping.test'))).not.toContain('not-bobs-password');
  });

  it('reports MAPPING_MISSING for an unknown e-mail without asking WebEx', async () => {
    const before = sim.stats().xmlRequests;
    const result = await testMapping(depsFor(sim), signedIn(ADMIN), 'nobody@example.com', SUPPORT);
    expect(result).toMatchObject({ email: 'nobody@example.com', source: null, webexId: null, outcome: 'MAPPING_MISSING' });
    expect(sim.stats().xmlRequests).toBe(before);
    expect(await lastAudit('mapping.test')).toMatchObject({
      actor: ADMIN,
      target: 'nobody@example.com',
      outcome: 'MAPPING_MISSING',
      detail: { source: null, webexId: null },
    });
  });

  it('reports source "rule" when only the rule applies, then CREDENTIAL_MISSING (rules carry no credential)', async () => {
    const result = await testMapping(depsFor(sim, { kind: 'email-local-part', lowercase: true }), signedIn(ADMIN), 'Bob@example.com', SUPPORT);
    expect(result).toEqual({
      email: 'Bob@example.com',
      source: 'rule',
      webexId: 'bob',
      outcome: 'CREDENTIAL_MISSING',
      meaning: describeLaunchFailure('CREDENTIAL_MISSING', SUPPORT).what,
    });
    expect(await lastAudit('mapping.test')).toMatchObject({
      target: 'Bob@example.com',
      outcome: 'CREDENTIAL_MISSING',
      detail: { source: 'rule', webexId: 'bob' },
    });
  });

  it('prefers the explicit mapping over the rule', async () => {
    const result = await testMapping(depsFor(sim, { kind: 'email-local-part', lowercase: true }), signedIn(ADMIN), 'alice@example.com', SUPPORT);
    expect(result).toMatchObject({ source: 'mapping', webexId: 'alice', outcome: 'OK' });
  });

  it('reports CREDENTIAL_MISSING for a mapping without credential', async () => {
    expect(await testMapping(depsFor(sim), signedIn(ADMIN), 'no.credential@example.com', SUPPORT)).toMatchObject({
      source: 'mapping',
      webexId: 'bob',
      outcome: 'CREDENTIAL_MISSING',
    });
  });
});

describe('checkConnection', () => {
  it.each([
    ['the default site', () => sim, { autoLogin: true, ssoEnabled: false }],
    ['an SSO site without ticket login', () => ssoSim, { autoLogin: false, ssoEnabled: true }],
  ])('reports autoLogin and ssoEnabled from GetSite for %s', async (_name, target, flags) => {
    const result = await checkConnection(depsFor(target()), signedIn(ADMIN), SUPPORT);
    expect(result).toEqual({ ok: true, checkedAs: 'alice', site: expect.objectContaining({ siteName: 'acme', ...flags }) });
    const audit = await lastAudit('webex.check');
    expect(audit).toMatchObject({ actor: ADMIN, target: 'acme', outcome: 'OK', detail: { ...flags, checkedAs: 'alice' } });
    expect(JSON.stringify(audit)).not.toContain('Alice-WebEx-1');
  });

  it('reports MAPPING_MISSING for an admin without a mapping, without asking WebEx', async () => {
    const before = sim.stats().xmlRequests;
    const result = await checkConnection(depsFor(sim), signedIn('unlinked.admin@example.com'), SUPPORT);
    expect(result).toEqual({ ok: false, code: 'MAPPING_MISSING', checkedAs: null, meaning: expect.stringContaining('link your portal account') });
    expect(sim.stats().xmlRequests).toBe(before);
    expect(await lastAudit('webex.check')).toMatchObject({
      actor: 'unlinked.admin@example.com',
      target: 'acme',
      outcome: 'MAPPING_MISSING',
      detail: { checkedAs: null },
    });
  });

  it('explains a missing credential as "link your account" too', async () => {
    const result = await checkConnection(depsFor(sim), signedIn('no.credential@example.com'), SUPPORT);
    expect(result).toMatchObject({ ok: false, code: 'CREDENTIAL_MISSING', checkedAs: 'bob', meaning: expect.stringContaining('link your portal account') });
  });

  it('reports a wrong password with its exceptionID', async () => {
    const result = await checkConnection(depsFor(sim), signedIn('wrong.password@example.com'), SUPPORT);
    expect(result).toMatchObject({
      ok: false,
      code: 'WEBEX_BAD_CREDENTIALS',
      exceptionID: '030002',
      checkedAs: 'bob',
      meaning: describeLaunchFailure('WEBEX_BAD_CREDENTIALS', SUPPORT).what,
    });
    expect(await lastAudit('webex.check')).toMatchObject({ outcome: 'WEBEX_BAD_CREDENTIALS', detail: { exceptionID: '030002', checkedAs: 'bob' } });
  });
});
