/**
 * Sign out everywhere: the portal session, then WebEx's AT=LO and the identity provider's logout,
 * each when configured and possible.
 */
export { WEBEX_NOT_CONFIRMED } from './plan';
export { clearSessionCookies, continueSignOut, OPEN, planSignOutFor, SIGN_OUT_COOKIE, signOutCookie } from './sign-out';
