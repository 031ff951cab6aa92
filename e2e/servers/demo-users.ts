/**
 * The demo company: who can sign in at the bundled identity provider, and which WebEx
 * accounts exist at the bundled simulator. Used by the demo command and the tests only.
 *
 * - alice: an employee whose portal account is linked to WebEx host `alice`
 * - admin: an admin (group `webex-admins`), linked to WebEx host `ada.admin`
 * - bob:   an employee with a WebEx account (`bob`) that nobody has linked yet
 * - carol: an employee of the SSO world: WebEx ID = her e-mail, no WebEx password at all; she
 *          joins in saml and oauth modes through the e-mail rule, with no mapping
 * - eve:   an account whose e-mail the identity provider never verified: the portal refuses it
 * - erik:  an employee of the EU subsidiary (eu.example.com), whose only WebEx account is on the EU
 *          site (SSO, WebEx ID = his e-mail): the site rule puts him there (the `sites` mode)
 *
 * The `sites` mode adds the EU site `acme-eu`: alice has a second account there, linked too; bob
 * has one nobody has linked yet (an admin's CSV with a site column links it).
 */
export const DEMO_SITE_NAME = 'acme';
/** the demo's second site (the `sites` mode of e2e/servers/stack.ts) */
export const DEMO_EU_SITE_NAME = 'acme-eu';
export const DEMO_ADMIN_GROUP = 'webex-admins';

export interface DemoEmployee {
  /** portal login at the identity provider (also the e-mail claim) */
  email: string;
  /** password at the identity provider */
  password: string;
  name: string;
  groups: string[];
  /** the employee's WebEx host account at the simulator; no password for an SSO-only host */
  webex: { webExID: string; password?: string };
  /** the site that account is on; default the demo site */
  site?: string;
  /** a further account on another site; linked (a mapping row for that site) with the employee's `linked`, wherever that site runs */
  alsoOn?: { site: string; webExID: string; password?: string };
  /** whether the demo seeds a portal → WebEx mapping for this employee */
  linked: boolean;
  /** the identity provider's `email_verified` (default true) */
  emailVerified?: boolean;
}

export const DEMO_EMPLOYEES: readonly DemoEmployee[] = [
  {
    email: 'alice@example.com',
    password: 'alice-demo',
    name: 'Alice Anders',
    groups: ['staff'],
    webex: { webExID: 'alice', password: 'Alice-WebEx-1' },
    linked: true,
    alsoOn: { site: DEMO_EU_SITE_NAME, webExID: 'alice', password: 'Alice-EU-1' },
  },
  {
    email: 'admin@example.com',
    password: 'admin-demo',
    name: 'Ada Admin',
    groups: ['staff', DEMO_ADMIN_GROUP],
    webex: { webExID: 'ada.admin', password: 'Ada-WebEx-1' },
    linked: true,
  },
  {
    email: 'bob@example.com',
    password: 'bob-demo',
    name: 'Bob Brown',
    groups: ['staff'],
    webex: { webExID: 'bob', password: 'Bob-WebEx-1' },
    linked: false,
    alsoOn: { site: DEMO_EU_SITE_NAME, webExID: 'bob', password: 'Bob-EU-1' },
  },
  {
    email: 'carol@example.com',
    password: 'carol-demo',
    name: 'Carol Chen',
    groups: ['staff'],
    webex: { webExID: 'carol@example.com' },
    linked: false,
  },
  {
    email: 'eve@example.com',
    password: 'eve-demo',
    name: 'Eve Evans',
    groups: ['staff'],
    webex: { webExID: 'eve', password: 'Eve-WebEx-1' },
    linked: false,
    emailVerified: false,
  },
  {
    email: 'erik@eu.example.com',
    password: 'erik-demo',
    name: 'Erik Eriksson',
    groups: ['staff'],
    webex: { webExID: 'erik@eu.example.com' },
    site: DEMO_EU_SITE_NAME,
    linked: false,
  },
];

/** What the demo site's meetings are, for the simulator (its SimMeeting, without importing it here). */
export interface DemoMeeting {
  number: string;
  hostWebExID: string;
  topic: string;
  inProgress?: boolean;
  /** epoch ms; none: on nobody's list of meetings, reachable by its link only */
  start?: number;
  durationMinutes?: number;
  cohostWebExIDs?: string[];
  inviteeWebExIDs?: string[];
}

const MINUTE = 60_000;

/**
 * The demo site's meetings (the portal's `/meet/{number}` links), scheduled around `now` so that
 * the home page's list (WEBEX_LAUNCH_API=rest|auto) always has something today, in the zone of the
 * machine the demo runs on:
 * - 123456789:   the all-hands, hosted by ada.admin, in progress, on nobody's calendar: anyone joins by its link
 * - 24680135790: carol's design sync, in progress since a few minutes; alice and bob are invited
 * - 26341234567: alice's stand-up, later today, not started: alice starts it as host; carol cohosts, bob is invited
 * - 987654321:   bob's review, later today and never started in the demo (joining says so); alice is only invited
 * - 13579024680: carol's planning, tomorrow at this time; alice and bob are invited
 */
export function demoMeetings(now: number): DemoMeeting[] {
  const midnight = new Date(now);
  midnight.setHours(24, 0, 0, 0);
  const startOfToday = new Date(now);
  startOfToday.setHours(0, 0, 0, 0);
  // "later today" even late in the evening: halfway to midnight, at most an hour (or three) from now
  const untilMidnight = midnight.getTime() - now;
  const minute = (t: number) => Math.floor(t / MINUTE) * MINUTE;
  const standUp = minute(now + Math.max(MINUTE, Math.min(60 * MINUTE, untilMidnight / 2)));
  const review = minute(now + Math.max(2 * MINUTE, Math.min(3 * 60 * MINUTE, (untilMidnight * 3) / 4)));
  return [
    { number: '123456789', hostWebExID: 'ada.admin', topic: 'All hands', inProgress: true },
    {
      number: '24680135790',
      hostWebExID: 'carol@example.com',
      topic: 'Design sync',
      inProgress: true,
      start: Math.max(startOfToday.getTime(), minute(now - 10 * MINUTE)),
      durationMinutes: 60,
      inviteeWebExIDs: ['alice', 'bob'],
    },
    {
      number: '26341234567',
      hostWebExID: 'alice',
      topic: "Alice's stand-up",
      start: standUp,
      durationMinutes: 15,
      cohostWebExIDs: ['carol@example.com'],
      inviteeWebExIDs: ['bob'],
    },
    { number: '987654321', hostWebExID: 'bob', topic: "Bob's review", start: review, durationMinutes: 30, inviteeWebExIDs: ['alice'] },
    {
      number: '13579024680',
      hostWebExID: 'carol@example.com',
      topic: 'Planning',
      start: minute(now + 24 * 60 * MINUTE),
      durationMinutes: 45,
      inviteeWebExIDs: ['alice', 'bob'],
    },
  ];
}

/** The simulator's users on one site (default the demo site): the demo employees' WebEx accounts there. */
export function demoWebexUsers(site = DEMO_SITE_NAME): { webExID: string; email: string; password?: string; firstName: string; lastName: string }[] {
  return DEMO_EMPLOYEES.flatMap((e) => {
    const account = (e.site ?? DEMO_SITE_NAME) === site ? e.webex : e.alsoOn?.site === site ? e.alsoOn : undefined;
    if (!account) return [];
    const [firstName = '', lastName = ''] = e.name.split(' ');
    return [{ webExID: account.webExID, email: e.email, firstName, lastName, ...(account.password ? { password: account.password } : {}) }];
  });
}
