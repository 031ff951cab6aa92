/**
 * How the portal proves to WebEx that it may act as a host: one seam (a securityContext for this
 * host, now) with one provider per credential mode, the session-ticket cache, the employees' OAuth
 * grants (Connect WebEx) and the company Service App's grant.
 */
export { CONNECT_COOKIE, connectCookie, type ConnectDeps, connectSiteOf, disconnect, finishConnect, startConnect } from './connect';
export { HOST_CREDENTIAL_CODES, type HostCredentialCode, HostCredentialError } from './errors';
export { createHostCredentials, type CredentialUse, type HostCredentials, type HostIdentity, type PortalSignIn } from './host-credentials';
export { createWebexOAuthClient, type TokenSet, type WebexOAuthClient } from './oauth-client';
export { type ConnectionStatus, createOAuthTokenStore, type OAuthTokenStore } from './oauth-tokens';
export { createServiceApp, type ServiceApp, type ServiceAppStatus } from './service-app';
export { forgetSessionTickets } from './session-tickets';
export { type HostCredentialSettings } from './settings';
