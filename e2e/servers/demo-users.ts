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
 */
export const DEMO_SITE_NAME = 'acme';
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
];

/**
 * The demo site's meetings (the portal's `/meet/{number}` links):
 * - 123456789:   the all-hands, hosted by ada.admin, in progress: anyone joins
 * - 26341234567: alice's stand-up, not started: alice starts it as host, then others join
 * - 987654321:   bob's review, never started in the demo: joining says it has not started
 */
export const DEMO_MEETINGS = [
  { number: '123456789', hostWebExID: 'ada.admin', topic: 'All hands', inProgress: true },
  { number: '26341234567', hostWebExID: 'alice', topic: "Alice's stand-up" },
  { number: '987654321', hostWebExID: 'bob', topic: "Bob's review" },
] as const;

/** The simulator's users: the demo employees' WebEx accounts. */
export function demoWebexUsers(): { webExID: string; email: string; password?: string; firstName: string; lastName: string }[] {
  return DEMO_EMPLOYEES.map((e) => {
    const [firstName = '', lastName = ''] = e.name.split(' ');
    return { webExID: e.webex.webExID, email: e.email, firstName, lastName, ...(e.webex.password ? { password: e.webex.password } : {}) };
  });
}
