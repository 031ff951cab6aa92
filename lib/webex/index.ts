/**
 * The WebEx XML API and URL API adapter: the securityContext, GetLoginTicket and its siblings over
 * a pooled, guarded transport, typed errors, p.php and m.php URLs. Takes its transport and
 * settings as arguments; no Next import.
 */
export { createWebexClient, type WebexClient } from './client';
export { codeForExceptionId, WEBEX_ERROR_CODES, WebexError, type WebexErrorCode } from './errors';
export { type Answer, createExchange, type ExchangeOptions, observed } from './exchange';
export { createUpstreamGuard, type UpstreamGuard, type UpstreamStats } from './guard';
export { buildMeetingUrl, formatMeetingNumber, type MeetingNumber, type MeetingRole, parseMeetingNumber, parseMeetingRole } from './meetings';
export { buildSecurityContext, type HostCredential, type SecurityContext } from './security-context';
export { type WebexSite } from './site';
export { createHttpTransport, type HttpTransport, type Transport, type TransportRequest, type TransportResponse } from './transport';
export {
  buildLoginUrl,
  buildLogoutUrl,
  codeForLoginFailure,
  knownLoginFailureReason,
  LOGIN_FAILURE_CODES,
  type LoginFailureCode,
  type LoginForm,
  loginFormOf,
} from './url-api';
export {
  assertXmlChars,
  type AuthenticateUserBody,
  buildGetLoginTicketRequest,
  parseGetLoginTicketResponse,
  type SessionTicket,
  type SiteInfo,
  type WebexUser,
} from './xml-api';
