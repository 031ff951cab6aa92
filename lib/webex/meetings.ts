/**
 * WebEx meetings in the URL API: the meeting number (MK, "meeting key") and the `m.php` commands
 * that join (`AT=JM`) or start (`AT=HM`) a meeting once the browser is signed in (docs/webex.md §7.9).
 */

/** A meeting number as WebEx prints it in invites, digits only; made by `parseMeetingNumber`. */
export type MeetingNumber = string & { readonly __meetingNumber: unique symbol };

/** join: as an attendee (`AT=JM`); host: start or rejoin as its host (`AT=HM`). */
export type MeetingRole = 'join' | 'host';

export const MEETING_ROLES: readonly MeetingRole[] = ['join', 'host'];

/**
 * Meeting numbers in WebEx invites have 9 (older sites), 10 or 11 digits; docs/webex.md (§7.9) names no
 * length, so this range is what invites show (unverified against every site). Digits only: the
 * spaced form of an invite ("2634 123 4567") is for reading, not for URLs.
 */
export const MEETING_NUMBER_LENGTH = { min: 9, max: 11 } as const;

const MEETING_NUMBER = new RegExp(`^[0-9]{${MEETING_NUMBER_LENGTH.min},${MEETING_NUMBER_LENGTH.max}}$`);

/** The meeting number in `value`, or undefined for anything else (letters, spaces, other lengths, non-ASCII digits). */
export function parseMeetingNumber(value: unknown): MeetingNumber | undefined {
  return typeof value === 'string' && MEETING_NUMBER.test(value) ? (value as MeetingNumber) : undefined;
}

export function parseMeetingRole(value: unknown): MeetingRole | undefined {
  return value === 'join' || value === 'host' ? value : undefined;
}

/** "123 456 789", "2634 123 4567": the number grouped for reading, as invites print it. */
export function formatMeetingNumber(number: MeetingNumber): string {
  const last = number.length >= 10 ? 4 : 3;
  const first = number.length - 3 - last;
  return `${number.slice(0, first)} ${number.slice(first, first + 3)} ${number.slice(first + 3)}`;
}

export interface MeetingUrlInput {
  /** the site's base URL, e.g. https://acme.webex.com */
  baseUrl: string;
  siteName: string;
  meetingNumber: MeetingNumber;
  role: MeetingRole;
  /** BU: where WebEx reports a failed join or start (`AT=JM|HM&ST=FAIL&RS=…`) */
  backUrl: string;
}

/**
 * Builds `{base}/{site}/m.php?AT=JM|HM&MK=…&BU=…`, the MU that takes a freshly signed-in host
 * into a meeting (docs/webex.md §7.9: what GethosturlMeeting chains). Always on the site's own
 * origin, whatever the input: WebEx only honours MU targets on the site.
 */
export function buildMeetingUrl(input: MeetingUrlInput): string {
  if (parseMeetingNumber(input.meetingNumber) === undefined) {
    throw new TypeError('webex-sso: Bad usage. meetingNumber must come from parseMeetingNumber (digits only)');
  }
  const url = new URL(`${input.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(input.siteName)}/m.php`);
  url.search = new URLSearchParams({ AT: input.role === 'host' ? 'HM' : 'JM', MK: input.meetingNumber, BU: input.backUrl }).toString();
  return url.href;
}
