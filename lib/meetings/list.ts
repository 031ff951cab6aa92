import { log } from '../log';
import { type MeetingNumber, parseMeetingNumber, WebexError, type WebexErrorCode } from '../webex';
import type { ListedPages, MeetingInvitee, ScheduledMeeting, TokenSource, WebexRestClient } from '../webex-rest';
import { createViewCache, type ViewCache } from './cache';
import { dayWindow, type DayWindow, isoInstant, parseWebexTime } from './time-zone';

/**
 * "My meetings": the WebEx meetings of one signed-in employee for today and the next 7 days, read
 * as the company's Service App (`GET /meetings?hostEmail=…`, docs/webex.md §9.8) and kept for a
 * short time per employee, zone and day. A view, never an authorization: a Join or Start from the
 * list goes through the launch, which asks WebEx again. What WebEx says of a meeting (its title,
 * its links) is never logged, audited or put in a metric; only counts and failure codes are.
 */
export type MeetingRoleOfEmployee = 'host' | 'cohost' | 'invitee';

export interface MyMeeting {
  /** the occurrence's id at WebEx */
  id: string;
  number: MeetingNumber;
  title: string;
  /** epoch ms */
  start: number;
  end: number;
  role: MeetingRoleOfEmployee;
  /** WebEx's state: scheduled, ready, ended, missed… */
  state: string | undefined;
  /** whether the host has joined a ready meeting */
  hostDidJoin: boolean;
  /** with several sites: the WebEx site it is on, when not the default site (its Join names it) */
  site?: string;
}

export type MyMeetings =
  | { ok: true; window: DayWindow; meetings: MyMeeting[]; complete: boolean }
  | { ok: false; window: DayWindow; code: WebexErrorCode; httpStatus?: number; retryAfterSeconds?: number };

/** The last list WebEx refused in this process, for the settings page (no person, no meeting). */
export interface MeetingListFailure {
  at: string;
  code: WebexErrorCode;
  httpStatus?: number;
  trackingId?: string;
}

/** The window "Today" and "the next 7 days" cover. */
export const WINDOW_DAYS = 8;
/** Non-host meetings whose invitees are read to tell a cohost from an invitee; past this many, the rest show Join. */
export const MAX_ROLE_LOOKUPS = 20;
// role lookups in flight at once for one list: a handful, so one employee never fills the REST cap
const ROLE_LOOKUP_CONCURRENCY = 4;
// invitees are sorted by e-mail [R2]; two pages of 100 find most people, and bound a long list
const ROLE_LOOKUP_PAGES = 2;
// a 429 without Retry-After is kept this long (never longer than the list itself would be)
const DEFAULT_RATE_LIMIT_SECONDS = 30;

export interface MeetingListDeps {
  client: Pick<WebexRestClient, 'listMeetings' | 'listInvitees'>;
  serviceApp: TokenSource;
  /** MEETINGS_CACHE_SECONDS: how long an employee's list is kept; 0 keeps nothing */
  cacheSeconds: number;
  /** WEBEX_REST_SITE_URL: only this site's meetings */
  siteUrl?: string;
  /** with several sites: the name of the (not default) site this list is for, put on each of its meetings */
  site?: string;
  now?: () => number;
  /** the process's cache (lib/server keeps one per process); a new one by default */
  cache?: ViewCache<MyMeetings>;
  /** told of every list the page asks for: 'fetched', 'cached' or the failure code (metrics) */
  observe?: (outcome: string) => void;
  /** told of every failure (the settings page shows the last) */
  onFailure?: (failure: MeetingListFailure) => void;
}

export interface Employee {
  /** the portal e-mail: whose list it is */
  email: string;
  /** the WebEx e-mail the Service App reads for (hostEmailFor) */
  hostEmail: string;
}

export interface MeetingList {
  /** Today's and the next 7 days' meetings of `employee`, their days counted in `zone`; `readAt`: the clock now, to show them by */
  forEmployee(employee: Employee, zone: string): Promise<MyMeetings & { readAt: number }>;
}

const same = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Runs `work` over `items`, at most `limit` at a time, stopping new work once one returns false. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<boolean>): Promise<void> {
  let next = 0;
  let going = true;
  const worker = async () => {
    while (going && next < items.length) {
      const item = items[next++] as T;
      if (!(await work(item))) going = false;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A list's order: by start, then by title. */
const byStart = (a: Pick<MyMeeting, 'start' | 'title'>, b: Pick<MyMeeting, 'start' | 'title'>) => a.start - b.start || a.title.localeCompare(b.title);

/** The rows the portal can offer: a meeting number it can launch, readable times, not a webinar (meetings/join serves meetings only [R1]). */
function rowsOf(items: readonly ScheduledMeeting[], zone: string): Omit<MyMeeting, 'role'>[] {
  const rows: Omit<MyMeeting, 'role'>[] = [];
  for (const item of items) {
    const number = parseMeetingNumber(item.meetingNumber);
    const start = parseWebexTime(item.start, item.timezone ?? zone);
    const end = parseWebexTime(item.end, item.timezone ?? zone);
    if (!number || !Number.isFinite(start) || !Number.isFinite(end) || item.scheduledType === 'webinar') continue;
    rows.push({ id: item.id, number, title: item.title.trim() || 'WebEx meeting', start, end, state: item.state, hostDidJoin: item.hostDidJoin === true });
  }
  return rows.sort(byStart);
}

export function createMeetingList(deps: MeetingListDeps): MeetingList {
  const now = deps.now ?? Date.now;
  const cache = deps.cache ?? createViewCache<MyMeetings>({ now });

  /** host, or from the invitees of each other meeting (once per meeting number), cohost or invitee */
  async function rolesOf(
    token: string,
    employee: Employee,
    items: readonly ScheduledMeeting[],
  ): Promise<{ roles: Map<string, MeetingRoleOfEmployee>; lookups: number; failed: number }> {
    const roles = new Map<string, MeetingRoleOfEmployee>();
    const toLookUp = new Map<string, ScheduledMeeting>();
    for (const item of items) {
      if (same(item.hostEmail, employee.hostEmail)) roles.set(item.id, 'host');
      else if (item.hostEmail && item.meetingNumber && !toLookUp.has(item.meetingNumber) && toLookUp.size < MAX_ROLE_LOOKUPS)
        toLookUp.set(item.meetingNumber, item);
    }
    const cohostOf = new Map<string, boolean>();
    let failed = 0;
    await eachLimited([...toLookUp.values()], ROLE_LOOKUP_CONCURRENCY, async (item) => {
      let invitees: ListedPages<MeetingInvitee>;
      try {
        invitees = await deps.client.listInvitees(token, { meetingId: item.id, hostEmail: item.hostEmail ?? '', maxPages: ROLE_LOOKUP_PAGES });
      } catch (err) {
        if (!(err instanceof WebexError)) throw err;
        // a refused token renews the whole list once (withToken); any other failure leaves Join
        if (err.code === 'WEBEX_CREDENTIAL_EXPIRED') throw err;
        failed += 1;
        return false;
      }
      cohostOf.set(
        item.meetingNumber ?? '',
        invitees.items.some((i) => i.coHost && same(i.email, employee.hostEmail)),
      );
      return true;
    });
    for (const item of items) if (!roles.has(item.id)) roles.set(item.id, cohostOf.get(item.meetingNumber ?? '') ? 'cohost' : 'invitee');
    return { roles, lookups: toLookUp.size, failed };
  }

  async function fetchList(employee: Employee, window: DayWindow): Promise<{ value: MyMeetings; keepMs: number }> {
    const keepMs = deps.cacheSeconds * 1000;
    try {
      const { value } = await deps.serviceApp.withToken(async (token) => {
        const listed = await deps.client.listMeetings(token, {
          hostEmail: employee.hostEmail,
          from: isoInstant(window.start),
          to: isoInstant(window.end),
          timeZone: window.zone,
          ...(deps.siteUrl ? { siteUrl: deps.siteUrl } : {}),
        });
        const { roles, lookups, failed } = await rolesOf(token, employee, listed.items);
        return { listed, roles, lookups, failed };
      });
      const meetings = rowsOf(value.listed.items, window.zone).map((row) => ({
        ...row,
        role: value.roles.get(row.id) ?? 'invitee',
        ...(deps.site ? { site: deps.site } : {}),
      }));
      // counts only: what the meetings are stays between WebEx and the employee
      log.debug(
        {
          meetings: meetings.length,
          pages: value.listed.pages,
          complete: value.listed.complete,
          skipped: value.listed.skipped + value.listed.items.length - meetings.length,
          roleLookups: value.lookups,
          roleLookupsFailed: value.failed,
        },
        'meetings listed',
      );
      deps.observe?.('fetched');
      return { value: { ok: true, window, meetings, complete: value.listed.complete }, keepMs };
    } catch (err) {
      if (!(err instanceof WebexError)) throw err;
      const failure = { at: new Date(now()).toISOString(), code: err.code, httpStatus: err.httpStatus, trackingId: err.trackingId };
      log.warn(failure, 'meetings list failed');
      deps.observe?.(err.code);
      deps.onFailure?.(failure);
      // a failure is asked again on the next page, except a 429: WebEx asked for quiet
      const quietMs = err.code === 'WEBEX_RATE_LIMITED' ? Math.min(keepMs, (err.retryAfterSeconds ?? DEFAULT_RATE_LIMIT_SECONDS) * 1000) : 0;
      return { value: { ok: false, window, code: err.code, httpStatus: err.httpStatus, retryAfterSeconds: err.retryAfterSeconds }, keepMs: quietMs };
    }
  }

  return {
    async forEmployee(employee, zone) {
      const window = dayWindow(now(), zone, WINDOW_DAYS);
      // the employee, the WebEx e-mail read for, their zone and their day: one entry per view
      const key = JSON.stringify([employee.email.toLowerCase(), employee.hostEmail.toLowerCase(), zone, window.date]);
      const { value, cached } = await cache.read(key, () => fetchList(employee, window));
      if (cached) deps.observe?.('cached');
      return { ...value, readAt: now() };
    },
  };
}

/** One employee's lists on several sites as one; `failedSites`: the sites whose list failed while others did not. */
export type MeetingsAcrossSites = (MyMeetings & { readAt: number }) & { failedSites: string[] };

/**
 * The home page with several sites: every site's list of the employee at once, their meetings in
 * start order (a meeting two lists both name, e.g. a site without its own siteUrl listing every
 * site's, once). A failure only when every list failed; else the sites that failed are named.
 */
export async function meetingsAcrossSites(
  lists: readonly { site: string; list: MeetingList; employee: Employee }[],
  zone: string,
): Promise<MeetingsAcrossSites> {
  const results = await Promise.all(lists.map(async ({ site, list, employee }) => ({ site, result: await list.forEmployee(employee, zone) })));
  const listed = results.flatMap(({ result }) => (result.ok ? [result] : []));
  const failedSites = results.flatMap(({ site, result }) => (result.ok ? [] : [site]));
  const [first] = listed;
  if (!first) {
    const failure = results[0]?.result;
    if (!failure) throw new TypeError('webex-sso: Bad usage. meetingsAcrossSites needs at least one list');
    return { ...failure, failedSites: [] };
  }
  const byId = new Map<string, MyMeeting>();
  for (const meeting of listed.flatMap((r) => r.meetings)) if (!byId.has(meeting.id)) byId.set(meeting.id, meeting);
  return {
    ok: true,
    window: first.window,
    readAt: first.readAt,
    meetings: [...byId.values()].sort(byStart),
    complete: listed.every((r) => r.complete),
    failedSites,
  };
}
