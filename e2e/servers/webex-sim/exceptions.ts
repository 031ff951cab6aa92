import type { XmlFailure } from './xml-answers';

/** FAILURE answers the simulator gives, with the exceptionIDs of the catalogue (docs/webex.md §5.2). */
export const EXCEPTIONS = {
  /** Reference: a read-only admin got it; the simulator also answers it for an inactive user (assumption). */
  accessDenied: { exceptionID: '000001', reason: 'Access denied, additional privileges are required' },
  /** Unknown IDs get this too: BadWebIDorPassword covers "no account" [docs/webex.md §5.3, docs/webex.md §7.6]. */
  incorrectPassword: { exceptionID: '030002', reason: 'Incorrect user or password' },
  invalidSessionTicket: { exceptionID: '030047', reason: 'Not a valid session ticket' },
  /** AuthenticateUser refused the proof; subError AS0001 as in the recorded answer [docs/webex.md §5.2, C4, D14]. */
  noSessionTicket: {
    exceptionID: '030048',
    reason: "Authentication Server can't generate a valid session ticket",
    subErrors: [{ exceptionID: 'AS0001', reason: 'authentication service error' }],
  },

  // The sources give no exceptionID for these (docs/webex.md §5.3); the 99999x IDs are the simulator's own choice,
  // picked so they cannot be mistaken for a documented WebEx code.
  /** Reason text verbatim from [C10] (Splunk matches on it, docs/webex.md §5.2); the ID is unknown. */
  invalidAccessToken: { exceptionID: '999993', reason: 'WebEx access token is invalid' },
  invalidRequest: { exceptionID: '999990', reason: 'Invalid request document' },
  unsupportedRequest: { exceptionID: '999991', reason: 'Unsupported request type' },
  unknownSite: { exceptionID: '999992', reason: 'Site name is not valid' },
} as const satisfies Record<string, XmlFailure>;

const KNOWN_FAILURES: ReadonlyMap<string, XmlFailure> = new Map([
  ...Object.values(EXCEPTIONS).map((failure): [string, XmlFailure] => [failure.exceptionID, failure]),
  ['000015', { exceptionID: '000015', reason: 'Sorry, no record found' }],
  ['000035', { exceptionID: '000035', reason: 'ASService not responding' }],
  ['030001', { exceptionID: '030001', reason: 'No user found' }],
  ['060001', { exceptionID: '060001', reason: 'Corresponding Meeting not found' }],
]);

/** The FAILURE WebEx gives for an exceptionID (its reason and subErrors), for `failure` faults. */
export function failureFor(exceptionID: string, reason?: string): XmlFailure {
  const known = KNOWN_FAILURES.get(exceptionID);
  return { ...known, exceptionID, reason: reason ?? known?.reason ?? 'Simulated failure' };
}
