/**
 * `GET /v1/meetings` and `GET /v1/meetingInvitees` as the portal's home page uses them
 * [docs/webex.md §9.8, R2, R7], for the organisation's Service App:
 *
 * - meetings: `hostEmail` lists the meetings that person hosts or is invited to (cohosts are
 *   invitees), `meetingType=scheduledMeeting` their occurrences between `from` (inclusive) and `to`
 *   (exclusive), any ISO 8601, `from` not after `to`, by default from now to 7 days on; `max` (default
 *   10, at most 100) per page, the next page in an RFC 5988 `Link: <…>; rel="next"`; `siteUrl` only
 *   that site's; the `timezone` header (IANA, default UTC) writes start and end. Items carry what
 *   WebEx's do, password and host key included, which the portal must leave unread.
 * - meetingInvitees: the invitees of a meeting (`meetingId`, a series or an occurrence), asked of its
 *   host (`hostEmail`), sorted by e-mail, `coHost` telling the cohosts, paged the same way.
 *
 * Simulator's choices, unverified: a Service App must send `hostEmail` (it has no meetings of its
 * own); unknown parameters, an unknown `hostEmail` (404) and a foreign `siteUrl` are refused rather
 * than ignored; only `meetingType=scheduledMeeting` is simulated, one occurrence per meeting; an
 * occurrence is listed when it overlaps the window; it is `scheduled`, `ready` from 15 minutes
 * before its start until its end (`hostDidJoin` once the host started it), then `missed`; times
 * carry the zone's offset (Z in UTC); a `hostEmail` who is not the meeting's host gets 404 from
 * meetingInvitees; the page cursor is the simulator's own.
 */
import { createHash } from 'node:crypto';
import type { HttpAnswer } from './http';
import type { BoardMeeting, MeetingBoard } from './meetings';
import { jsonAnswer, webexErrorBody } from './service-app';
import type { SimUser } from './types';
import type { UserDirectory } from './users';

const DEFAULT_MAX = 10;
const MAX_MAX = 100;
const DEFAULT_DURATION_MINUTES = 30;
const READY_BEFORE_MS = 15 * 60_000;
const DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60_000;
const MEETING_TYPES = new Set(['meetingSeries', 'scheduledMeeting', 'meeting']);
const LIST_PARAMS = new Set(['meetingType', 'hostEmail', 'from', 'to', 'max', 'siteUrl', 'cursor']);
const INVITEE_PARAMS = new Set(['meetingId', 'hostEmail', 'max', 'cursor']);
const ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export interface MeetingListDeps {
  siteName: string;
  users: UserDirectory;
  meetings: MeetingBoard;
  now: () => number;
  origin: () => string;
}

const error = (status: number, message: string) => jsonAnswer(status, webexErrorBody(message));

/** A zone the simulator knows (aliases such as Asia/Kolkata resolve), else undefined. */
function knownZone(value: string): string | undefined {
  if (ZONES.has(value)) return value;
  try {
    return ZONES.has(new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `2026-10-25T10:00:00+01:00` in the zone (Z in UTC), as a list answer writes start and end. */
export function zonedIso(instant: number, zone: string): string {
  const parts = new Map<string, string>(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const get = (type: string) => parts.get(type) ?? '00';
  const wall = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
  const offsetMinutes = Math.round((Date.parse(`${wall}Z`) - Math.floor(instant / 1000) * 1000) / 60_000);
  if (offsetMinutes === 0 && zone === 'UTC') return `${wall}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** An ISO 8601 instant or date as WebEx takes `from` and `to`; NaN for anything else. */
function parseInstant(value: string): number {
  return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(value) ? Date.parse(value) : Number.NaN;
}

/** The page size: 1–100, default 10. */
function pageSize(query: URLSearchParams): number | HttpAnswer {
  const raw = query.get('max');
  if (raw === null) return DEFAULT_MAX;
  const max = Number(raw);
  return Number.isInteger(max) && max >= 1 && max <= MAX_MAX ? max : error(400, `max must be an integer from 1 to ${MAX_MAX}.`);
}

function unknownParameter(query: URLSearchParams, allowed: ReadonlySet<string>): HttpAnswer | undefined {
  const unknown = [...new Set(query.keys())].filter((name) => !allowed.has(name));
  const repeated = [...new Set(query.keys())].filter((name) => query.getAll(name).length > 1);
  if (unknown.length > 0) return error(400, `webex-sim: unsupported parameter ${unknown.join(', ')}.`);
  if (repeated.length > 0) return error(400, `${repeated.join(', ')} must be given once.`);
  return undefined;
}

const cursorOf = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64url');

/** One page of `items` from the query's cursor, with the Link header naming the next page. */
function paged(items: readonly unknown[], query: URLSearchParams, path: string, origin: string, max: number): HttpAnswer {
  let offset = 0;
  const cursor = query.get('cursor');
  if (cursor !== null) {
    try {
      const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
      if (typeof parsed.offset !== 'number' || !Number.isInteger(parsed.offset) || parsed.offset < 0) throw new TypeError('bad offset');
      offset = parsed.offset;
    } catch {
      return error(400, 'The cursor is not one this API issued.');
    }
  }
  const headers: Record<string, string> = {};
  if (offset + max < items.length) {
    const next = new URL(path, origin);
    for (const [name, value] of query) if (name !== 'cursor') next.searchParams.append(name, value);
    next.searchParams.set('cursor', cursorOf(offset + max));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return jsonAnswer(200, JSON.stringify({ items: items.slice(offset, offset + max) }), headers);
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The invitees of a meeting, cohosts included, never its host. */
function inviteesOf(meeting: BoardMeeting): { webExID: string; coHost: boolean }[] {
  const seen = new Map<string, { webExID: string; coHost: boolean }>();
  for (const id of meeting.cohostWebExIDs ?? []) if (!same(id, meeting.hostWebExID)) seen.set(id.toLowerCase(), { webExID: id, coHost: true });
  for (const id of meeting.inviteeWebExIDs ?? [])
    if (!same(id, meeting.hostWebExID) && !seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), { webExID: id, coHost: false });
  return [...seen.values()];
}

const digest = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);
const compactStamp = (instant: number) =>
  new Date(instant)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

export interface MeetingListApi {
  meetings(query: URLSearchParams, timezone: string | undefined, hostUser: SimUser | undefined): HttpAnswer;
  invitees(query: URLSearchParams, hostUser: SimUser | undefined): HttpAnswer;
}

export function createMeetingListApi(deps: MeetingListDeps): MeetingListApi {
  const siteUrl = `${deps.siteName}.webex.com`;
  const displayName = (user: SimUser | undefined, fallback: string) => [user?.firstName, user?.lastName].filter(Boolean).join(' ') || fallback;

  function occurrence(meeting: BoardMeeting, zone: string, hostUser: SimUser | undefined) {
    const start = meeting.start ?? 0;
    const end = start + (meeting.durationMinutes ?? DEFAULT_DURATION_MINUTES) * 60_000;
    const now = deps.now();
    const state = meeting.inProgress || (now >= start - READY_BEFORE_MS && now < end) ? 'ready' : now < start ? 'scheduled' : 'missed';
    const host = deps.users.find({ webExID: meeting.hostWebExID });
    const webLink = new URL(`/${encodeURIComponent(deps.siteName)}/j.php`, deps.origin());
    webLink.searchParams.set('MTID', `m${meeting.id}`);
    const isHost = hostUser !== undefined && same(hostUser.webExID, meeting.hostWebExID);
    return {
      id: `${meeting.id}_${compactStamp(start)}`,
      meetingSeriesId: meeting.id,
      meetingNumber: meeting.number,
      title: meeting.topic ?? 'WebEx meeting',
      password: `Sim${digest(`password:${meeting.number}`, 6)}`,
      meetingType: 'scheduledMeeting',
      state,
      ...(state === 'ready' ? { hostDidJoin: meeting.inProgress, attendeeDidJoin: meeting.inProgress } : {}),
      isModified: false,
      timezone: zone,
      start: zonedIso(start, zone),
      end: zonedIso(end, zone),
      hostUserId: `Y2lzY29zcGFyazovL3VzL1BFT1BMRS8${digest(`person:${meeting.hostWebExID.toLowerCase()}`, 24)}`,
      hostDisplayName: displayName(host, meeting.hostWebExID),
      hostEmail: host?.email ?? meeting.hostWebExID,
      ...(isHost ? { hostKey: String(100000 + (parseInt(digest(`key:${meeting.number}`, 5), 16) % 900000)) } : {}),
      siteUrl,
      webLink: webLink.href,
      sipAddress: `${meeting.number}@${siteUrl}`,
      scheduledType: 'meeting',
    };
  }

  return {
    meetings(query, timezone, hostUser) {
      const refused = unknownParameter(query, LIST_PARAMS);
      if (refused) return refused;
      const type = query.get('meetingType') ?? 'meetingSeries';
      if (!MEETING_TYPES.has(type)) return error(400, 'meetingType must be one of meetingSeries, scheduledMeeting, meeting.');
      if (type !== 'scheduledMeeting')
        return error(400, `webex-sim: meetingType=${type}${query.has('meetingType') ? '' : ' (the default)'} is not simulated; ask for scheduledMeeting.`);
      const hostEmail = query.get('hostEmail');
      if (!hostEmail) return error(400, 'hostEmail is required when a Service App lists meetings.');
      if (!hostUser) return error(404, 'The user is not found.');
      const zone = timezone === undefined ? 'UTC' : knownZone(timezone);
      if (!zone) return error(400, 'The timezone header must name an IANA time zone, e.g. Europe/Berlin.');
      const max = pageSize(query);
      if (typeof max !== 'number') return max;
      const site = query.get('siteUrl');
      if (site !== null && !same(site, siteUrl)) return error(400, `siteUrl ${site} is not a site of this user.`);
      const fromText = query.get('from');
      const toText = query.get('to');
      const from = fromText === null ? (toText === null ? deps.now() : parseInstant(toText) - DEFAULT_WINDOW_MS) : parseInstant(fromText);
      const to = toText === null ? from + DEFAULT_WINDOW_MS : parseInstant(toText);
      if (!Number.isFinite(from) || !Number.isFinite(to)) return error(400, 'from and to must be ISO 8601 dates or times.');
      if (from > to) return error(400, 'from cannot be after to.');

      const theirs = deps.meetings.all().filter((meeting) => {
        if (meeting.start === undefined) return false;
        const end = meeting.start + (meeting.durationMinutes ?? DEFAULT_DURATION_MINUTES) * 60_000;
        const involved = same(meeting.hostWebExID, hostUser.webExID) || inviteesOf(meeting).some((i) => same(i.webExID, hostUser.webExID));
        return involved && meeting.start < to && end > from;
      });
      theirs.sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || a.number.localeCompare(b.number));
      return paged(
        theirs.map((meeting) => occurrence(meeting, zone, hostUser)),
        query,
        '/v1/meetings',
        deps.origin(),
        max,
      );
    },

    invitees(query, hostUser) {
      const refused = unknownParameter(query, INVITEE_PARAMS);
      if (refused) return refused;
      const meetingId = query.get('meetingId');
      if (!meetingId) return error(400, 'meetingId is required.');
      if (!query.get('hostEmail')) return error(400, 'hostEmail is required when a Service App lists meeting invitees.');
      const max = pageSize(query);
      if (typeof max !== 'number') return max;
      // a series id, or one occurrence's (series id _ its start)
      const meeting = deps.meetings.findById(meetingId.split('_')[0] ?? '');
      if (!meeting || !hostUser || !same(meeting.hostWebExID, hostUser.webExID)) return error(404, 'Meeting not found.');
      const items = inviteesOf(meeting)
        .map((invitee) => {
          const user = deps.users.find({ webExID: invitee.webExID });
          const email = user?.email ?? invitee.webExID;
          return {
            id: digest(`invitee:${meeting.id}:${email.toLowerCase()}`, 32),
            email,
            displayName: displayName(user, email),
            coHost: invitee.coHost,
            meetingId,
            panelist: false,
          };
        })
        .sort((a, b) => a.email.localeCompare(b.email));
      return paged(items, query, '/v1/meetingInvitees', deps.origin(), max);
    },
  };
}
