import { codeForLoginFailure, type LoginFailureCode } from '../webex';
import { parseLaunchFailureCode, type LaunchFailureCode } from './codes';

/** What an employee reads when Join WebEx did not work: what happened, and what to do. */
export interface Problem {
  /** a launch failure (./codes.ts), or a URL API failure WebEx reported on BU */
  code: LaunchFailureCode | LoginFailureCode;
  title: string;
  what: string;
  next: string;
  /** a retry can help (the cause may be passing) */
  retry: boolean;
}

type Text = Omit<Problem, 'code'>;

const unreachable: Text = {
  title: 'WebEx is not answering',
  what: 'We could not reach WebEx, or it answered with an error page.',
  next: 'This is usually brief. Try again in a minute; if it keeps happening, tell {support}.',
  retry: true,
};

// What every employee reads when the company's Service App (the REST path) cannot act: the same
// headline whatever the cause, the way out differs.
const companyApp = 'WebEx is not reachable through the company app';

const TEXTS: Record<Problem['code'], Text> = {
  PORTAL_UNAVAILABLE: {
    title: 'The portal could not complete your Join',
    what: 'The portal could not reach its own database to look you up or record the Join, so it did not send you on to WebEx. Nothing was changed.',
    next: 'Try again in a minute; if it keeps happening, tell {support}.',
    retry: true,
  },
  RATE_LIMITED: {
    title: 'Too many WebEx sign-ins in a row',
    what: 'You started WebEx more often in the last minute than the portal allows (a protection against runaway scripts).',
    next: 'Wait a moment and join again; if you need more, tell {support}.',
    retry: false,
  },
  CONNECT_EXPIRED: {
    title: 'The WebEx connection was not completed',
    what: 'The answer from WebEx did not match a connection you started from the portal in this session, or it came too late.',
    next: 'Start again with Connect WebEx on the portal.',
    retry: false,
  },
  CONNECT_WRONG_ACCOUNT: {
    title: 'That is not your linked WebEx account',
    what: 'You signed in to WebEx with an account other than the one linked to your portal account, so the portal did not keep the authorisation.',
    next: 'Connect again and sign in to WebEx with your own host account; if the linked account is wrong, ask {support}.',
    retry: false,
  },
  SITE_UNKNOWN: {
    title: 'That WebEx site is not one of ours',
    what: 'The link names a WebEx site this portal does not sign anyone in to.',
    next: 'Use the Join button on the portal, or ask {support} which WebEx site the meeting is on.',
    retry: false,
  },
  MAPPING_MISSING: {
    title: 'Your account is not linked to WebEx yet',
    what: 'Your portal account has no WebEx host account linked to it, so we cannot sign you in.',
    next: 'Ask {support} to link your portal account to your WebEx host account.',
    retry: false,
  },
  CREDENTIAL_MISSING: {
    title: 'Your WebEx link is incomplete',
    what: 'Your account is linked to WebEx, but the credential WebEx needs for it has not been set.',
    next: 'Ask {support} to complete your WebEx link.',
    retry: false,
  },
  CREDENTIAL_UNREADABLE: {
    title: 'Your WebEx link needs to be renewed',
    what: 'The stored WebEx credential for your account can no longer be read (the key that protects it changed).',
    next: 'Ask {support} to set your WebEx credential again.',
    retry: false,
  },
  WEBEX_NOT_CONNECTED: {
    title: 'Connect your WebEx account first',
    what: 'Our WebEx site signs you in through your own WebEx authorisation, which you have not given the portal yet.',
    next: 'Choose Connect WebEx, sign in to WebEx once and allow the portal; after that, Join works with one click.',
    retry: false,
  },
  WEBEX_RECONNECT_NEEDED: {
    title: 'Reconnect your WebEx account',
    what: 'Your WebEx authorisation for the portal ended (it was revoked, it expired, or your WebEx link changed).',
    next: 'Choose Reconnect WebEx and allow the portal again.',
    retry: false,
  },
  WEBEX_OAUTH_UNAVAILABLE: {
    ...unreachable,
    title: 'WebEx sign-in is not answering',
    what: "We could not renew your WebEx authorisation: WebEx's sign-in service did not answer properly.",
  },
  WEBEX_SSO_REFUSED: {
    title: 'WebEx refused the company sign-in',
    what: "WebEx did not accept the portal's single sign-on assertion for your account.",
    next: "Tell {support}: the WebEx site's SSO settings (certificate, NameID, your account) need checking. The audit log has WebEx's answer.",
    retry: false,
  },
  WEBEX_USER_NOT_FOUND: {
    title: 'WebEx does not know your host account',
    what: 'The WebEx ID linked to your portal account does not exist on our WebEx site.',
    next: 'Ask {support} to check the WebEx ID linked to your account.',
    retry: false,
  },
  WEBEX_BAD_CREDENTIALS: {
    title: 'WebEx refused the stored credentials',
    what: 'WebEx said the WebEx ID or password stored for your account is wrong.',
    next: 'Ask {support} to update the WebEx credential for your account.',
    retry: false,
  },
  WEBEX_CREDENTIAL_EXPIRED: {
    title: 'Your WebEx authorisation has expired',
    what: 'WebEx no longer accepts the session ticket or token stored for your account.',
    next: 'Ask {support} to renew your WebEx link.',
    retry: false,
  },
  WEBEX_ACCESS_DENIED: {
    title: 'WebEx denied access',
    what: 'WebEx says your host account lacks a privilege this sign-in needs.',
    next: "Ask {support} to check your WebEx account's privileges.",
    retry: false,
  },
  WEBEX_SERVICE_DOWN: { ...unreachable, title: 'WebEx is having trouble', what: 'WebEx answered that one of its own services is not responding.' },
  WEBEX_REFUSED: {
    title: 'WebEx refused the sign-in',
    what: 'WebEx refused to issue a sign-in ticket for your account.',
    next: "Tell {support}, mentioning the time; they can see WebEx's exact answer in the audit log.",
    retry: true,
  },
  WEBEX_EMPTY_TICKET: { ...unreachable, title: 'WebEx sent an incomplete answer', what: 'WebEx answered without the sign-in ticket we asked for.' },
  WEBEX_NOT_XML: unreachable,
  WEBEX_UNSAFE_RESPONSE: {
    ...unreachable,
    title: 'WebEx sent an unexpected answer',
    what: 'The answer that came back for WebEx was not in a form WebEx uses, so we refused it unread.',
  },
  WEBEX_MALFORMED_RESPONSE: { ...unreachable, title: 'WebEx sent an unreadable answer', what: "WebEx's answer was cut off or not in the expected form." },
  WEBEX_HTTP_ERROR: unreachable,
  WEBEX_RESPONSE_TOO_LARGE: {
    ...unreachable,
    title: 'WebEx sent an unexpected answer',
    what: "WebEx's answer was far larger than a sign-in ticket, so we did not read it.",
  },
  WEBEX_UNREACHABLE: unreachable,
  WEBEX_BUSY: {
    title: 'WebEx is busy right now',
    what: 'Many people are joining WebEx at this moment and every connection to WebEx is in use.',
    next: 'Try again in a few seconds.',
    retry: true,
  },
  WEBEX_CIRCUIT_OPEN: {
    title: 'WebEx is unreachable',
    what: 'WebEx did not answer the last several sign-ins, so we are not trying again for a short while.',
    next: 'Try again in a minute; if it keeps happening, tell {support}.',
    retry: true,
  },
  WEBEX_TIMEOUT: { ...unreachable, title: 'WebEx is too slow to answer', what: 'WebEx did not answer in time, so we stopped waiting.' },
  WEBEX_MEETING_NOT_FOUND: {
    title: 'WebEx does not know that meeting',
    what: 'WebEx found no meeting with that number (or your personal room) for the company app to open.',
    next: 'Check the meeting number in the invitation; meetings of another WebEx organisation cannot be opened from this portal. If it is right, tell {support}.',
    retry: false,
  },
  WEBEX_NOT_HOST: {
    title: 'You are not the host of this meeting',
    what: 'WebEx says you are neither the host nor a cohost of this meeting, so it gave no link to start it.',
    next: 'Join it as an attendee instead; if you should be its host, ask the host to make you a cohost, or ask {support}.',
    retry: false,
  },
  WEBEX_APP_FORBIDDEN: {
    title: companyApp,
    what: 'WebEx refused the company app: it lacks a permission it needs to open this meeting for you.',
    next: "Tell {support}: the Service App's scopes or its authorisation in Control Hub need checking. The audit log has WebEx's answer.",
    retry: false,
  },
  WEBEX_RATE_LIMITED: {
    title: 'WebEx asks the portal to slow down',
    what: 'Many people are opening meetings through the company app right now, and WebEx limits how fast it may ask.',
    next: 'Wait a moment and try again.',
    retry: true,
  },
  WEBEX_LINK_REFUSED: {
    title: 'The portal did not trust the meeting link',
    what: 'The link that came back for this meeting does not point to a WebEx address the portal trusts, so it did not send you there.',
    next: 'Tell {support}, mentioning the time: the allowed WebEx addresses (WEBEX_REST_LINK_HOSTS) may need checking.',
    retry: false,
  },
  WEBEX_APP_NOT_AUTHORIZED: {
    title: companyApp,
    what: 'The company app that opens meetings for you at WebEx (a Service App) is not authorised at the moment.',
    next: 'Tell {support}: a WebEx administrator must authorise the Service App again in Control Hub and give the portal its new token (WebEx settings).',
    retry: false,
  },
  WEBEX_APP_UNAVAILABLE: {
    ...unreachable,
    title: companyApp,
    what: "The company app could not renew its access at WebEx: WebEx's sign-in service did not answer properly.",
  },
  LAUNCH_UNAVAILABLE: {
    title: 'This way into WebEx is not offered',
    what: 'The portal is set up to open WebEx meetings only (through the company app), not to sign you in to the WebEx site itself.',
    next: "Open a meeting from its link, or start your personal room from the portal's home page.",
    retry: false,
  },
  LOGIN_INVALID_TICKET: {
    title: 'That WebEx sign-in link was already used',
    what: 'WebEx sign-in tickets work once and expire quickly; this one was used or had expired (a reloaded or shared link does this).',
    next: 'Join again: you get a fresh ticket each time.',
    retry: true,
  },
  LOGIN_AUTO_LOGIN_DISABLED: {
    title: 'Our WebEx site does not allow portal sign-in',
    what: 'WebEx said automatic login (the URL API) is turned off for our site.',
    next: 'Tell {support}: a WebEx site administrator must enable it.',
    retry: false,
  },
  LOGIN_ALREADY_LOGGED_ON: {
    title: 'Someone is already signed in to WebEx in this browser',
    what: 'WebEx will not start a second sign-in while another WebEx session is open in this browser.',
    next: 'Sign out of WebEx with the button below, then join again.',
    retry: true,
  },
  LOGIN_ACCESS_DENIED: {
    title: 'WebEx denied access',
    what: 'WebEx refused the sign-in: your WebEx session expired or your account lacks a privilege.',
    next: 'Join again; if it happens again, ask {support} to check your WebEx account.',
    retry: true,
  },
  LOGIN_BAD_WEBEX_ID_OR_PASSWORD: {
    title: 'WebEx does not recognise your account',
    what: 'WebEx said the WebEx ID linked to your account does not match a host account.',
    next: 'Ask {support} to check the WebEx ID linked to your account.',
    retry: false,
  },
  LOGIN_ACCOUNT_LOCKED: {
    title: 'Your WebEx account is locked',
    what: 'WebEx says your host account is locked.',
    next: 'Ask {support} to unlock your WebEx account.',
    retry: false,
  },
  MEETING_NUMBER_INVALID: {
    title: 'That is not a WebEx meeting number',
    what: 'A WebEx meeting number has 9 to 11 digits and nothing else.',
    next: 'Open the meeting link from the invitation again; if it keeps happening, tell {support}.',
    retry: false,
  },
  MEETING_NOT_IN_PROGRESS: {
    title: 'The meeting has not started yet',
    what: 'WebEx signed you in, but the meeting is not in progress, so there is nothing to join yet.',
    next: 'Open the meeting link again once the host has started it.',
    retry: false,
  },
  MEETING_INVALID_KEY: {
    title: 'WebEx does not know that meeting',
    what: 'WebEx signed you in, but found no meeting with that number on our site.',
    next: 'Check the meeting number in the invitation; meetings of another WebEx site cannot be joined from this portal.',
    retry: false,
  },
  MEETING_LOCKED: {
    title: 'The meeting is locked',
    what: 'WebEx signed you in, but the host has locked the meeting.',
    next: 'Ask the host to unlock it, then open the meeting link again.',
    retry: false,
  },
  MEETING_HOST_DENIED: {
    title: 'You are not the host of this meeting',
    what: "WebEx signed you in as your own host account, but only the meeting's host can start it.",
    next: 'Join it as an attendee instead; if you should be its host, ask {support}.',
    retry: false,
  },
  LOGIN_UNKNOWN: {
    title: 'WebEx could not sign you in',
    what: 'WebEx reported a sign-in failure we do not recognise.',
    next: 'Try again; if it keeps happening, tell {support}, mentioning the time.',
    retry: true,
  },
};

// Codes reach here from query strings: only TEXTS' own keys count, anything else is the fallback.
function withSupport(code: Problem['code'], fallback: Problem['code'], support: string): Problem {
  const known = Object.hasOwn(TEXTS, code) ? code : fallback;
  const text = TEXTS[known];
  return { ...text, code: known, next: text.next.replace('{support}', support) };
}

/** The page text for a launch failure code from a query string; unknown codes get a generic text. */
export function describeLaunchFailure(code: string | undefined, support: string): Problem {
  return withSupport(parseLaunchFailureCode(code) ?? 'WEBEX_REFUSED', 'WEBEX_REFUSED', support);
}

/** The page text for a URL API failure reported on BU (`AT=…&ST=FAIL&RS=…`). */
export function describeLoginFailure(rs: string | undefined, support: string, command?: string): Problem {
  return withSupport(codeForLoginFailure(rs, command), 'LOGIN_UNKNOWN', support);
}

/**
 * What the sign-in error page explains: next-auth's codes that an OpenID sign-in without a
 * database adapter sends (through /auth/signin or to pages.error), and the portal's own
 * (EmailUnverified from our signIn callback, Cookies from /auth/signin). Anything else is Default.
 */
export const SIGN_IN_ERROR_CODES = [
  'EmailUnverified',
  'AccessDenied',
  'Configuration',
  'Cookies',
  'Verification',
  'OAuthSignin',
  'OAuthCallback',
  'Callback',
  'Default',
] as const;
