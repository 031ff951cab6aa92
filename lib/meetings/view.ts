import type { MeetingRole, WebexErrorCode } from '../webex';
import type { MyMeeting } from './list';
import type { DayWindow } from './time-zone';

/**
 * How the home page shows a list: today's meetings and the next days' apart, what is over left out,
 * each with whether it is running and the one button it gets. Computed at every page from the kept
 * list, so "in progress" and "over" follow the clock, not the cache.
 */
export type MeetingStatus = 'in-progress' | 'ready' | 'scheduled';

export interface MeetingRow extends MyMeeting {
  status: MeetingStatus;
  /** the launch the row's button asks for: hosts and cohosts start, invitees join */
  launch: MeetingRole;
}

// WebEx's states of a scheduled occurrence [R2]: scheduled, ready (can be started or joined now),
// ended (it took place), missed (it never did); inProgress is named for series and instances only
const OVER = new Set(['ended', 'missed', 'expired']);

/**
 * Running: WebEx says inProgress, or ready with the host in it (hostDidJoin). Inferred from [R2]'s
 * field descriptions; no source says how a running occurrence is listed (docs/webex.md §9.8).
 */
function statusOf(meeting: MyMeeting, now: number): MeetingStatus {
  if (meeting.state === 'inProgress' || (meeting.state === 'ready' && meeting.hostDidJoin)) return 'in-progress';
  if (meeting.state === 'ready' || (meeting.start <= now && now < meeting.end)) return 'ready';
  return 'scheduled';
}

export function arrangeMeetings(meetings: readonly MyMeeting[], window: DayWindow, now: number): { today: MeetingRow[]; later: MeetingRow[] } {
  const today: MeetingRow[] = [];
  const later: MeetingRow[] = [];
  for (const meeting of meetings) {
    const status = statusOf(meeting, now);
    if (meeting.state !== undefined && OVER.has(meeting.state)) continue;
    if (status !== 'in-progress' && meeting.end <= now) continue;
    const row = { ...meeting, status, launch: meeting.role === 'invitee' ? ('join' as const) : ('host' as const) };
    if (meeting.start < window.tomorrow) today.push(row);
    else if (meeting.start < window.end) later.push(row);
  }
  return { today, later };
}

/** The one line an employee reads when the list could not be had; the reason is on the settings page. */
export const MEETINGS_NOT_LOADED = 'Your meetings could not be loaded';

const NOT_ANSWERING: ReadonlySet<WebexErrorCode> = new Set([
  'WEBEX_SERVICE_DOWN',
  'WEBEX_TIMEOUT',
  'WEBEX_UNREACHABLE',
  'WEBEX_CIRCUIT_OPEN',
  'WEBEX_BUSY',
  'WEBEX_HTTP_ERROR',
]);
const APP_DOWN: ReadonlySet<WebexErrorCode> = new Set(['WEBEX_APP_NOT_AUTHORIZED', 'WEBEX_APP_UNAVAILABLE']);

/** "Your meetings could not be loaded" and what to do, in one line, for each way a list fails. */
export function meetingsNotice(code: WebexErrorCode): string {
  if (code === 'WEBEX_RATE_LIMITED') return `${MEETINGS_NOT_LOADED}: WebEx asks the portal to slow down. Try again in a minute; meeting links work as before.`;
  if (NOT_ANSWERING.has(code)) return `${MEETINGS_NOT_LOADED}: WebEx is not answering right now. Try again in a minute; meeting links work as before.`;
  if (APP_DOWN.has(code)) return `${MEETINGS_NOT_LOADED}: the company's WebEx app is not connected right now. Meeting links work as before.`;
  if (code === 'WEBEX_APP_FORBIDDEN') return `${MEETINGS_NOT_LOADED}: the company's WebEx app may not read them. Meeting links work as before.`;
  return `${MEETINGS_NOT_LOADED}. Meeting links work as before.`;
}
