import { z } from 'zod';
import { type Answer, createExchange, type ExchangeOptions, observed, type TransportRequest, WebexError, type WebexErrorCode } from '../webex';

export interface WebexRestClientOptions extends ExchangeOptions {
  /** e.g. https://webexapis.com/v1 (the simulator's …/v1 in tests) */
  baseUrl: string;
  /** told of every call: its name, OK or the error code, and how long it took (metrics) */
  observe?: (call: string, outcome: string, seconds: number) => void;
}

/**
 * A `POST /meetings/join` as the portal sends it (docs/webex.md §9.2, [R1]): one meeting (its number,
 * or the personal room's link as `webLink`), the host the Service App acts for, and for a join the
 * person who joins. `joinDirectly` is always false: the portal wants the links, not WebEx's 302.
 */
export interface JoinMeetingRequest {
  meeting: { meetingNumber: string } | { webLink: string };
  /** required of a Service App ("on behalf of another meeting host") */
  hostEmail: string;
  /** who joins (a join), shown in the meeting */
  attendee?: { email: string; displayName: string };
  /** lifetime of joinLink, 1–60 */
  expirationMinutes: number;
}

/** What `POST /meetings/join` answered; links are used at once and never kept. */
export interface JoinLinks {
  startLink: string | undefined;
  joinLink: string | undefined;
  /** when joinLink stops working (ISO-8601), as WebEx said */
  expiration: string | undefined;
}

/** The parts of a personal room the portal uses (never its host PIN). */
export interface PersonalRoom {
  /** the room's web link, which /meetings/join takes as `webLink` (unverified, docs/webex.md §9.4) */
  link: string;
  topic: string | undefined;
}

/** Who the access token belongs to (`GET /people/me`), for the admin's check. */
export interface RestIdentity {
  id: string;
  displayName: string | undefined;
  orgId: string | undefined;
}

/** The Webex REST calls webex-sso makes, each with an access token. */
export interface WebexRestClient {
  joinMeeting(accessToken: string, request: JoinMeetingRequest): Promise<JoinLinks>;
  /** `GET /meetingPreferences/personalMeetingRoom?userEmail=…` (admin-level scopes for another user's room) */
  personalRoom(accessToken: string, userEmail: string): Promise<PersonalRoom>;
  /** `GET /people/me` */
  me(accessToken: string): Promise<RestIdentity>;
}

const MAX_RETRY_AFTER_SECONDS = 3_600;

/** Retry-After as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : (Date.parse(trimmed) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));
}

// Webex's error body: { message, errors: [{ description }], trackingId } (unverified beyond these names)
const ErrorBody = z.object({ message: z.string().optional(), trackingId: z.string().optional() });

/** What a failed call said, for the audit: WebEx's message and trackingId, at most a line of each. */
function describeFailure(text: string): { reason?: string; trackingId?: string } {
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    if (!body.success) return {};
    return { reason: body.data.message?.slice(0, 300), trackingId: body.data.trackingId?.slice(0, 100) };
  } catch {
    return {};
  }
}

/** Which code each call's error statuses mean; the rest follow HTTP's meaning. */
type StatusCodes = ReadonlyMap<number, WebexErrorCode>;

const COMMON: StatusCodes = new Map<number, WebexErrorCode>([
  // the access token is not (or no longer) valid: the caller renews it once
  [401, 'WEBEX_CREDENTIAL_EXPIRED'],
  [403, 'WEBEX_APP_FORBIDDEN'],
  [429, 'WEBEX_RATE_LIMITED'],
  [500, 'WEBEX_SERVICE_DOWN'],
  [502, 'WEBEX_SERVICE_DOWN'],
  [503, 'WEBEX_SERVICE_DOWN'],
  [504, 'WEBEX_SERVICE_DOWN'],
]);
const JOIN: StatusCodes = new Map([...COMMON, [400, 'WEBEX_MEETING_NOT_FOUND'], [404, 'WEBEX_MEETING_NOT_FOUND']]);
const PERSONAL_ROOM: StatusCodes = new Map([...COMMON, [400, 'WEBEX_USER_NOT_FOUND'], [404, 'WEBEX_USER_NOT_FOUND']]);

async function failureOf(answer: Answer, codes: StatusCodes, call: string): Promise<WebexError> {
  const code = codes.get(answer.status) ?? 'WEBEX_HTTP_ERROR';
  const said = await answer.text().then(describeFailure, () => ({}));
  const retryAfterSeconds = answer.status === 429 ? parseRetryAfter(answer.header('retry-after')) : undefined;
  return new WebexError(code, `WebEx answered ${call} with HTTP ${answer.status}`, { httpStatus: answer.status, retryAfterSeconds, ...said });
}

const JoinAnswer = z.object({ startLink: z.string().optional(), joinLink: z.string().optional(), expiration: z.string().optional() });
const PersonalRoomAnswer = z.object({ personalMeetingRoomLink: z.string().min(1), topic: z.string().optional() });
const PeopleMeAnswer = z.object({ id: z.string().min(1), displayName: z.string().optional(), orgId: z.string().optional() });

/** Creates a client of the Webex REST API on the process's transport, with the XML client's habits. */
export function createWebexRestClient(options: WebexRestClientOptions): WebexRestClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const exchange = createExchange(options);

  function call<T>(name: string, path: string, request: TransportRequest, codes: StatusCodes, schema: z.ZodType<T>): Promise<T> {
    return observed(options.observe, name, () =>
      exchange(`${base}${path}`, request, async (answer) => {
        if (answer.status < 200 || answer.status > 299) throw await failureOf(answer, codes, name);
        const text = await answer.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new WebexError('WEBEX_MALFORMED_RESPONSE', `WebEx answered ${name} with something other than JSON`);
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw new WebexError('WEBEX_MALFORMED_RESPONSE', `WebEx answered ${name} without the fields it documents`);
        return parsed.data;
      }),
    );
  }

  const headers = (accessToken: string) => ({ authorization: `Bearer ${accessToken}`, accept: 'application/json' });

  return {
    async joinMeeting(accessToken, request) {
      const body = {
        ...request.meeting,
        joinDirectly: false,
        hostEmail: request.hostEmail,
        ...(request.attendee ? { email: request.attendee.email, displayName: request.attendee.displayName.slice(0, 128) } : {}),
        expirationMinutes: request.expirationMinutes,
      };
      const answer = await call(
        'meetings/join',
        '/meetings/join',
        { method: 'POST', headers: { ...headers(accessToken), 'content-type': 'application/json' }, body: JSON.stringify(body) },
        JOIN,
        JoinAnswer,
      );
      return { startLink: answer.startLink, joinLink: answer.joinLink, expiration: answer.expiration };
    },
    async personalRoom(accessToken, userEmail) {
      const query = new URLSearchParams({ userEmail });
      const answer = await call(
        'meetingPreferences/personalMeetingRoom',
        `/meetingPreferences/personalMeetingRoom?${query}`,
        { method: 'GET', headers: headers(accessToken) },
        PERSONAL_ROOM,
        PersonalRoomAnswer,
      );
      return { link: answer.personalMeetingRoomLink, topic: answer.topic };
    },
    async me(accessToken) {
      const answer = await call('people/me', '/people/me', { method: 'GET', headers: headers(accessToken) }, COMMON, PeopleMeAnswer);
      return { id: answer.id, displayName: answer.displayName, orgId: answer.orgId };
    },
  };
}
