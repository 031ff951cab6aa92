/**
 * The REST path end to end over real HTTP: the app's own wiring (config → createAppDeps) against
 * the simulator's Service App and REST API, on a real SQLite file. The links launchWebex returns
 * are opened the way a browser would, and must land in the meeting as the employee.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type SimFault, type WebexSimulator } from '../../e2e/servers/webex-sim';
import { createAppDeps } from '../server';
import { listAuditEvents } from '../audit';
import { loadConfig } from '../config';
import { testEnvironment } from '../testing/config';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { launchWebex, PERSONAL_ROOM, type LaunchDeps, type LaunchTarget } from '../launch';
import { captureLog } from '../testing/log-capture';
import { upsertMapping } from '../mappings';
import { signedIn } from '../testing/portal-sign-in';
import { createHttpTransport, createUpstreamGuard, parseMeetingNumber, type MeetingNumber } from '../webex';

const SERVICE_APP = { clientId: 'webex-sso-service-app', clientSecret: 'service-app-secret-0123456789' };
const ALL_HANDS = parseMeetingNumber('123456789') as MeetingNumber;
const STAND_UP = parseMeetingNumber('26341234567') as MeetingNumber;

let sim: WebexSimulator;
let store: TempDatabase;

function depsFor(env: Record<string, string> = {}): LaunchDeps {
  const config = loadConfig(
    testEnvironment({
      WEBEX_BASE_URL: sim.url,
      WEBEX_TIMEOUT_MS: '1000',
      MAPPING_RULE: 'email',
      WEBEX_LAUNCH_API: 'rest',
      WEBEX_API_BASE_URL: `${sim.url}/v1`,
      WEBEX_SERVICE_APP_CLIENT_ID: SERVICE_APP.clientId,
      WEBEX_SERVICE_APP_CLIENT_SECRET: SERVICE_APP.clientSecret,
      WEBEX_SERVICE_APP_REFRESH_TOKEN: sim.generateServiceAppTokens().refresh_token,
      ...env,
    }),
  );
  return createAppDeps(config, store.db, createHttpTransport()).launch;
}

/** Opens a link as a browser would (no cookies: the link alone must carry who it is for). */
async function open(location: string): Promise<{ status: number; heading: string }> {
  const res = await fetch(location, { redirect: 'manual' });
  const html = await res.text();
  return { status: res.status, heading: /<h1>([^<]*)<\/h1>/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? html.slice(0, 100) };
}

const meeting = (number: MeetingNumber, role: 'join' | 'host'): LaunchTarget => ({ kind: 'meeting', number, role });
const launch = (deps: LaunchDeps, email: string, target: LaunchTarget, name = 'Alice Anders') =>
  launchWebex({ ...signedIn(email), name }, deps, `req-${randomUUID()}`, target);

beforeAll(async () => {
  sim = await startWebexSimulator({
    port: 0,
    siteName: 'acme',
    users: [
      { webExID: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'Anders' },
      { webExID: 'ada.admin', email: 'admin@example.com' },
      { webExID: 'carol@example.com', email: 'carol@example.com' },
    ],
    meetings: [
      { number: ALL_HANDS, hostWebExID: 'ada.admin', topic: 'All hands', inProgress: true },
      { number: STAND_UP, hostWebExID: 'alice', cohostWebExIDs: ['carol@example.com'], topic: 'Stand-up' },
    ],
    serviceApp: SERVICE_APP,
  });
  store = await openTempDatabase('rest');
  // alice is linked by the admin to WebEx ID "alice" (not an e-mail): the Service App acts for her portal e-mail
  await upsertMapping(store.db, { email: 'alice@example.com', webexId: 'alice', sealedCredential: null });
});

afterEach(() => sim.clearFaults());

afterAll(async () => {
  await store.remove();
  await sim.close();
});

describe('the REST path against the simulator', () => {
  it("starts the employee's personal room: the link lands in it as them, once, with no site session", async () => {
    const deps = depsFor();
    const result = await launch(deps, 'alice@example.com', PERSONAL_ROOM);
    expect(result).toMatchObject({ ok: true, via: 'rest', webexId: 'alice' });
    if (!result.ok) return;
    const link = new URL(result.location);
    expect(link.origin).toBe(sim.url);
    expect(link.searchParams.get('integrationJoinToken')).toBeTruthy();
    const landed = await open(result.location);
    expect(landed).toEqual({ status: 200, heading: 'Hosting the personal room of alice as alice' });
    // single-use (the simulator's choice): the same link again is refused
    expect((await open(result.location)).status).toBe(403);
  });

  it("joins a meeting as the employee (email and name from the portal) and starts the employee's own meeting", async () => {
    const deps = depsFor();
    const join = await launch(deps, 'alice@example.com', meeting(ALL_HANDS, 'join'));
    expect(join.ok && (await open(join.location)).heading).toBe(`In WebEx meeting ${ALL_HANDS} as alice`);
    const start = await launch(deps, 'alice@example.com', meeting(STAND_UP, 'host'));
    expect(start.ok && (await open(start.location)).heading).toBe(`Hosting WebEx meeting ${STAND_UP} as alice`);
    // a cohost starts it too (carol: WebEx ID = her e-mail, by the rule)
    const cohost = await launch(deps, 'carol@example.com', meeting(STAND_UP, 'host'), 'Carol Chen');
    expect(cohost.ok && (await open(cohost.location)).heading).toBe(`Hosting WebEx meeting ${STAND_UP} as carol@example.com`);
  });

  it('audits and logs the launch with the API, the host e-mail and the meeting, never the link or a token, at any level', async () => {
    const deps = depsFor();
    const requestId = `req-${randomUUID()}`;
    let result: Awaited<ReturnType<typeof launchWebex>> | undefined;
    const lines = await captureLog(async () => {
      result = await launchWebex({ ...signedIn('alice@example.com'), name: 'Alice' }, deps, requestId, meeting(ALL_HANDS, 'join'));
      sim.inject({ fault: { kind: 'rest-access-token-expired' }, times: 1 });
      expect((await launch(deps, 'alice@example.com', PERSONAL_ROOM)).ok).toBe(true);
    });
    expect(result?.ok).toBe(true);
    expect(lines).toContain('"api":"rest"');
    for (const secret of [...sim.secrets().serviceAppTokens, ...sim.secrets().meetingLinkTokens]) {
      expect(lines).not.toContain(secret);
      expect(lines).not.toContain(encodeURIComponent(secret));
    }
    expect(lines).not.toContain('wbxmjs');
    const { rows } = await listAuditEvents(store.db, { user: 'alice@example.com', action: 'launch', pageSize: 500 });
    expect(rows.find((row) => row.requestId === requestId)).toMatchObject({
      outcome: 'OK',
      requestId,
      detail: { api: 'rest', hostEmail: 'alice@example.com', meeting: ALL_HANDS, role: 'join' },
    });
    const everything =
      JSON.stringify(await store.db.selectFrom('audit_events').selectAll().execute()) +
      JSON.stringify(await store.db.selectFrom('webex_oauth_tokens').selectAll().execute());
    for (const secret of [...sim.secrets().serviceAppTokens, ...sim.secrets().meetingLinkTokens]) expect(everything).not.toContain(secret);
  });

  it('a non-host asking to start gets WEBEX_NOT_HOST (no startLink), a cohost does not', async () => {
    const result = await launch(depsFor(), 'admin@example.com', meeting(STAND_UP, 'host'), 'Ada');
    expect(result).toMatchObject({ ok: false, code: 'WEBEX_NOT_HOST' });
  });

  it('an unknown meeting is WEBEX_MEETING_NOT_FOUND', async () => {
    expect(await launch(depsFor(), 'alice@example.com', meeting(parseMeetingNumber('111111111') as MeetingNumber, 'join'))).toMatchObject({
      ok: false,
      code: 'WEBEX_MEETING_NOT_FOUND',
    });
  });

  it('site home is not offered with rest, and served by the XML path with auto', async () => {
    expect(await launch(depsFor(), 'alice@example.com', { kind: 'home' })).toMatchObject({ ok: false, code: 'LAUNCH_UNAVAILABLE' });
    // auto: home goes to the XML API (alice has no password there: the XML path's own refusal proves which path ran)
    expect(await launch(depsFor({ WEBEX_LAUNCH_API: 'auto' }), 'alice@example.com', { kind: 'home' })).toMatchObject({ ok: false, code: 'CREDENTIAL_MISSING' });
    expect(await launch(depsFor({ WEBEX_LAUNCH_API: 'xml' }), 'alice@example.com', PERSONAL_ROOM)).toMatchObject({ ok: false, code: 'LAUNCH_UNAVAILABLE' });
  });

  it.each<[string, SimFault, string, Record<string, unknown>?]>([
    ['meetings/join 429', { kind: 'rest-status', status: 429, retryAfterSeconds: 7 }, 'WEBEX_RATE_LIMITED', { retryAfterSeconds: 7 }],
    ['meetings/join 503', { kind: 'rest-status', status: 503 }, 'WEBEX_SERVICE_DOWN'],
    ['meetings/join 500', { kind: 'rest-status', status: 500 }, 'WEBEX_SERVICE_DOWN'],
    ['meetings/join 404', { kind: 'rest-status', status: 404 }, 'WEBEX_MEETING_NOT_FOUND'],
    ['meeting not found', { kind: 'meeting-not-found' }, 'WEBEX_MEETING_NOT_FOUND'],
    ['not host (403)', { kind: 'not-host' }, 'WEBEX_NOT_HOST'],
    ['meetings/join never answers', { kind: 'hang' }, 'WEBEX_TIMEOUT'],
  ])('%s → %s', async (_name, fault, code, extra) => {
    const deps = depsFor();
    sim.inject({ fault, call: 'meetings/join', times: 1 });
    const result = await launch(deps, 'alice@example.com', meeting(STAND_UP, 'host'));
    expect(result).toMatchObject({ ok: false, code, ...extra });
  });

  it('the token endpoint down when a refresh is due → WEBEX_APP_UNAVAILABLE; the grant stays, the settings page shows the failure', async () => {
    const deps = depsFor();
    expect((await launch(deps, 'alice@example.com', PERSONAL_ROOM)).ok).toBe(true);
    sim.inject({ fault: { kind: 'rest-access-token-expired' }, times: 1 });
    sim.inject({ fault: { kind: 'rest-token-endpoint-down' }, times: 1 });
    expect(await launch(deps, 'alice@example.com', PERSONAL_ROOM)).toMatchObject({ ok: false, code: 'WEBEX_APP_UNAVAILABLE' });
    expect(await deps.rest?.serviceApp.status()).toMatchObject({ state: 'authorized', lastFailure: { code: 'WEBEX_OAUTH_UNAVAILABLE' } });
    expect((await launch(deps, 'alice@example.com', PERSONAL_ROOM)).ok).toBe(true);
    expect((await deps.rest?.serviceApp.status())?.lastFailure).toBeUndefined();
  });

  it('an expired access token is refreshed once and the launch goes through', async () => {
    const deps = depsFor();
    expect((await launch(deps, 'alice@example.com', PERSONAL_ROOM)).ok).toBe(true);
    const before = sim.stats().serviceAppRefreshes;
    sim.inject({ fault: { kind: 'rest-access-token-expired' }, times: 1 });
    expect((await launch(deps, 'alice@example.com', PERSONAL_ROOM)).ok).toBe(true);
    expect(sim.stats().serviceAppRefreshes).toBe(before + 1);
  });

  it('a deauthorized Service App gives WEBEX_APP_NOT_AUTHORIZED, marks the grant, audits it; a pasted new token brings it back', async () => {
    const deps = depsFor();
    expect((await launch(deps, 'alice@example.com', PERSONAL_ROOM)).ok).toBe(true);
    sim.inject({ fault: { kind: 'service-app-revoked' }, times: 1 });
    expect(await launch(deps, 'alice@example.com', PERSONAL_ROOM)).toMatchObject({ ok: false, code: 'WEBEX_APP_NOT_AUTHORIZED' });
    expect((await deps.rest?.serviceApp.status())?.state).toBe('reconnect');
    const { rows } = await listAuditEvents(store.db, { user: 'service-app', action: 'oauth.refresh', pageSize: 1 });
    expect(rows[0]?.outcome).toBe('WEBEX_RECONNECT_NEEDED');
    // the environment's token is never used again: only an admin's new one helps
    expect(await launch(depsFor(), 'alice@example.com', PERSONAL_ROOM)).toMatchObject({ ok: false, code: 'WEBEX_APP_NOT_AUTHORIZED' });
    await deps.rest?.serviceApp.install(sim.generateServiceAppTokens().refresh_token);
    expect((await launch(deps, 'alice@example.com', PERSONAL_ROOM)).ok).toBe(true);
  });

  it('refuses to install a refresh token WebEx does not know', async () => {
    await expect(depsFor().rest?.serviceApp.install('not-a-token-webex-issued-0123456789')).rejects.toMatchObject({ code: 'WEBEX_APP_NOT_AUTHORIZED' });
  });

  it("an outage of the REST API opens its own circuit, and the XML API's stays closed", async () => {
    const guard = () => createUpstreamGuard({ maxConcurrency: 4, maxWaitMs: 100, failureThreshold: 2, coolDownMs: 60_000 });
    const [xmlGuard, restGuard] = [guard(), guard()];
    try {
      // the REST API on a port nobody listens on; the token endpoint is the simulator's
      const config = loadConfig(
        testEnvironment({
          WEBEX_BASE_URL: sim.url,
          MAPPING_RULE: 'email',
          WEBEX_LAUNCH_API: 'auto',
          WEBEX_API_BASE_URL: 'http://127.0.0.1:1/v1',
          WEBEX_SERVICE_APP_CLIENT_ID: SERVICE_APP.clientId,
          WEBEX_SERVICE_APP_CLIENT_SECRET: SERVICE_APP.clientSecret,
        }),
      );
      const deps = createAppDeps(config, store.db, createHttpTransport(), xmlGuard, restGuard).launch;
      const codes = [];
      for (let i = 0; i < 3; i += 1) codes.push((await launch(deps, 'alice@example.com', PERSONAL_ROOM)) as { code?: string });
      expect(codes.map((c) => c.code)).toEqual(['WEBEX_UNREACHABLE', 'WEBEX_UNREACHABLE', 'WEBEX_CIRCUIT_OPEN']);
      expect([xmlGuard.stats().circuit, restGuard.stats().circuit]).toEqual(['closed', 'open']);
    } finally {
      xmlGuard.close();
      restGuard.close();
    }
  });

  it('a link on a host WEBEX_REST_LINK_HOSTS does not allow is refused, never followed', async () => {
    // the simulator's links are on 127.0.0.1, the configured site: served from "localhost" instead, they are foreign
    const deps = depsFor({ WEBEX_BASE_URL: sim.url.replace('127.0.0.1', 'localhost'), WEBEX_API_BASE_URL: `${sim.url}/v1` });
    const before = sim.stats().meetingLinksUsed;
    expect(await launch(deps, 'alice@example.com', PERSONAL_ROOM)).toMatchObject({ ok: false, code: 'WEBEX_LINK_REFUSED' });
    expect(sim.stats().meetingLinksUsed).toBe(before);
  });
});
