import { parseMeetingNumber, parseMeetingRole, type MeetingNumber, type MeetingRole } from '../webex';

/** xml: GetLoginTicket → p.php for every button; rest: meetings over REST, no site sign-in; auto: REST for meetings, XML for the site's home */
export type LaunchApi = 'xml' | 'rest' | 'auto';

/** How the login ticket reaches p.php (WEBEX_LOGIN_DELIVERY): a 302 to its URL, or an auto-submitted POST form. */
export type LoginDelivery = 'redirect' | 'post';

/**
 * Where a launch takes the employee: the site's home signed in (MU = WEBEX_LANDING_URL), a
 * meeting to join or start as its host (MU = the site's m.php, or a REST start/join link), or
 * their own personal room, started as its host (REST only). A small value on purpose: it travels
 * from the route through the use case into the audit, whichever API serves it.
 */
export type LaunchTarget = ({ kind: 'home' } | { kind: 'meeting'; number: MeetingNumber; role: MeetingRole } | { kind: 'personal-room' }) & {
  /** the WebEx site it names (its site name); none: the employee's own site */
  site?: string;
};

export const HOME: LaunchTarget = { kind: 'home' };
export const PERSONAL_ROOM: LaunchTarget = { kind: 'personal-room' };

/** The form field naming the site a Join launches on (absent: the employee's own site). */
export const SITE_FIELD = 'site';

const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The form field (and its one value) that asks for the employee's personal room. */
export const ROOM_FIELD = 'room';
export const PERSONAL_ROOM_VALUE = 'personal';

const absent = (value: unknown) => value === null || value === undefined;

/**
 * The target a Join form names: no field → the site's home; `room=personal` alone → the personal
 * room; a meeting number with a role → that meeting; anything else → undefined, refused (outside
 * input never picks another target).
 */
export function parseLaunchTarget(meeting: unknown, role: unknown, room?: unknown, site?: unknown): LaunchTarget | undefined {
  if (absent(site)) return parseSiteTarget(meeting, role, room);
  // a site is named by its site name, as configured (lower-case); whether it is one of the company's is the launch's to say
  if (typeof site !== 'string' || !SITE_NAME.test(site)) return undefined;
  const target = parseSiteTarget(meeting, role, room);
  return target && { ...target, site };
}

function parseSiteTarget(meeting: unknown, role: unknown, room: unknown): LaunchTarget | undefined {
  if (!absent(room)) return room === PERSONAL_ROOM_VALUE && absent(meeting) && absent(role) ? PERSONAL_ROOM : undefined;
  if (absent(meeting)) return absent(role) ? HOME : undefined;
  const number = parseMeetingNumber(meeting);
  const parsedRole = parseMeetingRole(role);
  return number && parsedRole ? { kind: 'meeting', number, role: parsedRole } : undefined;
}

/** The portal page a target is launched from: where a sign-in comes back to. */
export function pageOf(target: LaunchTarget): string {
  if (target.kind !== 'meeting') return '/';
  return target.site ? `/meet/${target.site}/${target.number}` : `/meet/${target.number}`;
}

/**
 * Which API serves a target under WEBEX_LAUNCH_API: xml serves the site's home and meetings;
 * rest serves meetings and the personal room (REST has no signed-in landing on the site's home,
 * docs/webex.md §9.5); auto serves the home by XML and the rest by REST. Undefined: not offered.
 */
export function launchPathFor(api: LaunchApi, target: LaunchTarget): 'xml' | 'rest' | undefined {
  if (target.kind === 'home') return api === 'rest' ? undefined : 'xml';
  if (api === 'xml') return target.kind === 'meeting' ? 'xml' : undefined;
  return 'rest';
}
