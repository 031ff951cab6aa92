export { WEBEX_NOT_CONFIRMED } from './plan';
export { clearSessionCookies, continueSignOut, OPEN, planSignOutFor, SIGN_OUT_COOKIE, signOutCookie } from './sign-out';
