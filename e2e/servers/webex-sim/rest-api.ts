/**
 * The Webex REST API, as far as the portal's REST path uses it [docs/webex.md §9]:
 * `POST /v1/meetings/join`, `GET /v1/meetingPreferences/personalMeetingRoom`, `GET /v1/people/me`,
 * `GET /v1/meetings` and `GET /v1/meetingInvitees` (meeting-list.ts), and the start/join links
 * `meetings/join` hands out (join-links.ts). Callers are the
 * organisation's Service App (service-app.ts): no other tokens are modelled, so every caller must
 * send `hostEmail` ("For Service Apps, hostEmail must be provided" [R1]).
 *
 * meetings/join, from docs/webex.md §9.2: exactly one of meetingId, meetingNumber, webLink;
 * `joinDirectly` true (the default) answers 302 to joinLink, false answers 200 JSON with
 * startLink, joinLink, expiration; `displayName` needs `email` and has at most 128 characters;
 * `expirationMinutes` 1–60; only the meeting's host or a cohost gets a startLink;
 * `create*AsWebLink` answer plain web links. Errors are Webex's `{ message, errors, trackingId }`.
 *
 * Simulator's choices, unverified: an unknown meeting or hostEmail is 400; a hostEmail that is
 * neither host nor cohost gets a joinLink and no startLink (the `not-host` fault answers 403
 * instead); `expirationMinutes` defaults to 5; a personal room's `personalMeetingRoomLink` works as
 * `webLink` and its owner is its host; a Service App must name `userEmail` to read a personal room;
 * `GET /people/me` answers for the app itself with the org's ID.
 */
import { escapeHtml, renderPage } from './html';
import { htmlAnswer, type HttpAnswer } from './http';
import type { JoinLinkStore, LinkHolder } from './join-links';
import { createMeetingListApi } from './meeting-list';
import { meetingIdOf, meetingPage, type BoardMeeting, type MeetingBoard } from './meetings';
import { jsonAnswer, webexErrorBody, type ServiceAppServer } from './service-app';
import type { FaultBoard } from './faults';
import type { RestCall, SimStats, SimUser } from './types';
import type { UserDirectory } from './users';

export const REST_PATHS: ReadonlyMap<string, { method: 'GET' | 'POST'; call: RestCall }> = new Map([
  ['/v1/meetings/join', { method: 'POST', call: 'meetings/join' }],
  ['/v1/meetingPreferences/personalMeetingRoom', { method: 'GET', call: 'meetingPreferences/personalMeetingRoom' }],
  ['/v1/people/me', { method: 'GET', call: 'people/me' }],
  ['/v1/meetings', { method: 'GET', call: 'meetings' }],
  ['/v1/meetingInvitees', { method: 'GET', call: 'meetingInvitees' }],
] as const);

// what Webex answers a token without a scope the call needs (simulator's wording; the portal reads only the status)
const MISSING_SCOPE = 'The server understood the request, but refused to fulfill it because the access token is missing required scopes.';

const DEFAULT_EXPIRATION_MINUTES = 5; // unverified
const MAX_DISPLAY_NAME = 128;

export interface RestApiDeps {
  siteName: string;
  users: UserDirectory;
  meetings: MeetingBoard;
  serviceApp: ServiceAppServer;
  links: JoinLinkStore;
  faults: FaultBoard;
  stats: SimStats;
  now: () => number;
  /** the simulator's own origin: links and web links point here */
  origin: () => string;
}

export interface RestRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** the `timezone` request header (GET /v1/meetings) */
  timezone?: string;
  body: string;
}

export type RestOutcome = { kind: 'answer'; answer: HttpAnswer; delayMs: number; note: string } | { kind: 'hang'; note: string };

/** A meeting or a personal room: what meetings/join can open. */
type Joinable = { kind: 'meeting'; meeting: BoardMeeting; id: string } | { kind: 'personal-room'; owner: SimUser; id: string };

const error = (status: number, message: string, headers: Record<string, string> = {}) => jsonAnswer(status, webexErrorBody(message), headers);

export interface RestApi {
  answer(request: RestRequest): RestOutcome;
  /** GET on a start/join link: the meeting page as the link's holder, or why not */
  openLink(meetingId: string, params: URLSearchParams): HttpAnswer;
}

export function createRestApi(deps: RestApiDeps): RestApi {
  const startedRooms = new Set<string>();
  /** personal room id → its owner's WebEx ID, once a link to it was made */
  const roomOwners = new Map<string, string>();

  const lists = createMeetingListApi({ siteName: deps.siteName, users: deps.users, meetings: deps.meetings, now: deps.now, origin: deps.origin });
  const personalRoomId = (owner: SimUser) => `pmr${meetingIdOf(`pmr:${owner.webExID.toLowerCase()}`).slice(3)}`;
  const personalRoomLink = (owner: SimUser) => new URL(`/meet/${encodeURIComponent(owner.webExID)}`, deps.origin()).href;
  const meetingWebLink = (meeting: BoardMeeting) => {
    const url = new URL(`/${encodeURIComponent(deps.siteName)}/j.php`, deps.origin());
    url.searchParams.set('MTID', `m${meeting.id}`);
    return url.href;
  };

  function findJoinable(field: 'meetingId' | 'meetingNumber' | 'webLink', value: string): Joinable | undefined {
    if (field === 'meetingNumber') {
      const meeting = deps.meetings.find(value);
      return meeting && { kind: 'meeting', meeting, id: meeting.id };
    }
    if (field === 'meetingId') {
      const meeting = deps.meetings.findById(value);
      return meeting && { kind: 'meeting', meeting, id: meeting.id };
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    if (url.pathname === `/${encodeURIComponent(deps.siteName)}/j.php`) {
      const meeting = deps.meetings.findById((url.searchParams.get('MTID') ?? '').slice(1));
      return meeting && { kind: 'meeting', meeting, id: meeting.id };
    }
    if (url.pathname.startsWith('/meet/')) {
      const owner = deps.users.find({ webExID: decodeURIComponent(url.pathname.slice('/meet/'.length)) });
      if (!owner) return undefined;
      roomOwners.set(personalRoomId(owner), owner.webExID);
      return { kind: 'personal-room', owner, id: personalRoomId(owner) };
    }
    return undefined;
  }

  function isHost(joinable: Joinable, user: SimUser): boolean {
    const id = user.webExID.toLowerCase();
    if (joinable.kind === 'personal-room') return joinable.owner.webExID.toLowerCase() === id;
    return joinable.meeting.hostWebExID.toLowerCase() === id || (joinable.meeting.cohostWebExIDs ?? []).some((c) => c.toLowerCase() === id);
  }

  function joinMeeting(json: Record<string, unknown>, hostUser: SimUser | undefined): HttpAnswer {
    const selectors = (['meetingId', 'meetingNumber', 'webLink'] as const).filter((name) => json[name] !== undefined);
    if (selectors.length !== 1) return error(400, 'Exactly one of meetingId, meetingNumber and webLink must be given: they are mutually exclusive.');
    const [field] = selectors as [(typeof selectors)[number]];
    const value = json[field];
    if (typeof value !== 'string' || value === '') return error(400, `${field} must be a non-empty string.`);
    const { joinDirectly = true, email, displayName, expirationMinutes = DEFAULT_EXPIRATION_MINUTES, hostEmail } = json;
    if (typeof joinDirectly !== 'boolean') return error(400, 'joinDirectly must be a boolean.');
    if (email !== undefined && (typeof email !== 'string' || !email.includes('@'))) return error(400, 'email must be an e-mail address.');
    if (displayName !== undefined && (typeof displayName !== 'string' || email === undefined)) return error(400, 'displayName needs email.');
    if (typeof displayName === 'string' && displayName.length > MAX_DISPLAY_NAME) return error(400, `displayName has at most ${MAX_DISPLAY_NAME} characters.`);
    if (typeof expirationMinutes !== 'number' || !Number.isInteger(expirationMinutes) || expirationMinutes < 1 || expirationMinutes > 60) {
      return error(400, 'expirationMinutes must be an integer from 1 to 60.');
    }
    if (hostEmail === undefined) return error(400, 'hostEmail is required when a Service App generates links.');
    if (typeof hostEmail !== 'string' || !hostUser) return error(400, 'hostEmail is not a user of this site.');
    const joinable = findJoinable(field, value);
    if (!joinable) return error(400, 'Meeting not found.');

    const expiresAt = deps.now() + expirationMinutes * 60_000;
    const webLink = joinable.kind === 'meeting' ? meetingWebLink(joinable.meeting) : personalRoomLink(joinable.owner);
    const issue = (holder: LinkHolder) => {
      deps.stats.meetingLinksIssued += 1;
      return deps.links.issue(deps.origin(), deps.siteName, holder, expiresAt);
    };
    const attendee = typeof email === 'string' ? deps.users.find({ email }) : hostUser;
    const who = attendee ? { webExID: attendee.webExID } : { guest: typeof displayName === 'string' ? displayName : String(email) };
    const joinLink = json.createJoinLinkAsWebLink === true ? webLink : issue({ meetingId: joinable.id, role: 'attendee', who });
    const startLink = !isHost(joinable, hostUser)
      ? undefined
      : json.createStartLinkAsWebLink === true
        ? webLink
        : issue({ meetingId: joinable.id, role: 'host', who: { webExID: hostUser.webExID } });
    if (joinDirectly) return { status: 302, headers: { location: joinLink, 'cache-control': 'no-store' }, body: '' };
    const bothWebLinks = json.createJoinLinkAsWebLink === true && json.createStartLinkAsWebLink === true;
    return jsonAnswer(
      200,
      JSON.stringify({
        ...(startLink ? { startLink } : {}),
        joinLink,
        ...(bothWebLinks ? {} : { expiration: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z') }),
      }),
    );
  }

  function personalRoom(query: URLSearchParams): HttpAnswer {
    const userEmail = query.get('userEmail');
    if (!userEmail) return error(400, 'userEmail is required when a Service App reads a personal room.');
    const owner = deps.users.find({ email: userEmail });
    if (!owner) return error(404, 'The user is not found.');
    const name = [owner.firstName, owner.lastName].filter(Boolean).join(' ') || owner.webExID;
    return jsonAnswer(
      200,
      JSON.stringify({
        topic: `${name}'s Personal Room`,
        hostPin: String(1000 + (parseInt(personalRoomId(owner).slice(3, 9), 16) % 9000)),
        personalMeetingRoomLink: personalRoomLink(owner),
        supportCoHost: false,
        sipAddress: `${owner.webExID.split('@')[0]}@${deps.siteName}.webex.com`,
      }),
    );
  }

  return {
    answer(request) {
      deps.stats.restRequests += 1;
      const route = REST_PATHS.get(request.pathname);
      if (!route) return { kind: 'answer', answer: error(404, 'Not found.'), delayMs: 0, note: 'rest 404' };
      if (request.method !== route.method)
        return { kind: 'answer', answer: error(405, 'Method not allowed.', { allow: route.method }), delayMs: 0, note: 'rest 405' };

      let json: Record<string, unknown> = {};
      if (route.method === 'POST') {
        try {
          const parsed: unknown = JSON.parse(request.body);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
          json = parsed as Record<string, unknown>;
        } catch {
          return { kind: 'answer', answer: error(400, 'The request body must be a JSON object.'), delayMs: 0, note: `rest ${route.call} bad JSON` };
        }
      }
      const named =
        route.call === 'meetings/join'
          ? json.hostEmail
          : route.call === 'meetingPreferences/personalMeetingRoom'
            ? request.query.get('userEmail')
            : request.query.get('hostEmail');
      const user = typeof named === 'string' ? deps.users.find({ email: named }) : undefined;
      const fault = deps.faults.take({ api: 'rest', call: route.call, webExID: user?.webExID });
      const note = `rest ${route.call}${fault ? ` fault=${fault.kind}` : ''}`;
      const answer = (value: HttpAnswer, delayMs = 0): RestOutcome => ({ kind: 'answer', answer: value, delayMs, note });
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.authorization ?? '')?.[1] ?? '';

      switch (fault?.kind) {
        case 'hang':
          return { kind: 'hang', note };
        case 'service-app-revoked':
          deps.serviceApp.revokeGrantOf(bearer);
          break;
        case 'rest-access-token-expired':
          deps.serviceApp.expire(bearer);
          break;
        case 'rest-status': {
          const retry: Record<string, string> = fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {};
          return answer(error(fault.status, fault.status === 429 ? 'Too Many Requests' : `Simulated HTTP ${fault.status}`, retry));
        }
        case 'meeting-not-found':
          return answer(error(400, 'Meeting not found.'));
        case 'not-host':
          return answer(error(403, 'The hostEmail is neither the host nor a cohost of this meeting.'));
        case 'missing-scope':
          return answer(jsonAnswer(403, webexErrorBody(MISSING_SCOPE, fault.scope ? { simulatedMissingScope: fault.scope } : {})));
        default:
          break;
      }
      if (!deps.serviceApp.grantOf(bearer)) return answer(error(401, 'The request requires a valid access token set in the Authorization request header.'));
      const delayMs = fault?.kind === 'latency' ? fault.ms : 0;
      if (route.call === 'meetings/join') return answer(joinMeeting(json, user), delayMs);
      if (route.call === 'meetingPreferences/personalMeetingRoom') return answer(personalRoom(request.query), delayMs);
      if (route.call === 'meetings') return answer(lists.meetings(request.query, request.timezone, user), delayMs);
      if (route.call === 'meetingInvitees') return answer(lists.invitees(request.query, user), delayMs);
      return answer(
        jsonAnswer(
          200,
          JSON.stringify({
            id: `Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL3NlcnZpY2UtYXBw`,
            displayName: 'webex-sso Service App',
            orgId: deps.serviceApp.orgId,
            type: 'appuser',
          }),
        ),
        delayMs,
      );
    },

    openLink(meetingId, params) {
      const holder = deps.links.redeem(meetingId, params);
      if (holder === undefined || holder === 'used' || holder === 'expired') {
        const why = holder === 'used' ? 'It was already used.' : holder === 'expired' ? 'It has expired.' : 'It is not a link WebEx issued.';
        return htmlAnswer(403, renderPage('WebEx', `<h1>This meeting link is no longer valid</h1><p>${escapeHtml(why)}</p>`));
      }
      return meetingPageFor(holder);
    },
  };

  /** The meeting as the link's holder sees it (no site session is made). */
  function meetingPageFor(holder: LinkHolder): HttpAnswer {
    const who = 'webExID' in holder.who ? holder.who.webExID : `${holder.who.guest} (guest)`;
    const meeting = deps.meetings.findById(holder.meetingId);
    if (meeting) {
      if (holder.role === 'host') {
        deps.meetings.start(meeting.number);
        return meetingPage(deps.siteName, meeting, `Hosting WebEx meeting ${meeting.number} as ${who}`);
      }
      return meetingPage(
        deps.siteName,
        meeting,
        meeting.inProgress ? `In WebEx meeting ${meeting.number} as ${who}` : `Waiting in the lobby of WebEx meeting ${meeting.number} as ${who}`,
      );
    }
    // a personal room: its id is not a meeting's
    const room = `the personal room of ${roomOwners.get(holder.meetingId) ?? 'someone'}`;
    if (holder.role === 'host') {
      startedRooms.add(holder.meetingId);
      return meetingPage(deps.siteName, { topic: 'Personal room' }, `Hosting ${room} as ${who}`);
    }
    return meetingPage(
      deps.siteName,
      { topic: 'Personal room' },
      startedRooms.has(holder.meetingId) ? `In ${room} as ${who}` : `Waiting in the lobby of ${room} as ${who}`,
    );
  }
}
