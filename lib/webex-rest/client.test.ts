/** The REST client with the network off: every status a call can meet, size limit, deadline, bad JSON. */
import { describe, expect, it } from 'vitest';
import { type Transport, type TransportRequest, type TransportResponse, WebexError } from '../webex';
import { createWebexRestClient, parseRetryAfter } from './client';
import { nextLinkOf } from './paging';

async function* once(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
}

function answer(status: number, body: string, headers: Record<string, string> = {}): TransportResponse & { discarded: boolean } {
  const response = {
    status,
    contentLength: Buffer.byteLength(body),
    header: (name: string) => headers[name.toLowerCase()],
    body: once(Buffer.from(body)),
    discarded: false,
    discard() {
      response.discarded = true;
    },
  };
  return response;
}

const JSON_LINKS = JSON.stringify({
  startLink: 'https://acme.webex.com/s?integrationJoinToken=S',
  joinLink: 'https://acme.webex.com/j?integrationJoinToken=J',
  expiration: '2026-11-29T10:00:00Z',
});
const WEBEX_ERROR = (message: string) => JSON.stringify({ message, errors: [{ description: message }], trackingId: 'ROUTER_1234' });
const JOIN = { meeting: { meetingNumber: '123456789' }, hostEmail: 'alice@example.com', expirationMinutes: 5 };

function clientWith(transport: Transport, overrides = {}) {
  return createWebexRestClient({ baseUrl: 'https://webexapis.test/v1/', timeoutMs: 200, maxResponseBytes: 2_048, transport, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<WebexError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WebexError)) throw new Error(`expected a WebexError, got ${String(err)}`);
  return err;
}

describe('createWebexRestClient', () => {
  it('POSTs meetings/join as JSON with the bearer token and joinDirectly false, and reads the links', async () => {
    const seen: { url: string; request: TransportRequest }[] = [];
    const client = clientWith(async (url, request) => {
      seen.push({ url, request });
      return answer(200, JSON_LINKS);
    });
    const links = await client.joinMeeting('TOKEN-1', { ...JOIN, attendee: { email: 'bob@example.com', displayName: 'B'.repeat(200) } });
    expect(links).toEqual({
      startLink: 'https://acme.webex.com/s?integrationJoinToken=S',
      joinLink: 'https://acme.webex.com/j?integrationJoinToken=J',
      expiration: '2026-11-29T10:00:00Z',
    });
    expect(seen[0]?.url).toBe('https://webexapis.test/v1/meetings/join');
    expect(seen[0]?.request.method).toBe('POST');
    expect(seen[0]?.request.headers).toMatchObject({ authorization: 'Bearer TOKEN-1', 'content-type': 'application/json' });
    const body = JSON.parse(seen[0]?.request.body ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({
      meetingNumber: '123456789',
      joinDirectly: false,
      hostEmail: 'alice@example.com',
      email: 'bob@example.com',
      displayName: 'B'.repeat(128),
      expirationMinutes: 5,
    });
  });

  it('GETs the personal room by userEmail (encoded) and never reads the host PIN', async () => {
    const seen: string[] = [];
    const client = clientWith(async (url, request) => {
      seen.push(`${request.method} ${url}`);
      return answer(200, JSON.stringify({ personalMeetingRoomLink: 'https://acme.webex.com/meet/alice', topic: 'Alice', hostPin: '1234' }));
    });
    expect(await client.personalRoom('T', 'a+b@example.com')).toEqual({ link: 'https://acme.webex.com/meet/alice', topic: 'Alice' });
    expect(seen).toEqual(['GET https://webexapis.test/v1/meetingPreferences/personalMeetingRoom?userEmail=a%2Bb%40example.com']);
  });

  // every status a call can meet, and what the launch makes of it
  it.each([
    [400, 'WEBEX_MEETING_NOT_FOUND'],
    [401, 'WEBEX_CREDENTIAL_EXPIRED'],
    [403, 'WEBEX_APP_FORBIDDEN'],
    [404, 'WEBEX_MEETING_NOT_FOUND'],
    [405, 'WEBEX_HTTP_ERROR'],
    [409, 'WEBEX_HTTP_ERROR'],
    [429, 'WEBEX_RATE_LIMITED'],
    [500, 'WEBEX_SERVICE_DOWN'],
    [502, 'WEBEX_SERVICE_DOWN'],
    [503, 'WEBEX_SERVICE_DOWN'],
    [504, 'WEBEX_SERVICE_DOWN'],
    [302, 'WEBEX_HTTP_ERROR'],
  ])("meetings/join HTTP %i → %s, with WebEx's message and trackingId kept", async (status, code) => {
    const err = await failure(clientWith(async () => answer(status, WEBEX_ERROR('Meeting not found.'))).joinMeeting('T', JOIN));
    expect(err).toMatchObject({ code, httpStatus: status, trackingId: 'ROUTER_1234', reason: 'Meeting not found.' });
  });

  it.each([
    [400, 'WEBEX_USER_NOT_FOUND'],
    [404, 'WEBEX_USER_NOT_FOUND'],
    [403, 'WEBEX_APP_FORBIDDEN'],
    [401, 'WEBEX_CREDENTIAL_EXPIRED'],
  ])('personal room HTTP %i → %s', async (status, code) => {
    expect((await failure(clientWith(async () => answer(status, '{}')).personalRoom('T', 'x@example.com'))).code).toBe(code);
  });

  it('429 keeps Retry-After, in seconds or as a date', async () => {
    const seconds = await failure(clientWith(async () => answer(429, WEBEX_ERROR('Too Many Requests'), { 'retry-after': '12' })).joinMeeting('T', JOIN));
    expect(seconds).toMatchObject({ code: 'WEBEX_RATE_LIMITED', retryAfterSeconds: 12 });
    const none = await failure(clientWith(async () => answer(429, '')).joinMeeting('T', JOIN));
    expect(none.retryAfterSeconds).toBeUndefined();
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(30);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('0')).toBe(1);
    expect(parseRetryAfter('999999')).toBe(3600);
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html>Maintenance</html>'],
    ['JSON without the fields', '{"personalMeetingRoomLink": 5}'],
    ['an array', '[]'],
  ])('a 200 with %s → WEBEX_MALFORMED_RESPONSE', async (_what, body) => {
    expect((await failure(clientWith(async () => answer(200, body)).personalRoom('T', 'x@example.com'))).code).toBe('WEBEX_MALFORMED_RESPONSE');
  });

  it('refuses an answer past the size limit, unread', async () => {
    const big = answer(200, 'x'.repeat(3_000));
    expect((await failure(clientWith(async () => big).joinMeeting('T', JOIN))).code).toBe('WEBEX_RESPONSE_TOO_LARGE');
    expect(big.discarded).toBe(true);
  });

  it('gives up after the timeout → WEBEX_TIMEOUT', async () => {
    const hanging: Transport = (_url, _request, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    expect((await failure(clientWith(hanging, { timeoutMs: 50 }).joinMeeting('T', JOIN))).code).toBe('WEBEX_TIMEOUT');
  });

  it('a refused connection → WEBEX_UNREACHABLE', async () => {
    const refused: Transport = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    expect((await failure(clientWith(refused).me('T'))).code).toBe('WEBEX_UNREACHABLE');
  });

  it('never puts the access token in an error message', async () => {
    const err = await failure(clientWith(async () => answer(500, WEBEX_ERROR('oops'))).joinMeeting('SECRET-TOKEN', JOIN));
    expect(`${err.message} ${err.reason ?? ''}`).not.toContain('SECRET-TOKEN');
  });

  it("tells observe each call's name and outcome", async () => {
    const seen: string[] = [];
    const client = clientWith(async () => answer(503, ''), { observe: (call: string, outcome: string) => seen.push(`${call} ${outcome}`) });
    await failure(client.joinMeeting('T', JOIN));
    expect(seen).toEqual(['meetings/join WEBEX_SERVICE_DOWN']);
  });
});

describe('listMeetings (GET /meetings) and listInvitees (GET /meetingInvitees)', () => {
  const LIST = { hostEmail: 'a+b@example.com', from: '2026-10-24T22:00:00Z', to: '2026-11-01T23:00:00Z', timeZone: 'Europe/Berlin' };
  const item = (n: number, extra: Record<string, unknown> = {}) => ({
    id: `m${n}_20261025T080000Z`,
    meetingNumber: `12345678${n}`,
    title: `Meeting ${n}`,
    start: '2026-10-25T09:00:00+01:00',
    end: '2026-10-25T09:30:00+01:00',
    timezone: 'Europe/Berlin',
    state: 'scheduled',
    hostEmail: 'a+b@example.com',
    password: 'BgJep@43',
    hostKey: '123456',
    ...extra,
  });
  const page = (items: unknown[], link?: string) => answer(200, JSON.stringify({ items }), link ? { link } : {});

  it('asks for the scheduled occurrences of one person in the window, in their zone, 100 a page, on the configured site only when given', async () => {
    const seen: { url: string; request: TransportRequest }[] = [];
    const client = clientWith(async (url, request) => {
      seen.push({ url, request });
      return page([item(1)]);
    });
    const listed = await client.listMeetings('TOKEN-L', LIST);
    const url = new URL(seen[0]?.url ?? '');
    expect(`${url.origin}${url.pathname}`).toBe('https://webexapis.test/v1/meetings');
    expect([...url.searchParams]).toEqual([
      ['meetingType', 'scheduledMeeting'],
      ['hostEmail', 'a+b@example.com'],
      ['from', '2026-10-24T22:00:00Z'],
      ['to', '2026-11-01T23:00:00Z'],
      ['max', '100'],
    ]);
    expect(seen[0]?.url).toContain('hostEmail=a%2Bb%40example.com');
    expect(seen[0]?.request).toMatchObject({ method: 'GET', headers: { authorization: 'Bearer TOKEN-L', timezone: 'Europe/Berlin' } });
    // what the portal keeps of an item: never its password or host key
    expect(listed).toEqual({
      items: [
        {
          id: 'm1_20261025T080000Z',
          meetingNumber: '123456781',
          title: 'Meeting 1',
          start: '2026-10-25T09:00:00+01:00',
          end: '2026-10-25T09:30:00+01:00',
          timezone: 'Europe/Berlin',
          state: 'scheduled',
          hostEmail: 'a+b@example.com',
          hostDidJoin: undefined,
          scheduledType: undefined,
        },
      ],
      complete: true,
      skipped: 0,
      pages: 1,
    });
    expect(JSON.stringify(listed)).not.toMatch(/BgJep|123456"/);

    await client.listMeetings('T', { ...LIST, siteUrl: 'acme.webex.com' });
    expect(new URL(seen[1]?.url ?? '').searchParams.get('siteUrl')).toBe('acme.webex.com');
  });

  it('follows the Link header\'s rel="next" to the end, with the same token, keeping the order', async () => {
    const seen: string[] = [];
    const pages = new Map<string, TransportResponse>([
      ['first', page([item(1), item(2)], '<https://webexapis.test/v1/meetings?cursor=2&max=2&hostEmail=a%2Bb%40example.com>; rel="next"')],
      [
        'https://webexapis.test/v1/meetings?cursor=2&max=2&hostEmail=a%2Bb%40example.com',
        page([item(3)], '<https://webexapis.test/v1/meetings?max=2>; rel="first", </v1/meetings?cursor=3&max=2&hostEmail=A%2Bb%40example.com>; rel=next'),
      ],
      [
        'https://webexapis.test/v1/meetings?cursor=3&max=2&hostEmail=A%2Bb%40example.com',
        page([item(4)], '<https://webexapis.test/v1/meetings?max=2>; rel="first"'),
      ],
    ]);
    const client = clientWith(async (url, request) => {
      seen.push(`${request.headers.authorization} ${url}`);
      return pages.get(seen.length === 1 ? 'first' : url) ?? answer(404, '{}');
    });
    const listed = await client.listMeetings('T', { ...LIST, pageSize: 2 });
    expect(listed.items.map((m) => m.id.slice(0, 2))).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(listed).toMatchObject({ complete: true, pages: 3 });
    expect(seen.slice(1)).toEqual([
      'Bearer T https://webexapis.test/v1/meetings?cursor=2&max=2&hostEmail=a%2Bb%40example.com',
      'Bearer T https://webexapis.test/v1/meetings?cursor=3&max=2&hostEmail=A%2Bb%40example.com',
    ]);
  });

  it('stops at the page bound and says the list is incomplete (a WebEx that never stops naming a next page)', async () => {
    let calls = 0;
    const client = clientWith(async () => {
      calls += 1;
      return page([item(calls)], `<https://webexapis.test/v1/meetings?cursor=${calls}&hostEmail=a%2Bb%40example.com>; rel="next"`);
    });
    const listed = await client.listMeetings('T', { ...LIST, maxPages: 3 });
    expect(calls).toBe(3);
    expect(listed).toMatchObject({ complete: false, pages: 3 });
    expect(listed.items).toHaveLength(3);
    calls = 0;
    expect((await client.listMeetings('T', LIST)).pages).toBe(5);
  });

  it.each([
    ['another origin', '<https://evil.example/v1/meetings?cursor=2>; rel="next"'],
    ['another endpoint', '<https://webexapis.test/v1/people?cursor=2>; rel="next"'],
    ['user info', '<https://x:y@webexapis.test/v1/meetings?cursor=2>; rel="next"'],
    // a next page must still be this person's list (one Python SDK saw Webex drop query parameters from next links, docs/webex.md §9.8)
    ["another person's list", '<https://webexapis.test/v1/meetings?cursor=2&hostEmail=bob%40example.com>; rel="next"'],
    ['a list of nobody in particular', '<https://webexapis.test/v1/meetings?cursor=2>; rel="next"'],
  ])('never follows a next link to %s: the bearer token stays home', async (_what, link) => {
    const seen: string[] = [];
    const client = clientWith(async (url) => {
      seen.push(url);
      return page([item(1)], link);
    });
    expect((await failure(client.listMeetings('T', LIST))).code).toBe('WEBEX_MALFORMED_RESPONSE');
    expect(seen).toHaveLength(1);
  });

  it('leaves out items without the fields it needs, counting them; a page without items is malformed', async () => {
    const client = clientWith(async () => page([item(1), { id: 'x' }, 'nonsense', item(2, { title: undefined })]));
    const listed = await client.listMeetings('T', LIST);
    expect(listed.items.map((m) => m.title)).toEqual(['Meeting 1', '']);
    expect(listed.skipped).toBe(2);
    expect((await failure(clientWith(async () => answer(200, '{"meetings":[]}')).listMeetings('T', LIST))).code).toBe('WEBEX_MALFORMED_RESPONSE');
  });

  it("a page may be larger than the client's usual limit, up to LIST_PAGE_MAX_BYTES", async () => {
    const items = Array.from({ length: 30 }, (_, n) => item(n));
    expect(JSON.stringify({ items }).length).toBeGreaterThan(2_048);
    expect((await clientWith(async () => page(items)).listMeetings('T', LIST)).items).toHaveLength(30);
    const huge = answer(200, 'x'.repeat(1_048_577));
    expect((await failure(clientWith(async () => huge).listMeetings('T', LIST))).code).toBe('WEBEX_RESPONSE_TOO_LARGE');
  });

  it.each([
    [401, 'WEBEX_CREDENTIAL_EXPIRED'],
    [403, 'WEBEX_APP_FORBIDDEN'],
    [404, 'WEBEX_USER_NOT_FOUND'],
    [400, 'WEBEX_HTTP_ERROR'],
    [429, 'WEBEX_RATE_LIMITED'],
    [500, 'WEBEX_SERVICE_DOWN'],
    [503, 'WEBEX_SERVICE_DOWN'],
  ])('meetings HTTP %i → %s', async (status, code) => {
    const err = await failure(
      clientWith(async () =>
        answer(status, WEBEX_ERROR('The server understood the request, but refused to fulfill it because the access token is missing required scopes.')),
      ).listMeetings('T', LIST),
    );
    expect(err).toMatchObject({ code, httpStatus: status, trackingId: 'ROUTER_1234' });
  });

  it('tells observe each page as the call "meetings"', async () => {
    const seen: string[] = [];
    let calls = 0;
    const client = clientWith(
      async () => (++calls === 1 ? page([item(1)], '</v1/meetings?cursor=1&hostEmail=a%2Bb%40example.com>; rel="next"') : answer(503, '')),
      { observe: (call: string, outcome: string) => seen.push(`${call} ${outcome}`) },
    );
    await failure(client.listMeetings('T', LIST));
    expect(seen).toEqual(['meetings OK', 'meetings WEBEX_SERVICE_DOWN']);
  });

  it("lists a meeting's invitees for its host, with their cohost flag", async () => {
    const seen: string[] = [];
    const client = clientWith(async (url) => {
      seen.push(url);
      return page([
        { id: 'i1', email: 'bob@example.com', displayName: 'Bob', coHost: false, meetingId: 'm1' },
        { id: 'i2', email: 'carol@example.com', coHost: true },
      ]);
    });
    const listed = await client.listInvitees('T', { meetingId: 'm1_20261025T080000Z', hostEmail: 'alice@example.com' });
    expect(listed.items).toEqual([
      { email: 'bob@example.com', coHost: false },
      { email: 'carol@example.com', coHost: true },
    ]);
    expect(seen).toEqual(['https://webexapis.test/v1/meetingInvitees?meetingId=m1_20261025T080000Z&hostEmail=alice%40example.com&max=100']);
  });
});

describe('nextLinkOf (RFC 5988 Link)', () => {
  it.each([
    ['<https://a.test/x?c=1>; rel="next"', 'https://a.test/x?c=1'],
    ['<https://a.test/p>; rel="prev", <https://a.test/n>; rel="next"', 'https://a.test/n'],
    ['<https://a.test/n>;rel=next', 'https://a.test/n'],
    ['<https://a.test/n>; rel="first next"', 'https://a.test/n'],
    ['<https://a.test/n>; REL="NEXT"', 'https://a.test/n'],
    ['<https://a.test/a,b>; title="x, y"; rel="next"', 'https://a.test/a,b'],
    ['<https://a.test/f>; rel="first"', undefined],
    ['<https://a.test/f>; rel="nextish"', undefined],
    ['', undefined],
    ['garbage', undefined],
  ])('%s → %s', (header, expected) => {
    expect(nextLinkOf(header)).toBe(expected);
  });
});
