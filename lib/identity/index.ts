/**
 * Who the portal user is: the identity provider's claims, next-auth's options, the session
 * cookie (its token, lifetimes, renewal, server-side revocation), ID tokens kept for sign-out,
 * and the one check of a return target.
 */
export { buildAuthOptions, csrfCookieName, csrfTokenOf, FROM_NEXT_AUTH, signInPath } from './auth-options';
export { claimOf } from './claims';
export { normalizeEmail } from './email';
export { createIdTokenStore, type IdTokenStore } from './id-tokens';
export { discover } from './idp-refresh';
export { type PortalUser, portalUserOf, readPortalUser } from './portal-user';
export { portalPath } from './return-target';
export { sessionCookieWrites, sessionSetCookie } from './session-cookie';
export { nowSeconds } from './session-policy';
export { renewSession } from './session-renewal';
export { createSessionRevocations, revocableSession, type SessionRevocations } from './session-revocations';
export { encodeSession, readSessionToken, sessionCookieName } from './session-token';
export { type AdminSettings, type OidcSettings, type SessionPolicy } from './settings';
