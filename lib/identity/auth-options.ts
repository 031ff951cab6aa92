import { randomBytes } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import { log } from '../log';
import { claimOf, emailVerified, identityFromClaims, type Claims } from './claims';
import { normalizeEmail } from './email';
import type { IdTokenStore } from './id-tokens';
import { portalUserOf } from './portal-user';
import { portalPath } from './return-target';
import { nowSeconds, sessionEnd, timesOf, type SessionEnd } from './session-policy';
import { revocableSession, type SessionRevocations } from './session-revocations';
import { decodeSession, encodeSession } from './session-token';
import type { IdentitySettings } from './settings';

/** Thrown from the jwt callback: next-auth then treats the session as gone (and clears its cookie where it can). */
export class SessionEndedError extends Error {
  constructor(readonly reason: SessionEnd) {
    super(`webex-sso: session ended (${reason})`);
    this.name = 'SessionEndedError';
  }
}

/** The portal's sign-in route (app/auth/signin/route.ts). */
export const SIGN_IN_PATH = '/auth/signin';
/** Marks the way back from next-auth's sign-in, which sets its CSRF cookie (the loop guard). */
export const FROM_NEXT_AUTH = 'from-next-auth';

/** The portal's Sign in: straight to the identity provider, and back to `callbackPath` afterwards. */
export function signInPath(callbackPath = '/'): string {
  return `${SIGN_IN_PATH}?${new URLSearchParams({ callbackUrl: callbackPath })}`;
}

/** next-auth's CSRF cookie for this portal (`__Host-` prefixed on https, as next-auth names it). */
export function csrfCookieName(appUrl: URL): string {
  return `${appUrl.protocol === 'https:' ? '__Host-' : ''}next-auth.csrf-token`;
}

/** The token half of next-auth's CSRF cookie (`token|hash`); next-auth checks the hash itself. */
export function csrfTokenOf(cookieValue: string | undefined): string | undefined {
  if (!cookieValue) return undefined;
  let value = cookieValue;
  try {
    value = decodeURIComponent(cookieValue);
  } catch {
    // not encoded
  }
  const [token, hash] = value.split('|');
  return token && hash ? token : undefined;
}

/**
 * next-auth's options for a configuration (lib/server's getAuthOptions builds the process's own).
 * `idTokens` keeps each session's ID token for the identity provider's logout at sign-out;
 * `revocations` ends a session on the server when next-auth's own sign-out ends it.
 */
export function buildAuthOptions(
  config: IdentitySettings,
  idTokens?: Pick<IdTokenStore, 'remember'>,
  revocations?: Pick<SessionRevocations, 'revoke'>,
): NextAuthOptions {
  return {
    secret: config.authSecret,
    // Stateless cookie sessions: any instance behind a load balancer can serve any request. The
    // jwt callback refuses a session past SESSION_MAX_AGE from sign-in or idle too long; the
    // proxy (lib/session) records activity and re-checks admin rights against the identity provider.
    session: { strategy: 'jwt', maxAge: config.session.maxAgeSeconds },
    // next-auth's cookie format, with the key derived once per secret (lib/identity/session-token.ts)
    jwt: { encode: encodeSession, decode: decodeSession },
    // One identity provider: next-auth's own sign-in page (one more "Sign in with …" button)
    // is skipped; /auth/signin starts the OpenID sign-in at once, or sends an error to /auth/error.
    pages: { signIn: `${SIGN_IN_PATH}?${FROM_NEXT_AUTH}=1`, error: '/auth/error' },
    logger: {
      error(code, metadata) {
        // an ended session is routine; anything else is logged by code and message, never the token
        const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
        if (error instanceof SessionEndedError) return;
        const message = error instanceof Error ? error.message : undefined;
        // a cookie that does not decode (made with another secret, tampered, cut short) signs its
        // browser out: the visitor's problem, not the server's, so no error-level line per request
        if (code === 'JWT_SESSION_ERROR') return void log.warn({ code, message }, 'a session cookie did not decode: treated as signed out');
        log.error({ code, message }, 'next-auth error');
      },
      warn(code) {
        log.warn({ code }, 'next-auth warning');
      },
      debug() {},
    },
    providers: [
      {
        id: 'oidc',
        name: config.oidc.displayName,
        type: 'oauth',
        wellKnown: `${config.oidc.issuer}/.well-known/openid-configuration`,
        clientId: config.oidc.clientId,
        clientSecret: config.oidc.clientSecret,
        authorization: { params: { scope: config.oidc.scopes } },
        idToken: true,
        checks: ['pkce', 'state', 'nonce'],
        profile(profile: Claims) {
          const email = claimOf(profile, config.oidc.emailClaim);
          const name = claimOf(profile, 'name');
          return {
            id: String(claimOf(profile, 'sub')),
            email: typeof email === 'string' ? normalizeEmail(email) : null,
            name: typeof name === 'string' ? name : null,
          };
        },
      },
    ],
    callbacks: {
      // Sign-in without an e-mail would leave us nothing to map, and an unverified one could be
      // anybody's (mappings and rules are keyed on it): refuse both at the door.
      signIn({ user, profile }) {
        if (typeof user.email !== 'string' || user.email.length === 0) return false;
        return emailVerified((profile ?? {}) as Claims, config) || '/auth/error?error=EmailUnverified';
      },
      async jwt({ token, account, profile }) {
        const now = nowSeconds();
        if (profile) {
          // sign-in: the absolute lifetime, the idle clock and the admin check all start now; the
          // ID token waits server-side for sign-out, the cookie holds only its reference
          const idTokenRef =
            account?.id_token && idTokens ? await idTokens.remember(account.id_token, new Date((now + config.session.maxAgeSeconds) * 1000)) : undefined;
          return Object.assign(token, identityFromClaims(profile as Claims, config), idTokenRef ? { idTokenRef } : {}, {
            // what a sign-out ends on the server (lib/identity/session-revocations.ts)
            sessionId: randomBytes(16).toString('base64url'),
            signedInAt: now,
            lastSeenAt: now,
            adminCheckedAt: now,
            adminVerified: true,
            refreshToken: account?.refresh_token,
          });
        }
        // every read: a session past SESSION_MAX_AGE or idle too long is over, wherever it is read
        const end = sessionEnd(timesOf(token), now, config.session);
        if (end) throw new SessionEndedError(end);
        return token;
      },
      session({ session, token }) {
        return { ...session, user: portalUserOf(token, config) };
      },
      // next-auth's own ways back (the callbackUrl of its sign-in and sign-out, its callback-url
      // cookie) are decided as the portal's sign-in decides them; its default keeps `//host` paths
      redirect({ url }) {
        return new URL(portalPath(url, config.appUrl), config.appUrl).href;
      },
    },
    events: {
      // /api/auth/signout: the session ends on the server, as with the portal's Sign out (token null: a cookie that did not decode)
      async signOut({ token }) {
        const session = token ? revocableSession(token) : undefined;
        if (session && revocations) await revocations.revoke(session);
      },
    },
  };
}
