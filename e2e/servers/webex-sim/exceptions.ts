import type { XmlFailure } from './xml-answers';

/** FAILURE answers the simulator gives, with the exceptionIDs from the reference's catalogue (§4.3). */
export const EXCEPTIONS = {
  /** Reference: a read-only admin got it; the simulator also answers it for an inactive user (assumption). */
  accessDenied: { exceptionID: '000001', reason: 'Access denied, additional privileges are required' },
  /** Reference: Moodle's comment "No user found"; the real reason text was not seen. */
  noUser: { exceptionID: '030001', reason: 'No user found' },
  incorrectPassword: { exceptionID: '030002', reason: 'Incorrect user or password' },
  invalidSessionTicket: { exceptionID: '030047', reason: 'Not a valid session ticket' },

  // The reference has no exceptionID for these; the 99999x IDs are the simulator's own choice,
  // picked so they cannot be mistaken for a documented WebEx code.
  /** Reason text verbatim from the reference (Splunk matches on it); the ID is unknown. */
  invalidAccessToken: { exceptionID: '999993', reason: 'WebEx access token is invalid' },
  invalidRequest: { exceptionID: '999990', reason: 'Invalid request document' },
  unsupportedRequest: { exceptionID: '999991', reason: 'Unsupported request type' },
  unknownSite: { exceptionID: '999992', reason: 'Site name is not valid' },
} as const satisfies Record<string, XmlFailure>;

const REASONS_BY_ID: Record<string, string> = {
  ...Object.fromEntries(Object.values(EXCEPTIONS).map(({ exceptionID, reason }) => [exceptionID, reason])),
  '000015': 'Sorry, no record found',
  '000035': 'ASService not responding',
  '030048': "Authentication Server can't generate a valid session ticket",
  '060001': 'Corresponding Meeting not found',
};

/** The reason WebEx gives for a known exceptionID, for `failure` faults injected without one. */
export function reasonFor(exceptionID: string): string {
  return REASONS_BY_ID[exceptionID] ?? 'Simulated failure';
}
