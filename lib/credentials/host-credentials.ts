/**
 * The credential seam (one seam, several ways to be the host): the launch, the
 * admin's mapping test and the connection check ask one question — run this XML API call as
 * that host — and the configured mode answers it:
 *
 *   password        sealed password in the securityContext
 *   password+ticket sealed password → AuthenticateUser → cached session ticket
 *   saml            signed assertion → AuthenticateUser → cached session ticket
 *   oauth           sealed access token (refreshed) in the securityContext, or → AuthenticateUser → cached session ticket
 *
 * A credential read from a cache that WebEx refuses is renewed once and the call retried once;
 * never more.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { createSignedSamlResponse } from '../saml';
import { type AuthenticateUserBody, buildSecurityContext, type HostCredential, type SecurityContext, type WebexClient, WebexError } from '../webex';
import { HostCredentialError } from './errors';
import type { OAuthTokenStore } from './oauth-tokens';
import { createSessionTicketCache, ticketBinding, type TicketSource } from './session-tickets';

import { SealedSecretError, type SecretKeys, unsealCredential } from '../secrets';
import type { HostCredentialSettings } from './settings';

/**
 * The portal sign-in a call is made in: who signed in, when, and when that session ends (seconds
 * since the epoch, as the session token counts them; the end is sign-in + SESSION_MAX_AGE). A SAML
 * assertion states it as the host's authentication (AuthnInstant, SessionNotOnOrAfter).
 */
export interface PortalSignIn {
  email: string;
  signedInAt: number;
  sessionEndsAt: number;
}

/** The host a call is made as: the portal user, their WebEx ID, and the mapping's sealed password if any. */
export interface HostIdentity {
  email: string;
  webexId: string;
  sealedCredential: string | null;
  /** the host's own sign-in for a launch; for an admin's mapping test, the admin's (lib/launch/checks.ts) */
  signIn: PortalSignIn;
}

/** How the credential of a call was obtained, for the audit log (never the credential itself). */
export type CredentialUse = 'password' | 'new-session-ticket' | 'cached-session-ticket' | 'renewed-session-ticket' | 'access-token' | 'refreshed-access-token';

export interface HostCredentials {
  readonly mode: HostCredentialSettings['mode'];
  /** Runs `call` with a securityContext for the host. Throws HostCredentialError or WebexError. */
  asHost<T>(host: HostIdentity, call: (context: SecurityContext) => Promise<T>): Promise<{ value: T; credential: CredentialUse }>;
}

export interface HostCredentialDeps {
  config: HostCredentialSettings;
  siteName: string;
  webex: Pick<WebexClient, 'authenticateUser'>;
  keys: SecretKeys;
  /** where session tickets are cached */
  db: Kysely<Database>;
  /** oauth mode only */
  oauthTokens?: OAuthTokenStore;
  /** the site's key: its session tickets are kept apart from every other site's ('' the default site) */
  site?: string;
}

/** WebEx refused the credential itself (030047, 030048, an invalid access token): renewing may help. */
function isRejectedCredential(err: unknown): boolean {
  return err instanceof WebexError && err.code === 'WEBEX_CREDENTIAL_EXPIRED';
}

function storedPassword(host: HostIdentity): string {
  if (!host.sealedCredential) throw new HostCredentialError('CREDENTIAL_MISSING', 'no WebEx password is stored for this host');
  return host.sealedCredential;
}

async function openPassword(host: HostIdentity, keys: SecretKeys): Promise<string> {
  const sealed = storedPassword(host);
  try {
    const credential = await unsealCredential(sealed, keys);
    if (credential.kind !== 'password') throw new HostCredentialError('CREDENTIAL_MISSING', 'the stored credential is not a password');
    return credential.password;
  } catch (err) {
    if (err instanceof SealedSecretError) throw new HostCredentialError('CREDENTIAL_UNREADABLE', err.message, { cause: err });
    throw err;
  }
}

/** Builds the credential seam for the configured mode. */
export function createHostCredentials(deps: HostCredentialDeps): HostCredentials {
  const { config, siteName } = deps;
  const sessionTickets = createSessionTicketCache({ db: deps.db, keys: deps.keys, site: deps.site });
  // every mode ends in one of the securityContext variants the portal sends (docs/webex.md §3.2), or in none (AuthenticateUser's)
  const context = (host: HostIdentity, credential?: HostCredential): SecurityContext =>
    credential ? buildSecurityContext(siteName, host.webexId, credential) : { siteName, webExID: host.webexId };

  function oauthTokens(): OAuthTokenStore {
    if (!deps.oauthTokens) throw new TypeError('webex-sso: Bad usage. oauth mode needs an OAuthTokenStore');
    return deps.oauthTokens;
  }

  /** AuthenticateUser, with a SAML refusal named as such. */
  async function authenticate(host: HostIdentity, credential: HostCredential | undefined, body: AuthenticateUserBody) {
    try {
      return await deps.webex.authenticateUser(context(host, credential), body);
    } catch (err) {
      if (config.mode === 'saml' && err instanceof WebexError && ['WEBEX_CREDENTIAL_EXPIRED', 'WEBEX_BAD_CREDENTIALS', 'WEBEX_REFUSED'].includes(err.code)) {
        throw new HostCredentialError('WEBEX_SSO_REFUSED', `WebEx refused the portal's SAML assertion (${err.exceptionID ?? err.code})`, {
          exceptionID: err.exceptionID,
          cause: err,
        });
      }
      throw err;
    }
  }

  /** What proves the host to AuthenticateUser in this mode. */
  async function authenticateHost(host: HostIdentity) {
    switch (config.mode) {
      case 'password':
        return authenticate(host, { kind: 'password', password: await openPassword(host, deps.keys) }, {});
      case 'saml': {
        const signed = createSignedSamlResponse(
          {
            issuer: config.issuer,
            audience: config.audience,
            recipient: config.recipient,
            nameId: config.nameIdSource === 'email' ? host.email : host.webexId,
            nameIdFormat: config.nameIdSource === 'email' ? 'email' : 'unspecified',
            authnInstant: new Date(host.signIn.signedInAt * 1000),
            sessionNotOnOrAfter: new Date(host.signIn.sessionEndsAt * 1000),
          },
          config.keys,
        );
        return authenticate(host, undefined, { protocol: 'SAML2.0', samlResponse: signed.base64 });
      }
      case 'oauth': {
        const store = oauthTokens();
        const token = await store.accessToken(host);
        try {
          return await authenticate(host, undefined, { accessToken: token.token });
        } catch (err) {
          if (token.refreshed || !isRejectedCredential(err)) throw err;
          return authenticate(host, undefined, { accessToken: (await store.renewAfterRejection(host, token.version)).token });
        }
      }
    }
  }

  /**
   * What this host's ticket must have come from, checked before the cache on every use: no password
   * of their own (password mode) or no live connection as this WebEx ID (oauth) ends here.
   */
  async function ticketSourceOf(host: HostIdentity): Promise<TicketSource> {
    switch (config.mode) {
      case 'password':
        return { kind: 'password', sealedCredential: storedPassword(host) };
      case 'saml':
        return { kind: 'saml', signedInAs: host.signIn.email };
      case 'oauth':
        return { kind: 'oauth', connectedAt: (await oauthTokens().connection(host)).connectedAt };
    }
  }

  async function withSessionTicket<T>(host: HostIdentity, call: (context: SecurityContext) => Promise<T>) {
    const key = { email: host.email, webexId: host.webexId, binding: ticketBinding(await ticketSourceOf(host), deps.keys) };
    const first = await sessionTickets.get(key, () => authenticateHost(host));
    try {
      return {
        value: await call(context(host, { kind: 'sessionTicket', sessionTicket: first.sessionTicket })),
        credential: first.cached ? ('cached-session-ticket' as const) : ('new-session-ticket' as const),
      };
    } catch (err) {
      if (!first.cached || !isRejectedCredential(err)) throw err;
      await sessionTickets.drop(key, first.sealed);
      const fresh = await sessionTickets.get(key, () => authenticateHost(host));
      return { value: await call(context(host, { kind: 'sessionTicket', sessionTicket: fresh.sessionTicket })), credential: 'renewed-session-ticket' as const };
    }
  }

  async function withAccessToken<T>(host: HostIdentity, call: (context: SecurityContext) => Promise<T>) {
    const store = oauthTokens();
    const token = await store.accessToken(host);
    try {
      return {
        value: await call(context(host, { kind: 'accessToken', webExAccessToken: token.token })),
        credential: token.refreshed ? ('refreshed-access-token' as const) : ('access-token' as const),
      };
    } catch (err) {
      if (token.refreshed || !isRejectedCredential(err)) throw err;
      const renewed = await store.renewAfterRejection(host, token.version);
      return { value: await call(context(host, { kind: 'accessToken', webExAccessToken: renewed.token })), credential: 'refreshed-access-token' as const };
    }
  }

  return {
    mode: config.mode,
    async asHost(host, call) {
      if (config.mode === 'password' && !config.toSessionTicket) {
        return { value: await call(context(host, { kind: 'password', password: await openPassword(host, deps.keys) })), credential: 'password' };
      }
      if (config.mode === 'oauth' && config.tokenUse === 'access-token') return withAccessToken(host, call);
      return withSessionTicket(host, call);
    },
  };
}
