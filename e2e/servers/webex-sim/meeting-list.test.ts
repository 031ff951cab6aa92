/** The simulator's GET /v1/meetings and GET /v1/meetingInvitees over HTTP: strict where docs/webex.md §9.8 is, paged by Link. */
import { afterEach, describe, expect, it } from 'vitest';
import { startWebexSimulator, type SimMeeting, type WebexSimulator } from './index';

const APP = { clientId: 'sim-service-app', clientSecret: 'sim-service-app-secret' };
const USERS = [
  { webExID: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'Anders' },
  { webExID: 'bob', email: 'bob@example.com', firstName: 'Bob' },
  { webExID: 'carol@example.com', email: 'carol@example.com' },
  { webExID: 'dave', email: 'dave@example.com' },
];
const NOW = Date.parse('2026-10-25T08:00:00Z');
const MIN = 60_000;
const MEETINGS: SimMeeting[] = [
  {
    number: '26341234567',
    hostWebExID: 'alice',
    topic: 'Stand-up',
    start: NOW + 60 * MIN,
    durationMinutes: 15,
    cohostWebExIDs: ['carol@example.com'],
    inviteeWebExIDs: ['bob'],
  },
  { number: '987654321', hostWebExID: 'bob', topic: 'Review', start: NOW + 120 * MIN, inviteeWebExIDs: ['alice', 'dave'] },
  {
    number: '24680135790',
    hostWebExID: 'carol@example.com',
    topic: 'Design sync',
    start: NOW - 10 * MIN,
    durationMinutes: 60,
    inProgress: true,
    inviteeWebExIDs: ['alice', 'bob'],
  },
  { number: '13579024680', hostWebExID: 'carol@example.com', topic: 'Planning', start: NOW + 24 * 60 * MIN, durationMinutes: 45, inviteeWebExIDs: ['alice'] },
  // not alice's at all, and one on nobody's list (no schedule)
  { number: '11122233344', hostWebExID: 'dave', topic: 'Dave only', start: NOW + 30 * MIN },
  { number: '123456789', hostWebExID: 'dave', topic: 'All hands', inProgress: true, inviteeWebExIDs: ['alice'] },
];

const running: WebexSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function startSim(now = () => NOW): Promise<{ sim: WebexSimulator; token: string }> {
  const sim = await startWebexSimulator({ siteName: 'acme', users: USERS, meetings: MEETINGS.map((m) => ({ ...m })), serviceApp: APP, port: 0, now });
  running.push(sim);
  return { sim, token: sim.generateServiceAppTokens().access_token };
}

async function get(sim: WebexSimulator, token: string, pathAndQuery: string, headers: Record<string, string> = {}) {
  const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${sim.url}/v1/${pathAndQuery}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const text = await res.text();
  return {
    status: res.status,
    link: res.headers.get('link'),
    json: (text ? JSON.parse(text) : undefined) as { items?: Record<string, unknown>[]; message?: string; trackingId?: string },
  };
}

const list = (query: Record<string, string>) =>
  `meetings?${new URLSearchParams({ meetingType: 'scheduledMeeting', from: '2026-10-25T00:00:00Z', to: '2026-11-02T00:00:00Z', max: '100', ...query })}`;

describe('GET /v1/meetings', () => {
  it("lists the occurrences a person hosts, cohosts or is invited to, overlapping the window, by start; never others' or unscheduled ones", async () => {
    const { sim, token } = await startSim();
    const titles = async (hostEmail: string, extra: Record<string, string> = {}) =>
      ((await get(sim, token, list({ hostEmail, ...extra }))).json.items ?? []).map((m) => m.title);
    expect(await titles('alice@example.com')).toEqual(['Design sync', 'Stand-up', 'Review', 'Planning']);
    expect(await titles('bob@example.com')).toEqual(['Design sync', 'Stand-up', 'Review']);
    expect(await titles('carol@example.com')).toEqual(['Design sync', 'Stand-up', 'Planning']);
    // from inclusive, to exclusive; a meeting that began before `from` and runs on is listed
    expect(await titles('alice@example.com', { from: '2026-10-25T08:05:00Z', to: '2026-10-25T09:00:00Z' })).toEqual(['Design sync']);
    expect(await titles('alice@example.com', { from: '2026-10-25T08:05:00Z', to: '2026-10-25T09:00:01Z' })).toEqual(['Design sync', 'Stand-up']);
  });

  it("items are scheduled occurrences with WebEx's fields (password and host key too), times in the timezone header's zone", async () => {
    const { sim, token } = await startSim();
    const berlin = await get(sim, token, list({ hostEmail: 'alice@example.com' }), { timezone: 'Europe/Berlin' });
    expect(berlin.status).toBe(200);
    const standUp = berlin.json.items?.find((m) => m.title === 'Stand-up');
    expect(standUp).toMatchObject({
      meetingNumber: '26341234567',
      meetingType: 'scheduledMeeting',
      state: 'scheduled',
      timezone: 'Europe/Berlin',
      // the clocks went back at 01:00 UTC that day
      start: '2026-10-25T10:00:00+01:00',
      end: '2026-10-25T10:15:00+01:00',
      hostEmail: 'alice@example.com',
      hostDisplayName: 'Alice Anders',
      siteUrl: 'acme.webex.com',
      scheduledType: 'meeting',
    });
    expect(standUp?.id).toMatch(/^[0-9a-f]{32}_20261025T090000Z$/);
    expect(standUp?.password).toEqual(expect.any(String));
    expect(standUp?.hostKey).toEqual(expect.any(String));
    const utc = await get(sim, token, list({ hostEmail: 'alice@example.com' }));
    expect(utc.json.items?.find((m) => m.title === 'Stand-up')).toMatchObject({ timezone: 'UTC', start: '2026-10-25T09:00:00Z' });
    // a non-host sees no host key
    expect((await get(sim, token, list({ hostEmail: 'bob@example.com' }))).json.items?.find((m) => m.title === 'Stand-up')?.hostKey).toBeUndefined();
  });

  it('states: running (ready, host joined), ready from 15 minutes before, scheduled, then missed', async () => {
    let now = NOW;
    const { sim, token } = await startSim(() => now);
    const state = async (title: string) => {
      const item = (await get(sim, token, list({ hostEmail: 'alice@example.com' }))).json.items?.find((m) => m.title === title);
      return item && [item.state, item.hostDidJoin];
    };
    expect(await state('Design sync')).toEqual(['ready', true]);
    expect(await state('Stand-up')).toEqual(['scheduled', undefined]);
    now = NOW + 46 * MIN;
    expect(await state('Stand-up')).toEqual(['ready', false]);
    now = NOW + 76 * MIN;
    expect(await state('Stand-up')).toEqual(['missed', undefined]);
  });

  it('pages by max with an RFC 5988 Link rel="next" keeping the query, to the last page, which has none', async () => {
    const { sim, token } = await startSim();
    const first = await get(sim, token, list({ hostEmail: 'alice@example.com', max: '3' }));
    expect(first.json.items?.map((m) => m.title)).toEqual(['Design sync', 'Stand-up', 'Review']);
    const next = /^<([^>]+)>; rel="next"$/.exec(first.link ?? '')?.[1] ?? '';
    const nextUrl = new URL(next);
    expect(`${nextUrl.origin}${nextUrl.pathname}`).toBe(`${sim.url}/v1/meetings`);
    expect(nextUrl.searchParams.get('hostEmail')).toBe('alice@example.com');
    expect(nextUrl.searchParams.get('max')).toBe('3');
    const second = await get(sim, token, next);
    expect(second.json.items?.map((m) => m.title)).toEqual(['Planning']);
    expect(second.link).toBeNull();
    // max defaults to 10
    expect(
      (await get(sim, token, `meetings?meetingType=scheduledMeeting&hostEmail=alice%40example.com&from=2026-10-25&to=2026-11-02`)).json.items,
    ).toHaveLength(4);
    expect((await get(sim, token, `${next.replace(/cursor=[^&]+/, 'cursor=bm9wZQ')}`)).status).toBe(400);
  });

  it.each([
    ['no hostEmail', { hostEmail: '' }, 400, /hostEmail is required/],
    ['an unknown hostEmail', { hostEmail: 'nobody@example.com' }, 404, /not found/],
    ['the default meetingType (meetingSeries)', { meetingType: '' }, 400, /meetingSeries \(the default\) is not simulated/],
    ['meetingType=meeting', { meetingType: 'meeting' }, 400, /not simulated/],
    ['an unknown meetingType', { meetingType: 'everything' }, 400, /must be one of/],
    ['max=0', { max: '0' }, 400, /max must be an integer from 1 to 100/],
    ['max=101', { max: '101' }, 400, /max must be/],
    ['max=ten', { max: 'ten' }, 400, /max must be/],
    ['from after to', { from: '2026-11-03T00:00:00Z' }, 400, /from cannot be after to/],
    ['an unreadable from', { from: 'today' }, 400, /ISO 8601/],
    ['an unknown parameter', { hostemail: 'alice@example.com' }, 400, /unsupported parameter hostemail/],
    ['another site', { siteUrl: 'other.webex.com' }, 400, /not a site of this user/],
  ])('refuses %s', async (_what, query, status, message) => {
    const { sim, token } = await startSim();
    const q = new URLSearchParams({
      meetingType: 'scheduledMeeting',
      hostEmail: 'alice@example.com',
      from: '2026-10-25T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      ...query,
    });
    for (const [name, value] of [...q]) if (value === '') q.delete(name);
    const res = await get(sim, token, `meetings?${q}`);
    expect(res.status).toBe(status);
    expect(res.json.message).toMatch(message);
    expect(res.json.trackingId).toEqual(expect.any(String));
  });

  it('takes its own siteUrl; refuses a timezone header that is not an IANA zone; needs a valid token', async () => {
    const { sim, token } = await startSim();
    expect((await get(sim, token, list({ hostEmail: 'alice@example.com', siteUrl: 'ACME.webex.com' }))).json.items).toHaveLength(4);
    expect((await get(sim, token, list({ hostEmail: 'alice@example.com' }), { timezone: 'Asia/Kolkata' })).status).toBe(200);
    const bad = await get(sim, token, list({ hostEmail: 'alice@example.com' }), { timezone: 'CEST' });
    expect([bad.status, bad.json.message]).toEqual([400, expect.stringMatching(/IANA/)]);
    expect((await get(sim, 'not-a-token', list({ hostEmail: 'alice@example.com' }))).status).toBe(401);
  });

  it('its faults: slow (latency), 403 missing scope, 429 with Retry-After, 5xx; scoped to a person and a call', async () => {
    const { sim, token } = await startSim();
    sim.inject({ fault: { kind: 'latency', ms: 300 }, call: 'meetings', webExID: 'alice', times: 1 });
    const started = performance.now();
    expect((await get(sim, token, list({ hostEmail: 'alice@example.com' }))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);

    sim.inject({ fault: { kind: 'missing-scope' }, call: 'meetings', webExID: 'bob', times: 1 });
    expect((await get(sim, token, list({ hostEmail: 'alice@example.com' }))).status).toBe(200);
    const refused = await get(sim, token, list({ hostEmail: 'bob@example.com' }));
    expect([refused.status, refused.json.message]).toEqual([403, expect.stringMatching(/missing required scopes/)]);

    sim.inject({ fault: { kind: 'rest-status', status: 429, retryAfterSeconds: 7 }, call: 'meetings', times: 1 });
    const limited = await fetch(`${sim.url}/v1/${list({ hostEmail: 'alice@example.com' })}`, { headers: { authorization: `Bearer ${token}` } });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    sim.inject({ fault: { kind: 'rest-status', status: 503 }, call: 'meetings', times: 1 });
    expect((await get(sim, token, list({ hostEmail: 'alice@example.com' }))).status).toBe(503);
    // a fault for the list leaves the other calls alone
    sim.inject({ fault: { kind: 'rest-status', status: 500 }, call: 'meetings' });
    expect((await get(sim, token, `meetingInvitees?meetingId=${(await firstId(sim, token)) ?? ''}&hostEmail=alice%40example.com`)).status).toBe(200);
  });
});

async function firstId(sim: WebexSimulator, token: string): Promise<string | undefined> {
  sim.clearFaults();
  const items = (await get(sim, token, list({ hostEmail: 'alice@example.com' }))).json.items ?? [];
  const id = items.find((m) => m.title === 'Stand-up')?.id;
  sim.inject({ fault: { kind: 'rest-status', status: 500 }, call: 'meetings' });
  return typeof id === 'string' ? id : undefined;
}

describe('GET /v1/meetingInvitees', () => {
  async function standUpId(sim: WebexSimulator, token: string): Promise<string> {
    const items = (await get(sim, token, list({ hostEmail: 'alice@example.com' }))).json.items ?? [];
    return String(items.find((m) => m.title === 'Stand-up')?.id);
  }

  it('the invitees of a meeting, asked of its host, sorted by e-mail, cohosts marked, never the host', async () => {
    const { sim, token } = await startSim();
    const occurrence = await standUpId(sim, token);
    const res = await get(sim, token, `meetingInvitees?${new URLSearchParams({ meetingId: occurrence, hostEmail: 'alice@example.com', max: '100' })}`);
    expect(res.status).toBe(200);
    expect(res.json.items?.map((i) => [i.email, i.coHost, i.meetingId])).toEqual([
      ['bob@example.com', false, occurrence],
      ['carol@example.com', true, occurrence],
    ]);
    // the series id works too
    const series = occurrence.split('_')[0] ?? '';
    expect((await get(sim, token, `meetingInvitees?meetingId=${series}&hostEmail=alice%40example.com`)).json.items).toHaveLength(2);
  });

  it('pages by max; refuses another hostEmail than the host, a missing meetingId or hostEmail, unknown parameters', async () => {
    const { sim, token } = await startSim();
    const occurrence = await standUpId(sim, token);
    const first = await get(sim, token, `meetingInvitees?meetingId=${occurrence}&hostEmail=alice%40example.com&max=1`);
    expect(first.json.items?.map((i) => i.email)).toEqual(['bob@example.com']);
    const next = /^<([^>]+)>; rel="next"$/.exec(first.link ?? '')?.[1] ?? '';
    expect((await get(sim, token, next)).json.items?.map((i) => i.email)).toEqual(['carol@example.com']);
    expect((await get(sim, token, `meetingInvitees?meetingId=${occurrence}&hostEmail=bob%40example.com`)).status).toBe(404);
    expect((await get(sim, token, `meetingInvitees?hostEmail=alice%40example.com`)).status).toBe(400);
    expect((await get(sim, token, `meetingInvitees?meetingId=${occurrence}`)).status).toBe(400);
    expect((await get(sim, token, `meetingInvitees?meetingId=${occurrence}&hostEmail=alice%40example.com&panelist=true`)).status).toBe(400);
  });
});
