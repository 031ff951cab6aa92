import { createHash } from 'node:crypto';
import { escapeHtml, renderPage } from './html';
import { htmlAnswer, textAnswer, type HttpAnswer } from './http';
import { pPhpPath } from './landing';
import type { SimMeeting } from './types';
import { failureAnswer, parseBackUrl } from './url-api';

export type BoardMeeting = SimMeeting & { inProgress: boolean; id: string };

/** The meetings of the simulated site: seeded, and started by their host (AT=HM, or a REST startLink). */
export interface MeetingBoard {
  find(number: string): BoardMeeting | undefined;
  /** by the REST API's meeting id */
  findById(id: string): BoardMeeting | undefined;
  /** every meeting, in the order given */
  all(): BoardMeeting[];
  start(number: string): void;
}

/** The REST API's meeting id of a meeting number: 32 hex digits, as WebEx's look (simulator's derivation). */
export function meetingIdOf(number: string): string {
  return createHash('sha256').update(`meeting:${number}`).digest('hex').slice(0, 32);
}

export function createMeetingBoard(meetings: readonly SimMeeting[]): MeetingBoard {
  const byNumber = new Map<string, BoardMeeting>();
  const byId = new Map<string, BoardMeeting>();
  for (const meeting of meetings) {
    if (!/^\d+$/.test(meeting.number)) throw new Error(`webex-sim: Bad usage. Meeting number "${meeting.number}" must be digits only.`);
    if (byNumber.has(meeting.number)) throw new Error(`webex-sim: Bad usage. Duplicate meeting number "${meeting.number}".`);
    const entry = { ...meeting, inProgress: meeting.inProgress ?? false, id: meetingIdOf(meeting.number) };
    byNumber.set(meeting.number, entry);
    byId.set(entry.id, entry);
  }
  return {
    find: (number) => byNumber.get(number),
    all: () => [...byNumber.values()],
    findById: (id) => byId.get(id),
    start(number) {
      const meeting = byNumber.get(number);
      if (meeting) meeting.inProgress = true;
    },
  };
}

export function mPhpPath(siteName: string): string {
  return `/${encodeURIComponent(siteName)}/m.php`;
}

export interface MeetingRequest {
  /** GET query, or a POST's form body laid over its query */
  params: URLSearchParams;
  signedInAs: string | undefined;
}

/**
 * m.php: AT=JM (join as attendee) and AT=HM (host) [docs/webex.md §7.9], after a login chained by MU.
 * Failures go to BU with `AT=JM|HM&ST=FAIL&RS=…` [docs/webex.md §7.6]: an unknown meeting is
 * `InvalidMeetingKey`, one not started `MeetingNotInProgress`, and AT=HM without the host's own
 * WebEx session `AccessDenied`.
 *
 * Simulator's choices (unverified, docs/webex.md §7.9 does not settle them): m.php answers the meeting
 * page itself (a real site hands over to its meeting client); AT=HM on an unknown meeting answers
 * InvalidMeetingKey; AT=JM without a WebEx session joins as a guest named by AN (or "Guest");
 * meeting passwords (PW) are not modelled.
 */
export function answerMeetingRequest(request: MeetingRequest, deps: { siteName: string; meetings: MeetingBoard }): { answer: HttpAnswer; note: string } {
  const command = request.params.get('AT');
  if (command !== 'JM' && command !== 'HM') {
    return { answer: textAnswer(400, `webex-sim: unsupported command AT=${command ?? ''}; the simulator implements AT=JM and AT=HM`), note: 'unsupported AT' };
  }
  const backUrl = parseBackUrl(request.params.get('BU'));
  const fail = (rs: string) => ({ answer: failureAnswer(command, rs, backUrl), note: `${command} FAIL ${rs}` });
  const meeting = deps.meetings.find(request.params.get('MK') ?? '');
  if (!meeting) return fail('InvalidMeetingKey');

  if (command === 'HM') {
    if (request.signedInAs?.toLowerCase() !== meeting.hostWebExID.toLowerCase()) return fail('AccessDenied');
    deps.meetings.start(meeting.number);
    return { answer: meetingPage(deps.siteName, meeting, `Hosting WebEx meeting ${meeting.number} as ${request.signedInAs}`), note: 'HM SUCCESS' };
  }
  if (!meeting.inProgress) return fail('MeetingNotInProgress');
  const who = request.signedInAs ?? `${request.params.get('AN') || 'Guest'} (guest, not signed in)`;
  return { answer: meetingPage(deps.siteName, meeting, `In WebEx meeting ${meeting.number} as ${who}`), note: 'JM SUCCESS' };
}

/** Tests look for the exact <h1> text, so it is the page's contract. */
export function meetingPage(siteName: string, meeting: Pick<SimMeeting, 'topic'>, heading: string): HttpAnswer {
  const signOutForm =
    `<form method="post" action="${escapeHtml(pPhpPath(siteName))}">` +
    '<input type="hidden" name="AT" value="LO"><button type="submit">Sign out of WebEx</button></form>';
  return htmlAnswer(
    200,
    renderPage('WebEx meeting', `<h1>${escapeHtml(heading)}</h1><p>Topic: ${escapeHtml(meeting.topic ?? 'WebEx meeting')}</p>${signOutForm}`),
  );
}
