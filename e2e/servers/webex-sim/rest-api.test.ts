/** The simulator's REST API and Service App token endpoint, over HTTP, as strict as docs/webex.md (§9) allows. */
import { afterEach, describe, expect, it } from 'vitest';
import { startWebexSimulator, type SimOptions, type WebexSimulator } from './index';

const APP = { clientId: 'sim-service-app', clientSecret: 'sim-service-app-secret' };
const USERS = [
  { webExID: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'Anders' },
  { webExID: 'bob', email: 'bob@example.com' },
  { webExID: 'carol', email: 'carol@example.com' },
];
const MEETINGS = [{ number: '123456789', hostWebExID: 'alice', cohostWebExIDs: ['carol'], topic: 'Stand-up' }];

const running: WebexSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function startSim(overrides: Partial<SimOptions> = {}): Promise<WebexSimulator> {
  const sim = await startWebexSimulator({ siteName: 'acme', users: USERS, meetings: MEETINGS, serviceApp: APP, port: 0, ...overrides });
  running.push(sim);
  return sim;
}

function refresh(sim: WebexSimulator, refreshToken: string, client = APP) {
  return fetch(`${sim.url}/v1/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken }),
  });
}

async function api(sim: WebexSimulator, token: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/v1/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as Record<string, string> | undefined };
}

const join = (extra: Record<string, unknown> = {}) => ({ meetingNumber: '123456789', joinDirectly: false, hostEmail: 'alice@example.com', ...extra });

async function heading(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: (/<h1>([^<]*)<\/h1>/.exec(await res.text())?.[1] ?? '').replace(/&#39;/g, "'") };
}

describe('Service App token endpoint (POST /v1/access_token)', () => {
  it('refreshes with the client ID and secret as form fields; the answer has the documented fields and no token_type; the refresh token rotates', async () => {
    const sim = await startSim();
    const first = sim.generateServiceAppTokens();
    expect(Object.keys(first).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in']);
    const res = await refresh(sim, first.refresh_token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in']);
    expect(body.expires_in).toBe(43_200);
    expect(body.refresh_token).not.toBe(first.refresh_token);
    expect(sim.stats().serviceAppRefreshes).toBe(1);
  });

  it('a rotated refresh token presented again revokes the grant: its newest refresh token stops working too', async () => {
    const sim = await startSim();
    const first = sim.generateServiceAppTokens();
    const second = (await (await refresh(sim, first.refresh_token)).json()) as { refresh_token: string; access_token: string };
    const reuse = await refresh(sim, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await refresh(sim, second.refresh_token)).status).toBe(400);
    expect((await api(sim, second.access_token, 'people/me')).status).toBe(401);
  });

  it('refuses a wrong client secret (401), another grant type (400), and is down when told (503)', async () => {
    const sim = await startSim();
    const { refresh_token } = sim.generateServiceAppTokens();
    expect((await refresh(sim, refresh_token, { ...APP, clientSecret: 'wrong' })).status).toBe(401);
    const other = await fetch(`${sim.url}/v1/access_token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: APP.clientId, client_secret: APP.clientSecret }),
    });
    expect(other.status).toBe(400);
    sim.inject({ fault: { kind: 'rest-token-endpoint-down' }, times: 1 });
    expect((await refresh(sim, refresh_token)).status).toBe(503);
    expect((await refresh(sim, refresh_token)).status).toBe(200);
  });

  it('service-app-revoked at the token endpoint: invalid_grant, and the grant is dead', async () => {
    const sim = await startSim();
    const { refresh_token, access_token } = sim.generateServiceAppTokens();
    sim.inject({ fault: { kind: 'service-app-revoked' }, times: 1 });
    expect((await refresh(sim, refresh_token)).status).toBe(400);
    expect((await api(sim, access_token, 'people/me')).status).toBe(401);
  });

  it('the control API generates tokens for the test runner, and refuses other origins', async () => {
    const sim = await startSim();
    const res = await fetch(`${sim.url}/__sim/service-app/tokens`, { method: 'POST' });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { refresh_token: string };
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(200);
    expect((await fetch(`${sim.url}/__sim/service-app/tokens`, { method: 'POST', headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });
});

describe('POST /v1/meetings/join', () => {
  it("needs a live Service App token (401 otherwise, with Webex's error body)", async () => {
    const sim = await startSim();
    const res = await api(sim, 'not-a-token', 'meetings/join', join());
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ message: expect.stringMatching(/valid access token/), trackingId: expect.stringMatching(/^WEBEX-SIM_/) });
  });

  it.each([
    ['no meeting', { meetingNumber: undefined }],
    ['two selectors', { webLink: 'http://127.0.0.1/acme/j.php?MTID=m1' }],
    ['no hostEmail (a Service App must send it)', { hostEmail: undefined }],
    ['a hostEmail that is no user of the site', { hostEmail: 'nobody@example.com' }],
    ['expirationMinutes 0', { expirationMinutes: 0 }],
    ['expirationMinutes 61', { expirationMinutes: 61 }],
    ['expirationMinutes 1.5', { expirationMinutes: 1.5 }],
    ['displayName without email', { displayName: 'Bob' }],
    ['displayName past 128 characters', { email: 'bob@example.com', displayName: 'b'.repeat(129) }],
    ['joinDirectly not a boolean', { joinDirectly: 'no' }],
    ['an unknown meeting', { meetingNumber: '999999999' }],
  ])('400 for %s', async (_what, extra) => {
    const sim = await startSim();
    expect((await api(sim, sim.generateServiceAppTokens().access_token, 'meetings/join', join(extra))).status).toBe(400);
  });

  it('joinDirectly true (the default) answers 302 to joinLink; false answers JSON with startLink, joinLink and expiration', async () => {
    const sim = await startSim();
    const token = sim.generateServiceAppTokens().access_token;
    const direct = await api(sim, token, 'meetings/join', join({ joinDirectly: undefined }));
    expect(direct.status).toBe(302);
    expect(direct.headers.get('location')).toMatch(
      /\/wbxmjs\/joinservice\/sites\/acme\/meeting\/download\/[0-9a-f]{32}\?siteurl=acme&integrationJoinToken=.+&principal=.+/,
    );
    const links = await api(sim, token, 'meetings/join', join({ expirationMinutes: 10 }));
    expect(links.status).toBe(200);
    expect(Object.keys(links.json ?? {}).sort()).toEqual(['expiration', 'joinLink', 'startLink']);
    expect(Date.parse(links.json?.expiration ?? '') - Date.now()).toBeGreaterThan(9 * 60_000);
  });

  it('only the host or a cohost gets a startLink; it lands as the host and starts the meeting, which attendees then join as themselves', async () => {
    const sim = await startSim();
    const token = sim.generateServiceAppTokens().access_token;
    const bob = await api(sim, token, 'meetings/join', join({ hostEmail: 'bob@example.com' }));
    expect(bob.json?.startLink).toBeUndefined();
    expect((await heading(bob.json?.joinLink ?? '')).text).toBe('Waiting in the lobby of WebEx meeting 123456789 as bob');
    const carol = await api(sim, token, 'meetings/join', join({ hostEmail: 'carol@example.com' }));
    expect(carol.json?.startLink).toBeDefined();
    const alice = await api(sim, token, 'meetings/join', join());
    expect(await heading(alice.json?.startLink ?? '')).toEqual({ status: 200, text: 'Hosting WebEx meeting 123456789 as alice' });
    const guest = await api(
      sim,
      token,
      'meetings/join',
      join({ hostEmail: 'bob@example.com', email: 'visitor@elsewhere.example', displayName: 'Vera Visitor' }),
    );
    expect((await heading(guest.json?.joinLink ?? '')).text).toBe('In WebEx meeting 123456789 as Vera Visitor (guest)');
  });

  it('a link works once, only until it expires, only as issued, and makes no site session', async () => {
    let now = Date.now();
    const sim = await startSim({ now: () => now });
    const token = sim.generateServiceAppTokens().access_token;
    const first = (await api(sim, token, 'meetings/join', join())).json?.joinLink ?? '';
    const res = await fetch(first);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await heading(first)).toEqual({ status: 403, text: 'This meeting link is no longer valid' });
    const second = new URL((await api(sim, token, 'meetings/join', join({ expirationMinutes: 1 }))).json?.joinLink ?? '');
    const forged = new URL(second);
    forged.searchParams.set('principal', 'someone-else');
    expect((await heading(forged.href)).status).toBe(403);
    now += 61_000;
    expect((await heading(second.href)).status).toBe(403);
    expect(sim.stats().meetingLinksUsed).toBe(1);
  });

  it('create*AsWebLink answer the plain web links; with both, no expiration', async () => {
    const sim = await startSim();
    const token = sim.generateServiceAppTokens().access_token;
    const both = await api(sim, token, 'meetings/join', join({ createJoinLinkAsWebLink: true, createStartLinkAsWebLink: true }));
    expect(both.json?.joinLink).toMatch(/\/acme\/j\.php\?MTID=m[0-9a-f]{32}$/);
    expect(both.json?.startLink).toBe(both.json?.joinLink);
    expect(both.json?.expiration).toBeUndefined();
    // …and a web link names the meeting, as a selector
    expect((await api(sim, token, 'meetings/join', { webLink: both.json?.joinLink, joinDirectly: false, hostEmail: 'alice@example.com' })).status).toBe(200);
  });

  it.each([
    [{ kind: 'rest-status', status: 429, retryAfterSeconds: 9 } as const, 429, '9'],
    [{ kind: 'rest-status', status: 503 } as const, 503, null],
    [{ kind: 'not-host' } as const, 403, null],
    [{ kind: 'meeting-not-found' } as const, 400, null],
  ])('fault %j → HTTP %i', async (fault, status, retryAfter) => {
    const sim = await startSim();
    sim.inject({ fault, call: fault.kind === 'rest-status' ? 'meetings/join' : undefined, times: 1 });
    const res = await api(sim, sim.generateServiceAppTokens().access_token, 'meetings/join', join());
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe(retryAfter);
    expect(res.json?.trackingId).toBeDefined();
  });

  it("a REST fault naming a host applies to that host's requests only", async () => {
    const sim = await startSim();
    const token = sim.generateServiceAppTokens().access_token;
    sim.inject({ fault: { kind: 'not-host' }, webExID: 'bob' });
    expect((await api(sim, token, 'meetings/join', join())).status).toBe(200);
    expect((await api(sim, token, 'meetings/join', join({ hostEmail: 'bob@example.com' }))).status).toBe(403);
  });

  it('rest-access-token-expired: 401 for that token; the refresh token still works', async () => {
    const sim = await startSim();
    const tokens = sim.generateServiceAppTokens();
    sim.inject({ fault: { kind: 'rest-access-token-expired' }, times: 1 });
    expect((await api(sim, tokens.access_token, 'meetings/join', join())).status).toBe(401);
    expect((await api(sim, tokens.access_token, 'meetings/join', join())).status).toBe(401);
    const fresh = (await (await refresh(sim, tokens.refresh_token)).json()) as { access_token: string };
    expect((await api(sim, fresh.access_token, 'meetings/join', join())).status).toBe(200);
  });
});

describe('GET /v1/meetingPreferences/personalMeetingRoom and /v1/people/me', () => {
  it('the personal room of a user by userEmail; its link opens as webLink, and its owner starts it', async () => {
    const sim = await startSim();
    const token = sim.generateServiceAppTokens().access_token;
    const room = await api(sim, token, 'meetingPreferences/personalMeetingRoom?userEmail=alice%40example.com');
    expect(room.status).toBe(200);
    expect(room.json).toMatchObject({ topic: "Alice Anders's Personal Room", personalMeetingRoomLink: `${sim.url}/meet/alice` });
    const links = await api(sim, token, 'meetings/join', { webLink: room.json?.personalMeetingRoomLink, joinDirectly: false, hostEmail: 'alice@example.com' });
    expect((await heading(links.json?.startLink ?? '')).text).toBe('Hosting the personal room of alice as alice');
    const visitor = await api(sim, token, 'meetings/join', { webLink: room.json?.personalMeetingRoomLink, joinDirectly: false, hostEmail: 'bob@example.com' });
    expect(visitor.json?.startLink).toBeUndefined();
    expect((await heading(visitor.json?.joinLink ?? '')).text).toBe('In the personal room of alice as bob');
  });

  it('400 without userEmail (a Service App has no room of its own), 404 for someone not on the site', async () => {
    const sim = await startSim();
    const token = sim.generateServiceAppTokens().access_token;
    expect((await api(sim, token, 'meetingPreferences/personalMeetingRoom')).status).toBe(400);
    expect((await api(sim, token, 'meetingPreferences/personalMeetingRoom?userEmail=nobody%40example.com')).status).toBe(404);
  });

  it('people/me names the app and its org', async () => {
    const sim = await startSim({ serviceApp: { ...APP, orgId: 'ORG-1' } });
    expect((await api(sim, sim.generateServiceAppTokens().access_token, 'people/me')).json).toMatchObject({ orgId: 'ORG-1' });
  });

  it('a hang on a named REST call never answers (the client gives up)', async () => {
    const sim = await startSim();
    sim.inject({ fault: { kind: 'hang' }, call: 'people/me', times: 1 });
    const res = await fetch(`${sim.url}/v1/people/me`, {
      headers: { authorization: `Bearer ${sim.generateServiceAppTokens().access_token}` },
      signal: AbortSignal.timeout(200),
    }).catch((e: unknown) => e);
    expect(res).toBeInstanceOf(Error);
  });

  it('without the serviceApp option, the REST paths are 404; every token and link handed out is in secrets()', async () => {
    const plain = await startSim({ serviceApp: undefined });
    expect((await fetch(`${plain.url}/v1/people/me`)).status).toBe(404);
    const sim = await startSim();
    const tokens = sim.generateServiceAppTokens();
    const link = new URL((await api(sim, tokens.access_token, 'meetings/join', join())).json?.joinLink ?? '');
    const secrets = sim.secrets();
    expect(secrets.serviceAppTokens).toEqual(expect.arrayContaining([tokens.access_token, tokens.refresh_token]));
    expect(secrets.meetingLinkTokens).toEqual(expect.arrayContaining([link.searchParams.get('integrationJoinToken'), link.searchParams.get('principal')]));
  });
});
