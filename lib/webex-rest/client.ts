import { z } from 'zod';
import { type Answer, createExchange, type ExchangeOptions, observed, type TransportRequest, WebexError, type WebexErrorCode } from '../webex';
import { nextLinkOf, nextPageUrl } from './paging';

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

/**
 * `GET /meetings` for one person's window of days (docs/webex.md §9.8): the scheduled occurrences
 * (`meetingType=scheduledMeeting`) between `from` (inclusive) and `to` (exclusive), of the
 * meetings that person hosts or is invited to (`hostEmail`, which needs admin-level scopes).
 */
export interface ListMeetingsRequest {
  hostEmail: string;
  /** ISO 8601 instants */
  from: string;
  to: string;
  /** IANA zone sent as the `timezone` header: WebEx writes start and end in it */
  timeZone: string;
  /** only this site's meetings (e.g. acme.webex.com); without it, all the person's sites */
  siteUrl?: string;
  /** items per page, 1–100 (default LIST_PAGE_SIZE) */
  pageSize?: number;
  /** pages followed at most (default MAX_LIST_PAGES); a longer list comes back with `complete: false` */
  maxPages?: number;
}

/** One scheduled occurrence, as far as the portal reads it (never its password, host key or dial-in details). */
export interface ScheduledMeeting {
  /** the occurrence's id (meetingInvitees takes it) */
  id: string;
  meetingNumber: string | undefined;
  title: string;
  /** ISO 8601, in `timezone` or with an offset */
  start: string;
  end: string;
  timezone: string | undefined;
  /** scheduled, ready, ended, missed… as WebEx says */
  state: string | undefined;
  hostEmail: string | undefined;
  /** ready meetings: whether the host has joined */
  hostDidJoin: boolean | undefined;
  /** meeting, webinar or personalRoomMeeting */
  scheduledType: string | undefined;
}

/** A list read to its end, or to the page bound. */
export interface ListedPages<T> {
  items: T[];
  /** false: the bound stopped the paging before the last page */
  complete: boolean;
  /** items WebEx sent without the fields the portal needs, left out */
  skipped: number;
  pages: number;
}

/** An invitee of a meeting (`GET /meetingInvitees`): whether they are a cohost is all the portal asks. */
export interface MeetingInvitee {
  email: string;
  coHost: boolean;
}

/** The scope `GET /meetings?hostEmail=…` needs of a Service App (the issue and [R2]; unverified against an org, docs/webex.md §9.8). */
export const LIST_MEETINGS_SCOPE = 'meeting:admin_schedule_read';

/** The most items a page may hold [R2]: fewest round trips. */
export const LIST_PAGE_SIZE = 100;
/** Pages followed at most: 500 meetings in a window, far past a person's week, and a bound on a WebEx that never stops naming a next page. */
export const MAX_LIST_PAGES = 5;
/**
 * A page of up to 100 meetings is larger than the client's usual answers (WebEx's example item is
 * about 3 KiB, with telephony and options the portal ignores): a page may take this much, or the
 * client's own limit when that is larger.
 */
export const LIST_PAGE_MAX_BYTES = 1_048_576;

/** The Webex REST calls webex-sso makes, each with an access token. */
export interface WebexRestClient {
  joinMeeting(accessToken: string, request: JoinMeetingRequest): Promise<JoinLinks>;
  /** `GET /meetingPreferences/personalMeetingRoom?userEmail=…` (admin-level scopes for another user's room) */
  personalRoom(accessToken: string, userEmail: string): Promise<PersonalRoom>;
  /** `GET /people/me` */
  me(accessToken: string): Promise<RestIdentity>;
  /** `GET /meetings?meetingType=scheduledMeeting&hostEmail=…&from=…&to=…`, every page up to the bound */
  listMeetings(accessToken: string, request: ListMeetingsRequest): Promise<ListedPages<ScheduledMeeting>>;
  /** `GET /meetingInvitees?meetingId=…&hostEmail=…` (the meeting's host), every page up to the bound */
  listInvitees(accessToken: string, request: { meetingId: string; hostEmail: string; maxPages?: number }): Promise<ListedPages<MeetingInvitee>>;
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
// a list names no meeting: a 404 is a person (hostEmail) WebEx does not know on the site
const LISTS: StatusCodes = new Map([...COMMON, [404, 'WEBEX_USER_NOT_FOUND']]);

async function failureOf(answer: Answer, codes: StatusCodes, call: string): Promise<WebexError> {
  const code = codes.get(answer.status) ?? 'WEBEX_HTTP_ERROR';
  const said = await answer.text().then(describeFailure, () => ({}));
  const retryAfterSeconds = answer.status === 429 ? parseRetryAfter(answer.header('retry-after')) : undefined;
  return new WebexError(code, `WebEx answered ${call} with HTTP ${answer.status}`, { httpStatus: answer.status, retryAfterSeconds, ...said });
}

const JoinAnswer = z.object({ startLink: z.string().optional(), joinLink: z.string().optional(), expiration: z.string().optional() });
const PersonalRoomAnswer = z.object({ personalMeetingRoomLink: z.string().min(1), topic: z.string().optional() });
const PeopleMeAnswer = z.object({ id: z.string().min(1), displayName: z.string().optional(), orgId: z.string().optional() });
const ListAnswer = z.object({ items: z.array(z.unknown()) });
// z.object drops every field not named here: a meeting's password, host key and PINs are never read
const MeetingItem = z.object({
  id: z.string().min(1),
  meetingNumber: z.string().optional(),
  title: z.string().optional(),
  start: z.string().min(1),
  end: z.string().min(1),
  timezone: z.string().optional(),
  state: z.string().optional(),
  hostEmail: z.string().optional(),
  hostDidJoin: z.boolean().optional(),
  scheduledType: z.string().optional(),
});
const InviteeItem = z.object({ email: z.string().min(1), coHost: z.boolean().optional() });

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
  const pageLimit = Math.max(options.maxResponseBytes, LIST_PAGE_MAX_BYTES);

  /** One page of a list: its items as `item` reads them (others counted, left out) and the next page's link. */
  function page<T>(name: string, url: URL, request: TransportRequest, item: z.ZodType<T>): Promise<{ items: T[]; skipped: number; next: string | undefined }> {
    return observed(options.observe, name, () =>
      exchange(url.href, request, async (answer) => {
        if (answer.status < 200 || answer.status > 299) throw await failureOf(answer, LISTS, name);
        let json: unknown;
        try {
          json = JSON.parse(await answer.text(pageLimit));
        } catch (err) {
          if (err instanceof WebexError) throw err;
          throw new WebexError('WEBEX_MALFORMED_RESPONSE', `WebEx answered ${name} with something other than JSON`);
        }
        const list = ListAnswer.safeParse(json);
        if (!list.success) throw new WebexError('WEBEX_MALFORMED_RESPONSE', `WebEx answered ${name} without its items`);
        const items: T[] = [];
        for (const candidate of list.data.items) {
          const parsed = item.safeParse(candidate);
          if (parsed.success) items.push(parsed.data);
        }
        return { items, skipped: list.data.items.length - items.length, next: nextLinkOf(answer.header('link')) };
      }),
    );
  }

  /**
   * Every page of a list from `first`, following rel="next" on the same endpoint and for the same
   * `keep` parameter (whose list it is: a next page of someone else's is refused), at most `maxPages`.
   */
  async function allPages<T>(name: string, first: URL, request: TransportRequest, item: z.ZodType<T>, maxPages: number, keep: string): Promise<ListedPages<T>> {
    const endpoint = new URL(first.pathname, first);
    const items: T[] = [];
    let skipped = 0;
    let url: URL | undefined = first;
    let pages = 0;
    while (url && pages < maxPages) {
      const current: { items: T[]; skipped: number; next: string | undefined } = await page(name, url, request, item);
      pages += 1;
      items.push(...current.items);
      skipped += current.skipped;
      url = current.next === undefined ? undefined : nextPageUrl(current.next, url.href, endpoint);
      if (url && url.searchParams.get(keep)?.toLowerCase() !== first.searchParams.get(keep)?.toLowerCase()) {
        throw new WebexError('WEBEX_MALFORMED_RESPONSE', `WebEx named a next page of ${name} for another ${keep}: not followed`);
      }
    }
    return { items, complete: url === undefined, skipped, pages };
  }

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
    async listMeetings(accessToken, request) {
      const url = new URL(`${base}/meetings`);
      url.search = new URLSearchParams({
        meetingType: 'scheduledMeeting',
        hostEmail: request.hostEmail,
        from: request.from,
        to: request.to,
        max: String(request.pageSize ?? LIST_PAGE_SIZE),
        ...(request.siteUrl ? { siteUrl: request.siteUrl } : {}),
      }).toString();
      const listed = await allPages(
        'meetings',
        url,
        { method: 'GET', headers: { ...headers(accessToken), timezone: request.timeZone } },
        MeetingItem,
        request.maxPages ?? MAX_LIST_PAGES,
        'hostEmail',
      );
      const items = listed.items.map((m) => ({
        id: m.id,
        meetingNumber: m.meetingNumber,
        title: m.title ?? '',
        start: m.start,
        end: m.end,
        timezone: m.timezone,
        state: m.state,
        hostEmail: m.hostEmail,
        hostDidJoin: m.hostDidJoin,
        scheduledType: m.scheduledType,
      }));
      return { ...listed, items };
    },
    async listInvitees(accessToken, request) {
      const url = new URL(`${base}/meetingInvitees`);
      url.search = new URLSearchParams({ meetingId: request.meetingId, hostEmail: request.hostEmail, max: String(LIST_PAGE_SIZE) }).toString();
      const listed = await allPages(
        'meetingInvitees',
        url,
        { method: 'GET', headers: headers(accessToken) },
        InviteeItem,
        request.maxPages ?? MAX_LIST_PAGES,
        'meetingId',
      );
      return { ...listed, items: listed.items.map((i) => ({ email: i.email, coHost: i.coHost === true })) };
    },
  };
}
