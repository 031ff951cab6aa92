/** My meetings with the network off: the query WebEx gets, roles, the cache's lifetime and separation, every failure's one line. */
import { describe, expect, it } from 'vitest';
import { type MeetingNumber, type Transport, type TransportResponse, WebexError } from '../webex';
import { createWebexRestClient, type ListedPages, type MeetingInvitee, type ScheduledMeeting, type TokenSource, type WebexRestClient } from '../webex-rest';
import { createMeetingList, type MeetingListFailure, meetingsAcrossSites, type MyMeeting, type MyMeetings } from './list';
import { dayWindow } from './time-zone';
import { arrangeMeetings, MEETINGS_NOT_LOADED, meetingsNotice } from './view';

const ALICE = { email: 'alice@example.com', hostEmail: 'alice@example.com' };
const BOB = { email: 'bob@example.com', hostEmail: 'bob@example.com' };

const tokens: TokenSource = { withToken: async (call) => ({ value: await call('TOKEN'), refreshed: false }) };

const meeting = (n: number, extra: Partial<ScheduledMeeting> = {}): ScheduledMeeting => ({
  id: `series${n}_20261025T090000Z`,
  meetingNumber: `2634123456${n}`,
  title: `Meeting ${n}`,
  start: '2026-10-25T10:00:00+01:00',
  end: '2026-10-25T10:30:00+01:00',
  timezone: 'Europe/Berlin',
  state: 'scheduled',
  hostEmail: 'alice@example.com',
  hostDidJoin: undefined,
  scheduledType: 'meeting',
  ...extra,
});
const pages = <T>(items: T[]): ListedPages<T> => ({ items, complete: true, skipped: 0, pages: 1 });

/** A REST client whose lists are per hostEmail, counting its calls. */
function fakeClient(lists: Record<string, ScheduledMeeting[]>, invitees: Record<string, MeetingInvitee[]> = {}) {
  const calls: string[] = [];
  const client: Pick<WebexRestClient, 'listMeetings' | 'listInvitees'> = {
    async listMeetings(_token, request) {
      calls.push(`meetings ${request.hostEmail} ${request.from} ${request.to} ${request.timeZone}`);
      return pages(Object.hasOwn(lists, request.hostEmail) ? (lists[request.hostEmail] ?? []) : []);
    },
    async listInvitees(_token, request) {
      calls.push(`invitees ${request.meetingId} ${request.hostEmail}`);
      return pages(Object.hasOwn(invitees, request.meetingId) ? (invitees[request.meetingId] ?? []) : []);
    },
  };
  return { client, calls };
}

/** A REST client whose every list fails with `err`. */
const failing = (err: unknown): Pick<WebexRestClient, 'listMeetings' | 'listInvitees'> => ({
  listMeetings: async () => {
    throw err;
  },
  listInvitees: async () => pages([]),
});

const clock = (iso: string) => {
  let now = Date.parse(iso);
  return { now: () => now, advance: (ms: number) => void (now += ms) };
};

async function* once(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
}
const answer = (status: number, body: string, headers: Record<string, string> = {}): TransportResponse => ({
  status,
  contentLength: Buffer.byteLength(body),
  header: (name) => headers[name.toLowerCase()],
  body: once(Buffer.from(body)),
  discard: () => undefined,
});

describe('the query WebEx gets', () => {
  it.each([
    // a day of 25 hours: the clocks go back in Berlin on 2026-10-25
    ['Europe/Berlin', '2026-10-25T09:00:00Z', '2026-10-24T22:00:00Z', '2026-11-01T23:00:00Z'],
    // a day of 23 hours, and the eighth day after it of 24
    ['Europe/Berlin', '2026-03-29T09:00:00Z', '2026-03-28T23:00:00Z', '2026-04-05T22:00:00Z'],
    ['America/New_York', '2026-06-10T02:00:00Z', '2026-06-09T04:00:00Z', '2026-06-17T04:00:00Z'],
    ['UTC', '2026-06-10T23:59:59Z', '2026-06-10T00:00:00Z', '2026-06-18T00:00:00Z'],
  ])('in %s at %s: from %s to %s, the zone in the timezone header', async (zone, now, from, to) => {
    const seen: { url: URL; headers: Readonly<Record<string, string>> }[] = [];
    const transport: Transport = async (url, request) => {
      seen.push({ url: new URL(url), headers: request.headers });
      return answer(200, JSON.stringify({ items: [] }));
    };
    const client = createWebexRestClient({ baseUrl: 'https://webexapis.test/v1', timeoutMs: 1_000, maxResponseBytes: 65_536, transport });
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 60, siteUrl: 'acme.webex.com', now: () => Date.parse(now) });
    expect(await list.forEmployee({ email: 'alice@example.com', hostEmail: 'Alice.Anders@example.com' }, zone)).toMatchObject({ ok: true, meetings: [] });
    expect(seen).toHaveLength(1);
    expect(`${seen[0]?.url.origin}${seen[0]?.url.pathname}`).toBe('https://webexapis.test/v1/meetings');
    expect(Object.fromEntries(seen[0]?.url.searchParams ?? [])).toEqual({
      meetingType: 'scheduledMeeting',
      hostEmail: 'Alice.Anders@example.com',
      from,
      to,
      max: '100',
      siteUrl: 'acme.webex.com',
    });
    expect(seen[0]?.headers.timezone).toBe(zone);
  });
});

describe('createMeetingList', () => {
  it("reads roles: host by hostEmail, cohost or invitee from the meeting's invitees, asked of its host, once per meeting number", async () => {
    const lists = {
      'carol@example.com': [
        meeting(1, { hostEmail: 'Carol@Example.com' }),
        meeting(2, { hostEmail: 'alice@example.com' }),
        meeting(3, { hostEmail: 'bob@example.com' }),
        // the same series tomorrow: its role is known already
        meeting(2, { id: 'series2_20261026T090000Z', start: '2026-10-26T10:00:00+01:00', end: '2026-10-26T10:30:00+01:00' }),
      ],
    };
    const invitees = {
      series2_20261025T090000Z: [
        { email: 'bob@example.com', coHost: false },
        { email: 'CAROL@example.com', coHost: true },
      ],
      series3_20261025T090000Z: [
        { email: 'carol@example.com', coHost: false },
        { email: 'dave@example.com', coHost: true },
      ],
    };
    const { client, calls } = fakeClient(lists, invitees);
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 60, now: clock('2026-10-25T06:00:00Z').now });
    const mine = await list.forEmployee({ email: 'carol@example.com', hostEmail: 'carol@example.com' }, 'Europe/Berlin');
    if (!mine.ok) throw new Error('expected a list');
    expect(mine.meetings.map((m) => `${m.number} ${m.role}`)).toEqual(['26341234561 host', '26341234562 cohost', '26341234563 invitee', '26341234562 cohost']);
    expect(calls.filter((c) => c.startsWith('invitees'))).toEqual([
      'invitees series2_20261025T090000Z alice@example.com',
      'invitees series3_20261025T090000Z bob@example.com',
    ]);
  });

  it('a role lookup WebEx refuses leaves Join (invitee) and asks no further; the list itself stands', async () => {
    const lists = { 'bob@example.com': [meeting(1), meeting(2), meeting(3)] };
    let lookups = 0;
    const client: Pick<WebexRestClient, 'listMeetings' | 'listInvitees'> = {
      listMeetings: async () => pages(lists['bob@example.com']),
      listInvitees: async () => {
        lookups += 1;
        throw new WebexError('WEBEX_APP_FORBIDDEN', 'no scope', { httpStatus: 403 });
      },
    };
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 60, now: clock('2026-10-25T06:00:00Z').now });
    const mine = await list.forEmployee(BOB, 'UTC');
    expect(mine.ok && mine.meetings.map((m) => m.role)).toEqual(['invitee', 'invitee', 'invitee']);
    // at most the lookups already in flight when the first one failed
    expect(lookups).toBeLessThanOrEqual(3);
  });

  it('leaves out webinars, meetings without a launchable number and unreadable times; sorts by start', async () => {
    const lists = {
      'alice@example.com': [
        meeting(1, { start: '2026-10-25T12:00:00+01:00', end: '2026-10-25T13:00:00+01:00' }),
        meeting(2, { scheduledType: 'webinar' }),
        meeting(3, { meetingNumber: undefined }),
        meeting(4, { meetingNumber: '12' }),
        meeting(5, { start: 'soon' }),
        meeting(6, { start: '2026-10-25T08:00:00', end: '2026-10-25T08:30:00', title: '  ' }),
      ],
    };
    const list = createMeetingList({ client: fakeClient(lists).client, serviceApp: tokens, cacheSeconds: 60, now: clock('2026-10-25T06:00:00Z').now });
    const mine = await list.forEmployee(ALICE, 'Europe/Berlin');
    expect(mine.ok && mine.meetings.map((m) => [m.number, m.title, new Date(m.start).toISOString()])).toEqual([
      // a wall-clock time without offset is read in the meeting's own zone
      ['26341234566', 'WebEx meeting', '2026-10-25T07:00:00.000Z'],
      ['26341234561', 'Meeting 1', '2026-10-25T11:00:00.000Z'],
    ]);
  });

  it('keeps a list for MEETINGS_CACHE_SECONDS and asks again after', async () => {
    const { client, calls } = fakeClient({ 'alice@example.com': [meeting(1)] });
    const time = clock('2026-10-25T06:00:00Z');
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 60, now: time.now });
    await list.forEmployee(ALICE, 'Europe/Berlin');
    time.advance(59_000);
    await list.forEmployee(ALICE, 'Europe/Berlin');
    expect(calls.filter((c) => c.startsWith('meetings'))).toHaveLength(1);
    time.advance(1_000);
    await list.forEmployee(ALICE, 'Europe/Berlin');
    expect(calls.filter((c) => c.startsWith('meetings'))).toHaveLength(2);
  });

  it('with MEETINGS_CACHE_SECONDS=0 keeps nothing', async () => {
    const { client, calls } = fakeClient({ 'alice@example.com': [meeting(1)] });
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 0, now: clock('2026-10-25T06:00:00Z').now });
    await list.forEmployee(ALICE, 'UTC');
    await list.forEmployee(ALICE, 'UTC');
    expect(calls).toHaveLength(2);
  });

  it("two employees never see each other's list, one after the other or at once", async () => {
    const { client, calls } = fakeClient({
      'alice@example.com': [meeting(1, { title: 'Alice only' })],
      'bob@example.com': [meeting(2, { title: 'Bob only', hostEmail: 'bob@example.com' })],
    });
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 60, now: clock('2026-10-25T06:00:00Z').now });
    const titles = (m: MyMeetings) => (m.ok ? m.meetings.map((x) => x.title) : []);
    expect(titles(await list.forEmployee(ALICE, 'UTC'))).toEqual(['Alice only']);
    expect(titles(await list.forEmployee(BOB, 'UTC'))).toEqual(['Bob only']);
    const [a, b] = await Promise.all([list.forEmployee(ALICE, 'Europe/Berlin'), list.forEmployee(BOB, 'Europe/Berlin')]);
    expect([titles(a), titles(b)]).toEqual([['Alice only'], ['Bob only']]);
    // the same portal user read for another WebEx e-mail (a changed mapping) is another list too
    expect(titles(await list.forEmployee({ email: 'alice@example.com', hostEmail: 'bob@example.com' }, 'UTC'))).toEqual(['Bob only']);
    expect(calls.filter((c) => c.startsWith('meetings'))).toHaveLength(5);
  });

  it('one zone and day per entry: another zone, or tomorrow, is asked afresh', async () => {
    const { client, calls } = fakeClient({ 'alice@example.com': [] });
    const time = clock('2026-10-25T22:30:00Z');
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 7_200, now: time.now });
    await list.forEmployee(ALICE, 'UTC');
    await list.forEmployee(ALICE, 'Europe/Berlin');
    time.advance(60 * 60_000); // 23:30 UTC, but 00:30 the next day in Berlin
    await list.forEmployee(ALICE, 'UTC');
    await list.forEmployee(ALICE, 'Europe/Berlin');
    expect(calls.filter((c) => c.startsWith('meetings')).map((c) => c.split(' ').slice(2).join(' '))).toEqual([
      '2026-10-25T00:00:00Z 2026-11-02T00:00:00Z UTC',
      '2026-10-24T22:00:00Z 2026-11-01T23:00:00Z Europe/Berlin',
      '2026-10-25T23:00:00Z 2026-11-02T23:00:00Z Europe/Berlin',
    ]);
  });

  it('employees loading the page at once share one call to WebEx', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const client: Pick<WebexRestClient, 'listMeetings' | 'listInvitees'> = {
      listMeetings: async () => {
        calls += 1;
        await new Promise<void>((resolve) => (release = resolve));
        return pages([meeting(1)]);
      },
      listInvitees: async () => pages([]),
    };
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 60, now: clock('2026-10-25T06:00:00Z').now });
    const both = Promise.all([list.forEmployee(ALICE, 'UTC'), list.forEmployee(ALICE, 'UTC')]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const [first, second] = await both;
    expect(calls).toBe(1);
    expect(first).toEqual(second);
  });

  // every way the list fails, as the REST client names it (client.test.ts maps the statuses), and the line the employee reads
  it.each([
    [403, 'WEBEX_APP_FORBIDDEN', "the company's WebEx app may not read them"],
    [429, 'WEBEX_RATE_LIMITED', 'WebEx asks the portal to slow down'],
    [500, 'WEBEX_SERVICE_DOWN', 'WebEx is not answering right now'],
    [503, 'WEBEX_SERVICE_DOWN', 'WebEx is not answering right now'],
    [undefined, 'WEBEX_TIMEOUT', 'WebEx is not answering right now'],
    [undefined, 'WEBEX_CIRCUIT_OPEN', 'WebEx is not answering right now'],
    [undefined, 'WEBEX_APP_NOT_AUTHORIZED', "the company's WebEx app is not connected right now"],
    [404, 'WEBEX_USER_NOT_FOUND', 'Meeting links work as before'],
    [200, 'WEBEX_MALFORMED_RESPONSE', 'Meeting links work as before'],
  ] as const)('HTTP %s → %s → one line: "%s"', async (status, code, words) => {
    const failures: MeetingListFailure[] = [];
    const list = createMeetingList({
      client: failing(new WebexError(code, 'x', { httpStatus: status, trackingId: 'T-1' })),
      serviceApp: tokens,
      cacheSeconds: 60,
      now: clock('2026-10-25T06:00:00Z').now,
      onFailure: (f) => failures.push(f),
    });
    const result = await list.forEmployee(ALICE, 'UTC');
    expect(result).toMatchObject({ ok: false, code, httpStatus: status });
    const line = meetingsNotice(code);
    expect(line.startsWith(MEETINGS_NOT_LOADED)).toBe(true);
    expect(line).toContain(words);
    expect(line).not.toContain('\n');
    // the settings page's reason: the code, the status and WebEx's trackingId, never whose list it was
    expect(failures).toEqual([{ at: '2026-10-25T06:00:00.000Z', code, httpStatus: status, trackingId: 'T-1' }]);
  });

  it('a failure is asked again on the next page; a 429 is kept for its Retry-After', async () => {
    let calls = 0;
    const time = clock('2026-10-25T06:00:00Z');
    const client: Pick<WebexRestClient, 'listMeetings' | 'listInvitees'> = {
      listMeetings: async () => {
        calls += 1;
        throw calls <= 2
          ? new WebexError('WEBEX_SERVICE_DOWN', 'x', { httpStatus: 503 })
          : new WebexError('WEBEX_RATE_LIMITED', 'x', { httpStatus: 429, retryAfterSeconds: 20 });
      },
      listInvitees: async () => pages([]),
    };
    const list = createMeetingList({ client, serviceApp: tokens, cacheSeconds: 60, now: time.now });
    await list.forEmployee(ALICE, 'UTC');
    await list.forEmployee(ALICE, 'UTC');
    expect(calls).toBe(2);
    await list.forEmployee(ALICE, 'UTC');
    time.advance(19_000);
    expect(await list.forEmployee(ALICE, 'UTC')).toMatchObject({ ok: false, code: 'WEBEX_RATE_LIMITED' });
    expect(calls).toBe(3);
    time.advance(1_000);
    await list.forEmployee(ALICE, 'UTC');
    expect(calls).toBe(4);
  });

  it('a programming error is not a WebEx failure: it is thrown on', async () => {
    const list = createMeetingList({ client: failing(new TypeError('bug')), serviceApp: tokens, cacheSeconds: 60 });
    await expect(list.forEmployee(ALICE, 'UTC')).rejects.toThrow('bug');
  });
});

describe('meetingsAcrossSites', () => {
  const now = clock('2026-10-25T06:00:00Z').now;
  const listOn = (site: string | undefined, lists: Record<string, ScheduledMeeting[]>) =>
    createMeetingList({ client: fakeClient(lists).client, serviceApp: tokens, cacheSeconds: 60, now, ...(site ? { site } : {}) });
  const down = createMeetingList({
    client: failing(new WebexError('WEBEX_SERVICE_DOWN', 'x', { httpStatus: 503 })),
    serviceApp: tokens,
    cacheSeconds: 60,
    now,
  });

  it('merges the sites in start order, each meeting tagged with its (not default) site, a meeting two lists name once', async () => {
    const early = meeting(1, { start: '2026-10-25T08:00:00+01:00', end: '2026-10-25T08:30:00+01:00' });
    const late = meeting(2, { start: '2026-10-25T12:00:00+01:00', end: '2026-10-25T12:30:00+01:00' });
    const eu = meeting(3, { id: 'eu-series_20261025T090000Z', hostEmail: 'alice.eu@example.com' });
    const both = await meetingsAcrossSites(
      [
        { site: '', list: listOn(undefined, { 'alice@example.com': [late, early] }), employee: ALICE },
        // the EU site's list names the acme meeting too (no siteUrl of its own): once, as acme's
        {
          site: 'acme-eu',
          list: listOn('acme-eu', { 'alice.eu@example.com': [eu, late] }),
          employee: { email: 'alice@example.com', hostEmail: 'alice.eu@example.com' },
        },
      ],
      'Europe/Berlin',
    );
    if (!both.ok) throw new Error('expected a list');
    expect(both.meetings.map((m) => [m.number, m.site ?? '', m.role])).toEqual([
      ['26341234561', '', 'host'],
      ['26341234563', 'acme-eu', 'host'],
      ['26341234562', '', 'host'],
    ]);
    expect(both.failedSites).toEqual([]);
  });

  it('names the sites whose list failed while others listed; fails only when every list did', async () => {
    const some = await meetingsAcrossSites(
      [
        { site: '', list: listOn(undefined, { 'alice@example.com': [meeting(1)] }), employee: ALICE },
        { site: 'acme-eu', list: down, employee: ALICE },
      ],
      'UTC',
    );
    expect(some).toMatchObject({ ok: true, failedSites: ['acme-eu'] });
    expect(await meetingsAcrossSites([{ site: 'acme-eu', list: down, employee: BOB }], 'UTC')).toMatchObject({
      ok: false,
      code: 'WEBEX_SERVICE_DOWN',
      failedSites: [],
    });
  });
});

describe('arrangeMeetings', () => {
  const now = Date.parse('2026-10-25T09:10:00Z');
  const window = dayWindow(now, 'Europe/Berlin', 8);
  const row = (id: string, start: string, end: string, extra: Partial<Pick<MyMeeting, 'state' | 'hostDidJoin' | 'role'>> = {}): MyMeeting => ({
    id,
    number: '26341234567' as MeetingNumber,
    title: id,
    start: Date.parse(start),
    end: Date.parse(end),
    role: 'invitee',
    state: 'scheduled',
    hostDidJoin: false,
    ...extra,
  });

  it('today and the next days apart; over ones left out; running, ready and later told apart; hosts and cohosts start, invitees join', () => {
    const { today, later } = arrangeMeetings(
      [
        row('over', '2026-10-25T07:00:00Z', '2026-10-25T07:30:00Z'),
        row('missed', '2026-10-25T09:00:00Z', '2026-10-25T10:00:00Z', { state: 'missed' }),
        row('running', '2026-10-25T09:00:00Z', '2026-10-25T10:00:00Z', { state: 'ready', hostDidJoin: true, role: 'host' }),
        row('overrunning', '2026-10-25T08:00:00Z', '2026-10-25T09:00:00Z', { state: 'ready', hostDidJoin: true }),
        row('ready', '2026-10-25T09:05:00Z', '2026-10-25T10:00:00Z', { state: 'ready', role: 'cohost' }),
        row('tonight', '2026-10-25T22:30:00Z', '2026-10-25T23:30:00Z'),
        row('tomorrow', '2026-10-25T23:00:00Z', '2026-10-25T23:30:00Z'),
        row('next week', '2026-11-01T22:59:00Z', '2026-11-01T23:30:00Z'),
        row('beyond', '2026-11-01T23:00:00Z', '2026-11-01T23:30:00Z'),
      ],
      window,
      now,
    );
    expect(today.map((r) => `${r.id}:${r.status}:${r.launch}`)).toEqual([
      'running:in-progress:host',
      'overrunning:in-progress:join',
      'ready:ready:host',
      'tonight:scheduled:join',
    ]);
    expect(later.map((r) => r.id)).toEqual(['tomorrow', 'next week']);
  });
});
