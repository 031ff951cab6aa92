/**
 * The launch use case against the WebEx simulator over real HTTP, on a real SQLite file:
 * the happy path, the single-use ticket, and every injected fault.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type SimFault, type WebexSimulator } from '../../e2e/servers/webex-sim';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { launchWebex, type LaunchDeps } from './launch';
import { captureLog } from '../testing/log-capture';
import { upsertMapping } from '../mappings';
import { createHostCredentials } from '../credentials';
import { signedIn } from '../testing/portal-sign-in';
import { createWebexClient, parseMeetingNumber, type MeetingNumber } from '../webex';
import { sealCredential } from '../secrets';

const KEYS: Record<string, string> = { '1': 'integration-test-key-0123456789abcdef' };
const BACK_URL = 'http://localhost:3000/webex/return';

let sim: WebexSimulator;
let store: TempDatabase;
let deps: LaunchDeps;

async function link(email: string, webexId: string, password?: string, keys = KEYS) {
  await upsertMapping(store.db, {
    email,
    webexId,
    sealedCredential: password === undefined ? null : await sealCredential({ kind: 'password', password }, keys),
  });
}

function depsFor(baseUrl: string, timeoutMs = 500): LaunchDeps {
  const webex = createWebexClient({ baseUrl, timeoutMs, maxResponseBytes: 65_536 });
  return {
    db: store.db,
    webex,
    credentials: createHostCredentials({ config: { mode: 'password', toSessionTicket: false }, siteName: 'acme', webex, keys: KEYS, db: store.db }),
    site: { siteName: 'acme', baseUrl, landingUrl: `${baseUrl}/webappng/sites/acme/dashboard` },
    rule: { kind: 'none' },
    backUrl: BACK_URL,
  };
}

/** Follows the simulator's p.php answer (HTTP 200 + script location.href, as WebEx does). */
async function openLoginUrl(url: string, cookie = ''): Promise<{ target: string; cookie: string }> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const html = await res.text();
  const match = /location\.href=("(?:[^"\\]|\\.)*")/.exec(html);
  if (!match?.[1]) throw new Error(`no script redirect in p.php answer: ${html.slice(0, 200)}`);
  return { target: JSON.parse(match[1]) as string, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? cookie };
}

beforeAll(async () => {
  sim = await startWebexSimulator({
    port: 0,
    siteName: 'acme',
    users: [
      { webExID: 'alice', password: 'Alice-WebEx-1' },
      { webExID: 'bob', password: 'Bob-WebEx-1' },
    ],
    meetings: [{ number: '123456789', hostWebExID: 'alice', topic: 'Stand-up' }],
    // every ticket carries the characters a URL can mangle
    generateTicket: () => `t+${Math.random().toString(36).slice(2)}/x==`,
  });
  store = await openTempDatabase('launch');
  deps = depsFor(sim.url);
  await link('alice@example.com', 'alice', 'Alice-WebEx-1');
  await link('wrong.password@example.com', 'bob', 'not-bobs-password');
  await link('unknown.at.webex@example.com', 'nobody-at-webex', 'whatever');
  await link('no.credential@example.com', 'bob');
  await link('old.key@example.com', 'bob', 'Bob-WebEx-1', { '7': 'a-key-no-longer-configured-0123456789' });
});

afterEach(() => sim.clearFaults());

afterAll(async () => {
  await store.remove();
  await sim.close();
});

function launch(email: string, d = deps) {
  return launchWebex(signedIn(email), d, `req-${randomUUID()}`);
}

describe('launchWebex against the simulator', () => {
  it('gets a ticket and builds a p.php URL that signs the host in once', async () => {
    const result = await launch('Alice@Example.com');
    expect(result).toMatchObject({ ok: true, webexId: 'alice' });
    if (!result.ok) return;
    const url = new URL(result.location);
    expect(url.searchParams.get('TK')).toMatch(/^t\+.*\/x==$/);
    expect(url.searchParams.get('BU')).toBe(BACK_URL);

    const first = await openLoginUrl(result.location);
    expect(first.target).toBe(`${sim.url}/webappng/sites/acme/dashboard`);
    const landing = await fetch(first.target, { headers: { cookie: first.cookie } });
    expect(await landing.text()).toContain('Signed in to WebEx as alice');

    const replay = await openLoginUrl(result.location);
    const back = new URL(replay.target);
    expect(back.origin + back.pathname).toBe(BACK_URL);
    expect(back.searchParams.get('ST')).toBe('FAIL');
    expect(back.searchParams.get('RS')).toBe('InvalidTicket');
  });

  it("a meeting target: MU is the site's m.php, the host lands in the meeting, and the audit names it", async () => {
    const meeting = parseMeetingNumber('123456789') as MeetingNumber;
    const requestId = `req-${randomUUID()}`;
    const result = await launchWebex(signedIn('alice@example.com'), deps, requestId, { kind: 'meeting', number: meeting, role: 'host' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const mu = new URL(new URL(result.location).searchParams.get('MU') ?? '');
    expect(mu.origin + mu.pathname).toBe(`${sim.url}/acme/m.php`);
    expect(mu.searchParams.get('AT')).toBe('HM');
    expect(mu.searchParams.get('BU')).toBe(`${BACK_URL}?meeting=123456789`);

    const login = await openLoginUrl(result.location);
    const landing = await fetch(login.target, { headers: { cookie: login.cookie } });
    expect(await landing.text()).toContain('Hosting WebEx meeting 123456789 as alice');
    const row = await store.db.selectFrom('audit_events').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'launch', target: 'alice', outcome: 'OK' });
    expect(JSON.parse(row.detail ?? '{}')).toMatchObject({ meeting: '123456789', role: 'host' });
  });

  it.each([
    ['nobody@example.com', 'MAPPING_MISSING'],
    ['no.credential@example.com', 'CREDENTIAL_MISSING'],
    ['old.key@example.com', 'CREDENTIAL_UNREADABLE'],
    ['wrong.password@example.com', 'WEBEX_BAD_CREDENTIALS'],
    // WebEx answers an unknown ID as a wrong password (030002, BadWebIDorPassword: docs/webex.md §5.3, docs/webex.md §7.6)
    ['unknown.at.webex@example.com', 'WEBEX_BAD_CREDENTIALS'],
  ])('%s → %s', async (email, code) => {
    expect(await launch(email)).toMatchObject({ ok: false, code });
  });

  const faults: [string, SimFault, string][] = [
    ['latency above the timeout', { kind: 'latency', ms: 1_500 }, 'WEBEX_TIMEOUT'],
    ['a hang', { kind: 'hang' }, 'WEBEX_TIMEOUT'],
    ['a connection dropped after the request', { kind: 'reset' }, 'WEBEX_UNREACHABLE'],
    ['HTTP 500', { kind: 'http-status', status: 500 }, 'WEBEX_HTTP_ERROR'],
    ['HTTP 404', { kind: 'http-status', status: 404 }, 'WEBEX_HTTP_ERROR'],
    ['malformed XML', { kind: 'malformed-xml' }, 'WEBEX_MALFORMED_RESPONSE'],
    ['a DTD whose entity would be the ticket', { kind: 'entity-ticket' }, 'WEBEX_UNSAFE_RESPONSE'],
    ['an HTML error page', { kind: 'html' }, 'WEBEX_NOT_XML'],
    ['FAILURE 000001', { kind: 'failure', exceptionID: '000001' }, 'WEBEX_ACCESS_DENIED'],
    ['FAILURE 030002', { kind: 'failure', exceptionID: '030002' }, 'WEBEX_BAD_CREDENTIALS'],
    ['FAILURE with an unknown ID', { kind: 'failure', exceptionID: '424242' }, 'WEBEX_REFUSED'],
    ['an empty ticket', { kind: 'empty-ticket' }, 'WEBEX_EMPTY_TICKET'],
  ];
  it.each(faults)('%s → %s, then the next launch works', async (_name, fault, code) => {
    sim.inject({ fault, times: 1 });
    expect(await launch('alice@example.com')).toMatchObject({ ok: false, code, webexId: 'alice' });
    expect(await launch('alice@example.com')).toMatchObject({ ok: true });
  });

  it('latency below the timeout and gsbStatus BACKUP still succeed', async () => {
    sim.inject({ fault: { kind: 'latency', ms: 100 }, times: 1 });
    expect(await launch('alice@example.com')).toMatchObject({ ok: true });
    sim.inject({ fault: { kind: 'backup' }, times: 1 });
    expect(await launch('alice@example.com')).toMatchObject({ ok: true });
  });

  it('a refused connection → WEBEX_UNREACHABLE', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    expect(await launch('alice@example.com', depsFor(`http://127.0.0.1:${closedPort}`))).toMatchObject({ ok: false, code: 'WEBEX_UNREACHABLE' });
  });

  it('logs each launch by code, never the ticket, the login URL or the password, at any level', async () => {
    let location = '';
    const lines = await captureLog(async () => {
      const result = await launch('alice@example.com');
      if (!result.ok) throw new Error('expected a login URL');
      location = result.location;
      sim.inject({ fault: { kind: 'failure', exceptionID: '030002' }, times: 1 });
      expect(await launch('alice@example.com')).toMatchObject({ ok: false });
    });
    expect(lines).toContain('"outcome":"OK"');
    expect(lines).toContain('"outcome":"WEBEX_BAD_CREDENTIALS"');
    expect(lines).not.toContain(new URL(location).searchParams.get('TK'));
    expect(lines).not.toContain(encodeURIComponent(new URL(location).searchParams.get('TK') ?? ''));
    expect(lines).not.toContain('p.php');
    expect(lines).not.toContain('Alice-WebEx-1');
  });

  it('a launch that cannot be audited hands out nothing: it fails instead of returning the login URL', async () => {
    // the database refusing the write, as a full disk or a lock held past busy_timeout would
    await sql`create trigger audit_refused before insert on audit_events begin select raise(abort, 'disk I/O error'); end`.execute(store.db);
    try {
      await expect(launchWebex(signedIn('alice@example.com'), deps, `unaudited-${randomUUID()}`)).rejects.toThrow(/disk I\/O error/);
    } finally {
      await sql`drop trigger audit_refused`.execute(store.db);
    }
    expect(await launchWebex(signedIn('alice@example.com'), deps, `audited-${randomUUID()}`)).toMatchObject({ ok: true });
  });

  it('audits each launch once, with its own outcome and duration, and never the ticket', async () => {
    // Its own launches, found by request id: the count per outcome does not depend on other tests.
    const cases: [email: string, fault: SimFault | undefined, outcome: string][] = [
      ['alice@example.com', undefined, 'OK'],
      ['nobody@example.com', undefined, 'MAPPING_MISSING'],
      ['alice@example.com', { kind: 'html' }, 'WEBEX_NOT_XML'],
      ['alice@example.com', { kind: 'hang' }, 'WEBEX_TIMEOUT'],
      ['wrong.password@example.com', undefined, 'WEBEX_BAD_CREDENTIALS'],
      ['alice@example.com', undefined, 'OK'],
    ];
    const requestIds: string[] = [];
    const tickets: string[] = [];
    for (const [email, fault, outcome] of cases) {
      if (fault) sim.inject({ fault, times: 1 });
      const requestId = `audit-${randomUUID()}`;
      requestIds.push(requestId);
      const result = await launchWebex(signedIn(email), deps, requestId);
      expect(result.ok ? 'OK' : result.code).toBe(outcome);
      if (result.ok) tickets.push(new URL(result.location).searchParams.get('TK') ?? '');
    }

    const rows = await store.db.selectFrom('audit_events').selectAll().where('request_id', 'in', requestIds).execute();
    const byRequest = new Map(rows.map((r) => [r.request_id, r]));
    expect(rows).toHaveLength(cases.length);
    cases.forEach(([email, , outcome], i) => {
      const row = byRequest.get(requestIds[i] ?? '');
      expect(row).toMatchObject({ action: 'launch', actor: email, outcome });
      expect(typeof row?.duration_ms).toBe('number');
    });
    const everything = JSON.stringify(rows);
    expect(tickets).toHaveLength(2);
    for (const ticket of tickets) expect(everything).not.toContain(ticket);
    expect(everything).not.toContain('Alice-WebEx-1');
    expect(everything).not.toContain('not-bobs-password');
  });
});
