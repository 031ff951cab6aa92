/**
 * My meetings end to end over real HTTP: the app's own wiring (config → createAppDeps) against the
 * simulator's Service App, GET /v1/meetings and GET /v1/meetingInvitees, on a real SQLite file;
 * and the settings page's Service App check, whose dry list names the missing scope.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type WebexSimulator } from '../../e2e/servers/webex-sim';
import { createAppDeps } from '../server';
import { listAuditEvents } from '../audit';
import { loadConfig } from '../config';
import { checkServiceApp } from '../launch';
import { upsertMapping } from '../mappings';
import { captureLog } from '../testing/log-capture';
import { testEnvironment } from '../testing/config';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { createHttpTransport } from '../webex';
import { arrangeMeetings } from './view';

const SERVICE_APP = { clientId: 'webex-sso-service-app', clientSecret: 'service-app-secret-0123456789' };
const NOW = Date.now();
const MIN = 60_000;

let sim: WebexSimulator;
let store: TempDatabase;

function depsFor(env: Record<string, string> = {}) {
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
  return { config, deps: createAppDeps(config, store.db, createHttpTransport()) };
}

beforeAll(async () => {
  sim = await startWebexSimulator({
    port: 0,
    siteName: 'acme',
    users: [
      { webExID: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'Anders' },
      { webExID: 'ada.admin', email: 'admin@example.com' },
      { webExID: 'bob', email: 'bob@example.com' },
      { webExID: 'carol@example.com', email: 'carol@example.com' },
    ],
    meetings: [
      {
        number: '26341234567',
        hostWebExID: 'alice',
        topic: 'Secret stand-up',
        start: NOW + 30 * MIN,
        cohostWebExIDs: ['carol@example.com'],
        inviteeWebExIDs: ['bob'],
      },
      {
        number: '24680135790',
        hostWebExID: 'carol@example.com',
        topic: 'Design sync',
        start: NOW - 10 * MIN,
        durationMinutes: 60,
        inProgress: true,
        inviteeWebExIDs: ['alice', 'bob'],
      },
      { number: '13579024680', hostWebExID: 'bob', topic: 'Next week', start: NOW + 3 * 24 * 60 * MIN, inviteeWebExIDs: ['alice'] },
    ],
    serviceApp: SERVICE_APP,
  });
  store = await openTempDatabase('meetings');
  await upsertMapping(store.db, { email: 'alice@example.com', webexId: 'alice', sealedCredential: null });
});

afterEach(() => sim.clearFaults());

afterAll(async () => {
  await store.remove();
  await sim.close();
});

describe('My meetings against the simulator', () => {
  it('each employee gets their meetings with their role; today and later apart; nothing of them in the logs or the audit', async () => {
    const { deps } = depsFor({ WEBEX_REST_SITE_URL: 'acme.webex.com' });
    const list = deps.sites[0]?.meetings;
    if (!list) throw new Error('expected the meeting list in rest mode');
    const lines = await captureLog(async () => {
      const alice = await list.forEmployee({ email: 'alice@example.com', hostEmail: 'alice@example.com' }, 'Europe/Berlin');
      if (!alice.ok) throw new Error(`alice's list failed: ${alice.code}`);
      expect(alice.meetings.map((m) => `${m.title}:${m.role}`)).toEqual(['Design sync:invitee', 'Secret stand-up:host', 'Next week:invitee']);
      const carol = await list.forEmployee({ email: 'carol@example.com', hostEmail: 'carol@example.com' }, 'UTC');
      expect(carol.ok && carol.meetings.map((m) => `${m.title}:${m.role}`)).toEqual(['Design sync:host', 'Secret stand-up:cohost']);
      const bob = await list.forEmployee({ email: 'bob@example.com', hostEmail: 'bob@example.com' }, 'UTC');
      expect(bob.ok && bob.meetings.map((m) => `${m.title}:${m.role}`)).toEqual(['Design sync:invitee', 'Secret stand-up:invitee', 'Next week:host']);
      const shown = arrangeMeetings(alice.meetings, alice.window, Date.now());
      expect(shown.today.map((r) => `${r.title}:${r.status}:${r.launch}`)).toEqual(['Design sync:in-progress:join', 'Secret stand-up:scheduled:host']);
      expect(shown.later.map((r) => r.title)).toEqual(['Next week']);
    });
    // counts only
    expect(lines).toContain('"msg":"meetings listed"');
    expect(lines).toContain('"meetings":3');
    expect(lines).not.toMatch(/Secret stand-up|Design sync|j\.php|26341234567/);
    const audit = JSON.stringify((await listAuditEvents(store.db, { pageSize: 100 })).rows);
    expect(audit).not.toMatch(/Secret stand-up|Design sync|meetings listed/);
  });

  it('a 403 for a missing scope, a 429 and a slow WebEx past the timeout each give the one failure, and the process remembers the last', async () => {
    const { deps } = depsFor({ MEETINGS_CACHE_SECONDS: '0' });
    const list = deps.sites[0]?.meetings;
    if (!list) throw new Error('expected the meeting list in rest mode');
    const alice = { email: 'alice@example.com', hostEmail: 'alice@example.com' };
    sim.inject({ fault: { kind: 'missing-scope' }, call: 'meetings', times: 1 });
    expect(await list.forEmployee(alice, 'UTC')).toMatchObject({ ok: false, code: 'WEBEX_APP_FORBIDDEN', httpStatus: 403 });
    sim.inject({ fault: { kind: 'rest-status', status: 429, retryAfterSeconds: 3 }, call: 'meetings', times: 1 });
    expect(await list.forEmployee(alice, 'UTC')).toMatchObject({ ok: false, code: 'WEBEX_RATE_LIMITED', retryAfterSeconds: 3 });
    sim.inject({ fault: { kind: 'latency', ms: 1_500 }, call: 'meetings', times: 1 });
    expect(await list.forEmployee(alice, 'UTC')).toMatchObject({ ok: false, code: 'WEBEX_TIMEOUT' });
    const { getMeetingListFailure } = await import('../server');
    expect(getMeetingListFailure()).toMatchObject({ code: 'WEBEX_TIMEOUT' });
    expect(await list.forEmployee(alice, 'UTC')).toMatchObject({ ok: true });
  });

  it("the Service App check lists the admin's own meetings dry, and says which scope a 403 means", async () => {
    const { config, deps } = depsFor();
    const rest = deps.rest;
    if (!rest) throw new Error('expected the REST deps');
    await upsertMapping(store.db, { email: 'admin@example.com', webexId: 'ada.admin', sealedCredential: null });
    const ok = await checkServiceApp({ db: store.db, rule: config.mappingRule, rest }, { email: 'admin@example.com' }, 'help');
    expect(ok).toMatchObject({ ok: true, dryList: { hostEmail: 'admin@example.com', ok: true } });

    sim.inject({ fault: { kind: 'missing-scope' }, call: 'meetings', times: 1 });
    const refused = await checkServiceApp({ db: store.db, rule: config.mappingRule, rest }, { email: 'admin@example.com' }, 'help');
    expect(refused).toMatchObject({
      ok: false,
      dryCall: { ok: true },
      dryList: { ok: false, code: 'WEBEX_APP_FORBIDDEN', httpStatus: 403, missingScope: 'meeting:admin_schedule_read' },
      failure: { code: 'WEBEX_APP_FORBIDDEN' },
    });
    expect(refused.dryList?.meaning).toMatch(/needs the scope meeting:admin_schedule_read/);
    const { rows } = await listAuditEvents(store.db, { action: 'service-app.check', pageSize: 1 });
    expect(rows[0]?.detail).toMatchObject({ dryList: 'WEBEX_APP_FORBIDDEN' });
  });
});
