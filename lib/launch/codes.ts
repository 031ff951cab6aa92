/**
 * Every way a Join can end short of WebEx, by stable code: the one table. The adapters name their
 * own (the XML and REST APIs' WEBEX_ERROR_CODES, the credential seam's HOST_CREDENTIAL_CODES); the
 * portal's are here. The failure page, its texts (./problems.ts) and the launch outcome in the
 * audit, logs and metrics all read this table, and `launchFailureOf` is the one place a thrown
 * error becomes one of these codes.
 */
import { HOST_CREDENTIAL_CODES, HostCredentialError } from '../credentials';
import { WEBEX_ERROR_CODES, WebexError } from '../webex';

export const PORTAL_FAILURE_CODES = [
  /** no mapping row and no mapping rule gives this portal user a WebEx ID */
  'MAPPING_MISSING',
  /** a Join or meeting link naming a WebEx site that is neither WEBEX_SITE_NAME nor in WEBEX_SITES */
  'SITE_UNKNOWN',
  /** the configured launch API does not serve that button (WEBEX_LAUNCH_API) */
  'LAUNCH_UNAVAILABLE',
  /** a meeting link or Join form whose meeting number is not one */
  'MEETING_NUMBER_INVALID',
  /** more launches than LAUNCH_RATE_LIMIT allows in its window */
  'RATE_LIMITED',
  /** the portal's own store failed mid-launch (down, or locked past busy_timeout): nothing was handed out unrecorded */
  'PORTAL_UNAVAILABLE',
  /** "Connect WebEx": the callback matched no connection this session started, or came too late */
  'CONNECT_EXPIRED',
  /** "Connect WebEx": the employee signed in at WebEx as another account than their linked one */
  'CONNECT_WRONG_ACCOUNT',
] as const;

export const LAUNCH_FAILURE_CODES = [...PORTAL_FAILURE_CODES, ...HOST_CREDENTIAL_CODES, ...WEBEX_ERROR_CODES] as const;

export type LaunchFailureCode = (typeof LAUNCH_FAILURE_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(LAUNCH_FAILURE_CODES);

/** A code from outside (a query string): one of the table's, or undefined. */
export function parseLaunchFailureCode(value: unknown): LaunchFailureCode | undefined {
  return typeof value === 'string' && KNOWN.has(value) ? (value as LaunchFailureCode) : undefined;
}

/** Codes whose way out is (re)connecting the employee's WebEx account. */
export const CONNECT_CODES: ReadonlySet<string> = new Set<LaunchFailureCode>([
  'WEBEX_NOT_CONNECTED',
  'WEBEX_RECONNECT_NEEDED',
  'CONNECT_EXPIRED',
  'CONNECT_WRONG_ACCOUNT',
]);

/** What the audit keeps of a failure beside its code (never a secret: WebEx's own identifiers and numbers). */
export interface LaunchFailure {
  code: LaunchFailureCode;
  exceptionID?: string;
  reason?: string;
  httpStatus?: number;
  trackingId?: string;
  /** when WebEx asked the portal to wait (REST 429) */
  retryAfterSeconds?: number;
}

/**
 * The failure an error thrown by the credential seam or a WebEx adapter stands for; anything else
 * (a programming error, the portal's own database) is not a launch failure and is thrown on.
 */
export function launchFailureOf(err: unknown): LaunchFailure {
  if (err instanceof HostCredentialError) return { code: err.code, exceptionID: err.exceptionID };
  if (err instanceof WebexError) {
    return {
      code: err.code,
      exceptionID: err.exceptionID,
      reason: err.reason,
      httpStatus: err.httpStatus,
      trackingId: err.trackingId,
      retryAfterSeconds: err.retryAfterSeconds,
    };
  }
  throw err;
}
