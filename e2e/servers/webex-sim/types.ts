import type { SamlTrust } from './saml';

/**
 * The simulator's public surface. `index.ts` re-exports everything here; other code imports
 * from `e2e/servers/webex-sim` and never from the internal modules.
 */

export interface SimUser {
  /** matched without regard to case, as WebEx IDs are */
  webExID: string;
  email?: string;
  /** none for a host of an SSO site, who signs in only through SAML or OAuth */
  password?: string;
  firstName?: string;
  lastName?: string;
  /** default true */
  active?: boolean;
}

/** An OAuth integration registered at the simulated site (a Webex Meetings OAuth client). */
export interface SimOAuthClient {
  clientId: string;
  clientSecret: string;
  /** exact match, as an authorization server must */
  redirectUris: string[];
}

/** A meeting on the simulated site, for m.php AT=JM / AT=HM and the REST API's meetings/join. */
export interface SimMeeting {
  /** the meeting number (MK), digits only */
  number: string;
  /** who may start it (AT=HM), any case */
  hostWebExID: string;
  /** REST: who else gets a startLink from meetings/join [docs/webex.md §9.2, R1: "the meeting host or cohost"] */
  cohostWebExIDs?: string[];
  topic?: string;
  /** default false: attendees get MeetingNotInProgress until the host starts it */
  inProgress?: boolean;
  /** REST: when the meeting is scheduled (epoch ms); without it the meeting is on nobody's list (GET /v1/meetings), reachable by its number only */
  start?: number;
  /** REST: its scheduled length; default 30 */
  durationMinutes?: number;
  /** REST: who is invited besides the cohosts: their lists show it, and meetingInvitees names them [docs/webex.md §9.8] */
  inviteeWebExIDs?: string[];
}

/**
 * What one site of the simulator holds on its own: its hosts, its URL API switches, its SSO trust
 * and its meetings. Each site also keeps its own login tickets, session tickets, faults and browser
 * session, so nothing issued on one site is accepted on another (WebEx sites are separate
 * services, each at its own https://{site}.webex.com [docs/webex.md §1]).
 */
export interface SimSiteOptions {
  /** the site's name: the XML securityContext's siteName, and the first path segment of its URL API pages */
  siteName: string;
  users: SimUser[];
  /** default true: the site's supportAPI/autoLogin (URL API login and logout) */
  autoLogin?: boolean;
  /** default false, or true when `saml` is given: the site's samlSSO/enableSSO as GetSite reports it */
  enableSSO?: boolean;
  /** the site's SSO configuration: whom AuthenticateUser trusts for SAML assertions */
  saml?: SamlTrust;
  /** meetings that m.php knows; default none */
  meetings?: SimMeeting[];
}

/**
 * The first site's settings at the top level (the one-site simulator as before), and more sites in
 * `sites`, all on one server: XML API requests go to the site their securityContext names, URL API
 * pages to the site in their path. The OAuth server and the REST API (Webex's, not a site's) belong
 * to the organisation and see the first site's hosts and meetings.
 */
export interface SimOptions extends SimSiteOptions {
  /** further sites on the same server; names unique */
  sites?: SimSiteOptions[];
  /** 0 = any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 300_000 */
  ticketTtlMs?: number;
  /** the Meetings OAuth authorization server (/v1/oauth2/*) and its clients */
  oauth?: {
    clients: SimOAuthClient[];
    /** default 3600 */
    accessTokenTtlSeconds?: number;
    /** default 60 days */
    refreshTokenTtlSeconds?: number;
  };
  /**
   * The Webex REST API (/v1/access_token, /v1/meetings/join, /v1/meetingPreferences/personalMeetingRoom,
   * /v1/people/me, /v1/meetings, /v1/meetingInvitees) and the organisation's Service App [docs/webex.md §9];
   * without it those paths are 404.
   */
  serviceApp?: SimServiceApp;
  /** AuthenticateUser's timeToLive; default 5400, Cisco's sample (docs/webex.md §6.1) */
  sessionTicketTtlSeconds?: number;
  /** iron-session password for the simulator's own cookie, >= 32 characters; default a random one */
  sessionPassword?: string;
  /** clock in epoch ms, for ticket-expiry tests; default Date.now */
  now?: () => number;
  /** makes login tickets; default 24 random bytes as standard base64. Tests use it to force `+`, `/` or `=`. */
  generateTicket?: () => string;
  /** one line per request (never a secret): true → stdout, a function → that function; default quiet */
  log?: boolean | ((line: string) => void);
}

/** The organisation's Service App at the simulated Webex REST API. */
export interface SimServiceApp {
  clientId: string;
  clientSecret: string;
  /** default 43200 (12 h; published figures conflict, unverified) */
  accessTokenTtlSeconds?: number;
  /** default 60 days (unverified, as above) */
  refreshTokenTtlSeconds?: number;
  /** the organisation's ID, as GET /people/me reports it; default a fixed demo value */
  orgId?: string;
}

/** The REST calls the simulator answers, for fault rules. */
export type RestCall = 'meetings/join' | 'meetingPreferences/personalMeetingRoom' | 'people/me' | 'meetings' | 'meetingInvitees';

/** The tokens the developer portal's "Generate Tokens" hands an admin for an authorized Service App [docs/webex.md §9.3, R5]. */
export interface ServiceAppTokens {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

export type SimFault =
  /** XML API answers after ms (a REST call too, when the rule names it in `call`) */
  | { kind: 'latency'; ms: number }
  /** XML API never answers (socket kept open until the client gives up or the server closes); a REST call too, when the rule names it */
  | { kind: 'hang' }
  /** XML API reads the request, then drops the connection without answering */
  | { kind: 'reset' }
  /** XML API answers that HTTP status with a short text/plain body */
  | { kind: 'http-status'; status: number }
  /** XML API answers 200 text/xml with a truncated document */
  | { kind: 'malformed-xml' }
  /** XML API answers a well-formed SUCCESS whose ticket is an entity from an internal DTD: what WebEx never sends */
  | { kind: 'entity-ticket' }
  /** XML API answers 200 text/html with an HTML maintenance page */
  | { kind: 'html' }
  /** XML API answers HTTP 200 FAILURE with that exceptionID */
  | { kind: 'failure'; exceptionID: string; reason?: string }
  /** GetLoginTicket answers SUCCESS with an empty <use:ticket/> (applies to GetLoginTicket requests only) */
  | { kind: 'empty-ticket' }
  /** XML API answers normally but with gsbStatus BACKUP */
  | { kind: 'backup' }
  /** URL API p.php?AT=LI fails with RS=AutoLoginDisabled */
  | { kind: 'auto-login-disabled' }
  /** URL API p.php?AT=LI fails with that RS */
  | { kind: 'url-failure'; rs: string }
  /** the next XML request carrying one of the host's session tickets finds them all expired (030047) */
  | { kind: 'session-ticket-expired' }
  /** the next XML request carrying one of the host's access tokens finds them all expired */
  | { kind: 'access-token-expired' }
  /** the next refresh of one of the host's OAuth grants finds the grant revoked (invalid_grant) */
  | { kind: 'refresh-revoked' }
  /** the OAuth token endpoint answers 503 */
  | { kind: 'token-endpoint-down' }
  /** REST: the Service App's token endpoint (/v1/access_token) answers 503 */
  | { kind: 'rest-token-endpoint-down' }
  /** REST: the Service App's grant behind the next request is revoked (deauthorized in Control Hub): the API answers 401, a refresh invalid_grant */
  | { kind: 'service-app-revoked' }
  /** REST: the Service App's access token of the next API request has expired (401); its refresh token still works */
  | { kind: 'rest-access-token-expired' }
  /** REST: the API answers that status with Webex's error body; 429 with Retry-After (default 1 s) */
  | { kind: 'rest-status'; status: number; retryAfterSeconds?: number }
  /** REST: meetings/join answers 400 "meeting not found" */
  | { kind: 'meeting-not-found' }
  /** REST: meetings/join answers 403: the hostEmail is neither host nor cohost */
  | { kind: 'not-host' }
  /** REST: the API answers 403 because the Service App's token lacks a scope the call needs (default: the call's own) */
  | { kind: 'missing-scope'; scope?: string };

export interface FaultRule {
  fault: SimFault;
  /** only requests for this WebEx ID (the XML securityContext's webExID, or p.php's WID), any case */
  webExID?: string;
  /** only requests of this call (an XML API call, or a REST call) */
  call?: XmlCall | RestCall;
  /** apply to the next N matching requests; default: until cleared */
  times?: number;
  /** the site whose requests it applies to; default the first site (REST and OAuth faults: the first site's only) */
  site?: string;
}

export type XmlCall = 'GetLoginTicket' | 'GetSite' | 'AuthenticateUser' | 'GetUser';

export interface SimStats {
  /** new tickets generated (returning a host's still-current ticket again does not count) */
  ticketsIssued: number;
  /** successful p.php?AT=LI */
  logins: number;
  /** failed p.php?AT=LI, whatever the RS */
  failedLogins: number;
  /** requests that reached POST /WBXService/XMLService, faulted ones included */
  xmlRequests: number;
  /** session tickets AuthenticateUser issued */
  sessionTicketsIssued: number;
  /** token endpoint grants that issued tokens, by grant type */
  authorizationCodeGrants: number;
  refreshTokenGrants: number;
  /** refresh tokens presented again after rotation (each revokes its grant) */
  refreshTokenReuses: number;
  /** TCP connections accepted since the start (a client that reuses its connections opens few) */
  connectionsAccepted: number;
  /** REST: Service App refreshes that issued tokens, requests to /v1/ API paths, start/join links issued and used */
  serviceAppRefreshes: number;
  restRequests: number;
  meetingLinksIssued: number;
  meetingLinksUsed: number;
  /** TCP connections open now, and the most ever open at once (a client's pool size, seen from WebEx) */
  openConnections: number;
  maxOpenConnections: number;
}

/** Every secret the simulator handed out, for tests that prove none of them leaked on the portal's side. */
export interface SimSecrets {
  loginTickets: string[];
  sessionTickets: string[];
  accessTokens: string[];
  refreshTokens: string[];
  authorizationCodes: string[];
  /** the Base64 SAML Responses AuthenticateUser received */
  samlResponses: string[];
  /** REST: the Service App's access and refresh tokens, every one ever issued */
  serviceAppTokens: string[];
  /** REST: the integrationJoinToken and principal of every start/join link issued */
  meetingLinkTokens: string[];
}

export interface WebexSimulator {
  /** e.g. http://127.0.0.1:4020 (the app's WEBEX_BASE_URL) */
  url: string;
  /** the first site's name */
  siteName: string;
  /** every site's name, the first site's first */
  siteNames: string[];
  inject(rule: FaultRule): void;
  clearFaults(): void;
  stats(): SimStats;
  secrets(): SimSecrets;
  /** the developer portal's "Generate Tokens" for the authorized Service App: a new grant (needs `serviceApp`) */
  generateServiceAppTokens(): ServiceAppTokens;
  /** stops listening and destroys every open socket, hanging ones included */
  close(): Promise<void>;
}
