/** The WebEx URL API login: p.php?AT=LI with a ticket instead of a password. */
export interface LoginUrlInput {
  /** the site's base URL, e.g. https://acme.webex.com */
  baseUrl: string;
  siteName: string;
  webExID: string;
  ticket: string;
  /** MU: where WebEx sends the host after login; must be on the WebEx site */
  landingUrl: string;
  /** BU: where WebEx reports a failed login with ST=FAIL&RS=… */
  backUrl: string;
}

/** True when `candidate` is a page of the WebEx site at `baseUrl` (WebEx only honours such MU targets). */
export function isWebexSiteUrl(candidate: string, baseUrl: string): boolean {
  try {
    return new URL(candidate).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Builds `{base}/{site}/p.php?AT=LI&WID&TK&MU&BU`. URLSearchParams encodes each value exactly
 * once, so a ticket's `+`, `/` and `=` and the query strings inside MU and BU survive intact.
 */
export function buildLoginUrl(input: LoginUrlInput): string {
  if (!isWebexSiteUrl(input.landingUrl, input.baseUrl)) {
    throw new TypeError(`webex-sso: Bad usage. MU must be a page of the WebEx site ${new URL(input.baseUrl).origin}`);
  }
  const url = new URL(`${input.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(input.siteName)}/p.php`);
  url.search = new URLSearchParams({
    AT: 'LI',
    WID: input.webExID,
    TK: input.ticket,
    MU: input.landingUrl,
    BU: input.backUrl,
  }).toString();
  return url.href;
}

/** The AT=LI login as an HTML form: p.php as the action, each query parameter a hidden field. */
export interface LoginForm {
  action: string;
  fields: [name: string, value: string][];
}

/**
 * The same login as `buildLoginUrl`'s, for delivery by POST (docs/webex.md §7.4: Cisco's own advice
 * for credentials; the ticket then stays out of URLs, history and proxy logs). Derived from the
 * URL so both deliveries always carry exactly the same parameters.
 */
export function loginFormOf(loginUrl: string): LoginForm {
  const url = new URL(loginUrl);
  return { action: `${url.origin}${url.pathname}`, fields: [...url.searchParams] };
}

/**
 * Builds `{base}/{site}/p.php?AT=LO&BU=…`: signs the browser out of WebEx, then WebEx sends it to
 * BU with `AT=LO&ST=SUCCESS`. The way out of AlreadyLogon (docs/webex.md §7.8, docs/webex.md §10).
 */
export function buildLogoutUrl(input: Pick<LoginUrlInput, 'baseUrl' | 'siteName' | 'backUrl'>): string {
  const url = new URL(`${input.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(input.siteName)}/p.php`);
  url.search = new URLSearchParams({ AT: 'LO', BU: input.backUrl }).toString();
  return url.href;
}

/** Stable codes for the RS values WebEx appends to BU after a failed URL API login or meeting command (docs/webex.md §7.6). */
export const LOGIN_FAILURE_CODES = [
  'MEETING_NOT_IN_PROGRESS',
  'MEETING_INVALID_KEY',
  'MEETING_LOCKED',
  'MEETING_HOST_DENIED',
  'LOGIN_INVALID_TICKET',
  'LOGIN_AUTO_LOGIN_DISABLED',
  'LOGIN_ALREADY_LOGGED_ON',
  'LOGIN_ACCESS_DENIED',
  'LOGIN_BAD_WEBEX_ID_OR_PASSWORD',
  'LOGIN_ACCOUNT_LOCKED',
  'LOGIN_UNKNOWN',
] as const;

export type LoginFailureCode = (typeof LOGIN_FAILURE_CODES)[number];

// RS as WebEx spells it [docs/webex.md §7.6]. Looked up lower-cased (doc copies spell
// BadWebIDorPassword three ways), in a Map because RS comes from a query string and `__proto__`
// is a valid one.
const LOGIN_FAILURES: ReadonlyMap<string, { reason: string; code: LoginFailureCode }> = new Map(
  (
    [
      ['InvalidTicket', 'LOGIN_INVALID_TICKET'],
      ['InvalidSessionTicket', 'LOGIN_INVALID_TICKET'],
      ['AutoLoginDisabled', 'LOGIN_AUTO_LOGIN_DISABLED'],
      ['AlreadyLogon', 'LOGIN_ALREADY_LOGGED_ON'],
      ['AccessDenied', 'LOGIN_ACCESS_DENIED'],
      ['BadWebIDorPassword', 'LOGIN_BAD_WEBEX_ID_OR_PASSWORD'],
      ['BadWebExIDorPassword', 'LOGIN_BAD_WEBEX_ID_OR_PASSWORD'],
      ['AccountLocked', 'LOGIN_ACCOUNT_LOCKED'],
      // m.php AT=JM [docs/webex.md §7.6, C1 view.php]
      ['MeetingNotInProgress', 'MEETING_NOT_IN_PROGRESS'],
      ['InvalidMeetingKey', 'MEETING_INVALID_KEY'],
      ['InvalidMeetingKeyOrPassword', 'MEETING_INVALID_KEY'],
      ['MeetingLocked', 'MEETING_LOCKED'],
    ] as const
  ).map(([reason, code]) => [reason.toLowerCase(), { reason, code }]),
);

function loginFailureOf(rs: string | undefined): { reason: string; code: LoginFailureCode } | undefined {
  return rs ? LOGIN_FAILURES.get(rs.trim().toLowerCase()) : undefined;
}

/** A failure reason (RS) the portal knows, as WebEx spells it (never the caller's text); undefined for any other. */
export function knownLoginFailureReason(rs: string | undefined): string | undefined {
  return loginFailureOf(rs)?.reason;
}

/**
 * Maps a URL API failure reason (RS) to a stable code; unknown or missing → LOGIN_UNKNOWN. `AT`
 * tells the command: AccessDenied on AT=HM means "not this meeting's host" [docs/webex.md §7.6].
 */
export function codeForLoginFailure(rs: string | undefined, command?: string): LoginFailureCode {
  const code = loginFailureOf(rs)?.code ?? 'LOGIN_UNKNOWN';
  return code === 'LOGIN_ACCESS_DENIED' && command?.toUpperCase() === 'HM' ? 'MEETING_HOST_DENIED' : code;
}
