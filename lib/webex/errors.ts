/**
 * Stable codes for everything that can go wrong between us and WebEx, over the XML API (lib/webex)
 * or the REST API (lib/webex-rest): one vocabulary for the launch, its audit and its pages.
 * Callers branch on `code` only: WebEx's `reason` text is for logs and may change.
 */
export const WEBEX_ERROR_CODES = [
  /** FAILURE 030001 / 060019: WebEx has no such user on this site */
  'WEBEX_USER_NOT_FOUND',
  /** FAILURE 030002: wrong WebEx ID or password */
  'WEBEX_BAD_CREDENTIALS',
  /** FAILURE 030047 / 030048: the session ticket or access token is not (or no longer) valid */
  'WEBEX_CREDENTIAL_EXPIRED',
  /** FAILURE 000001: the account lacks a privilege */
  'WEBEX_ACCESS_DENIED',
  /** FAILURE 000035: WebEx's own back end is not responding */
  'WEBEX_SERVICE_DOWN',
  /** any other FAILURE; exceptionID and reason are kept on the error */
  'WEBEX_REFUSED',
  /** SUCCESS but the ticket is empty */
  'WEBEX_EMPTY_TICKET',
  /** the answer is not XML at all (an HTML error page, a proxy's login page, plain text) */
  'WEBEX_NOT_XML',
  /** XML that is truncated or is not an XML API answer */
  'WEBEX_MALFORMED_RESPONSE',
  /** XML carrying what WebEx never sends (a DTD, entity declarations or unknown references, processing instructions, two roots): hostile or broken, refused whole */
  'WEBEX_UNSAFE_RESPONSE',
  /** HTTP 4xx/5xx (WebEx answers FAILURE with 200, so this is a proxy or an outage) */
  'WEBEX_HTTP_ERROR',
  /** the answer exceeds the configured size limit */
  'WEBEX_RESPONSE_TOO_LARGE',
  /** connection refused, DNS failure, reset, TLS failure */
  'WEBEX_UNREACHABLE',
  /** no complete answer within the configured timeout */
  'WEBEX_TIMEOUT',
  /** every connection to WebEx was busy for longer than the portal waits (WEBEX_MAX_CONCURRENCY) */
  'WEBEX_BUSY',
  /** WebEx failed or timed out for a run of calls just now: answered at once until the cool-down ends */
  'WEBEX_CIRCUIT_OPEN',
  // --- the REST API (lib/webex-rest): meetings opened through the company's Service App ---
  /** REST 400/404 to meetings/join: WebEx knows no such meeting */
  'WEBEX_MEETING_NOT_FOUND',
  /** REST: a start was asked for a meeting the employee neither hosts nor cohosts (403, or no startLink in the answer) */
  'WEBEX_NOT_HOST',
  /** REST 403 otherwise: the Service App lacks a scope, or the org does not let it act for this person */
  'WEBEX_APP_FORBIDDEN',
  /** REST 429: WebEx limits the Service App's calls; `retryAfterSeconds` from Retry-After */
  'WEBEX_RATE_LIMITED',
  /** REST: the start/join link WebEx returned is not an https URL on a host WEBEX_REST_LINK_HOSTS allows */
  'WEBEX_LINK_REFUSED',
  /** REST: the Service App has no usable grant (never authorized here, revoked or deauthorized in Control Hub) */
  'WEBEX_APP_NOT_AUTHORIZED',
  /** REST: the Service App's token endpoint did not renew its access token (down, or an unusable answer) */
  'WEBEX_APP_UNAVAILABLE',
] as const;

export type WebexErrorCode = (typeof WEBEX_ERROR_CODES)[number];

export interface WebexErrorDetails {
  exceptionID?: string;
  reason?: string;
  httpStatus?: number;
  /** REST 429: how long WebEx asked us to wait (Retry-After), in seconds */
  retryAfterSeconds?: number;
  /** REST: WebEx's trackingId of the failed call, for Cisco support (no secret) */
  trackingId?: string;
  cause?: unknown;
}

/** The one error type of lib/webex: a stable `code`, plus what WebEx said when it said something. */
export class WebexError extends Error {
  readonly code: WebexErrorCode;
  readonly exceptionID?: string;
  readonly reason?: string;
  readonly httpStatus?: number;
  readonly retryAfterSeconds?: number;
  readonly trackingId?: string;

  constructor(code: WebexErrorCode, message: string, details: WebexErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WebexError';
    this.code = code;
    this.exceptionID = details.exceptionID;
    this.reason = details.reason;
    this.httpStatus = details.httpStatus;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.trackingId = details.trackingId;
  }
}

// exceptionIDs of the catalogue (docs/webex.md §5.2); anything else is WEBEX_REFUSED. A Map:
// the ID is whatever the answer says, `__proto__` included.
const CODE_BY_EXCEPTION_ID: ReadonlyMap<string, WebexErrorCode> = new Map([
  ['000001', 'WEBEX_ACCESS_DENIED'],
  ['000035', 'WEBEX_SERVICE_DOWN'],
  ['030001', 'WEBEX_USER_NOT_FOUND'],
  ['060019', 'WEBEX_USER_NOT_FOUND'],
  ['030002', 'WEBEX_BAD_CREDENTIALS'],
  ['030047', 'WEBEX_CREDENTIAL_EXPIRED'],
  ['030048', 'WEBEX_CREDENTIAL_EXPIRED'],
]);

// The one FAILURE known only by its words: no source shows the exceptionID of an invalid Meetings
// OAuth access token, and Splunk's add-on refreshes on this reason text (docs/webex.md §5.2, [C10]).
const INVALID_ACCESS_TOKEN_REASON = /\baccess token is invalid\b/i;

/**
 * Maps a FAILURE to a stable code: by exceptionID, with the reason text consulted only for the
 * invalid-access-token answer, whose ID is undocumented.
 */
export function codeForExceptionId(exceptionID: string | undefined, reason?: string): WebexErrorCode {
  const id = exceptionID?.trim();
  const known = id ? CODE_BY_EXCEPTION_ID.get(id) : undefined;
  if (known) return known;
  if (reason !== undefined && INVALID_ACCESS_TOKEN_REASON.test(reason)) return 'WEBEX_CREDENTIAL_EXPIRED';
  return 'WEBEX_REFUSED';
}

// undici puts the socket-level reason on `cause.code`.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  return errorCodeOf((err as { cause?: unknown }).cause);
}

/**
 * Translates whatever the transport threw into a WebexError: the one place where low-level
 * failures (abort, timeout, refused connection) become stable codes.
 */
export function toWebexError(err: unknown): WebexError {
  if (err instanceof WebexError) return err;
  const own = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  // the guard's refusals (lib/webex/guard.ts), by code: the guard may come from another bundle
  if (own === 'WEBEX_BUSY' || own === 'WEBEX_CIRCUIT_OPEN') return new WebexError(own, (err as Error).message, { cause: err });
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new WebexError('WEBEX_TIMEOUT', 'WebEx did not answer in time', { cause: err });
  }
  const code = errorCodeOf(err);
  if (code && TIMEOUT_CODES.has(code)) return new WebexError('WEBEX_TIMEOUT', `WebEx did not answer in time (${code})`, { cause: err });
  if (code && UNREACHABLE_CODES.has(code)) return new WebexError('WEBEX_UNREACHABLE', `WebEx could not be reached (${code})`, { cause: err });
  return new WebexError('WEBEX_UNREACHABLE', 'WebEx could not be reached', { cause: err });
}
