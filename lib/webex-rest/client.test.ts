/** The REST client with the network off: every status a call can meet, size limit, deadline, bad JSON. */
import { describe, expect, it } from 'vitest';
import { type Transport, type TransportRequest, type TransportResponse, WebexError } from '../webex';
import { createWebexRestClient, parseRetryAfter } from './client';

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
