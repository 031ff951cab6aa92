import { randomBytes } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { getConfig, type AppConfig } from '../config';
import { log } from '../log';
import { normalizeEmail } from '../mappings/store';
import { adminCheckFresh, nowSeconds, sessionEnd, timesOf, type SessionEnd } from './session-policy';
import { revocableSession, sessionRevocations, type SessionRevocations } from './session-revocations';
import { decodeSession, encodeSession, readSessionToken } from './session-token';
import { createIdTokenStore, type IdTokenStore } from './id-tokens';

/** The signed-in portal user, as every server-side check sees it. */
export interface PortalUser {
  email: string;
  name: string;
  isAdmin: boolean;
  /** the MAPPING_RULE_CLAIM value from the ID token, when the mapping rule uses a claim */
  mappingClaim?: string;
  /** when admin rights were last checked against the identity provider (seconds since the epoch) */
  adminCheckedAt: number;
  /** when the user signed in at the identity provider (seconds since the epoch): a SAML assertion's AuthnInstant */
  signedInAt: number;
  /** when this session ends at the latest, signedInAt + SESSION_MAX_AGE: a SAML assertion's SessionNotOnOrAfter */
  sessionEndsAt: number;
}

type Claims = Record<string, unknown>;

/** A claim the token itself carries: a claim named `constructor` or `__proto__` is not inherited. */
export function claimOf(claims: Claims, name: string): unknown {
  return Object.hasOwn(claims, name) ? claims[name] : undefined;
}

function groupsFrom(claims: Claims, claimName: string): string[] {
  const value = claimOf(claims, claimName);
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** What the portal keeps of the identity provider's claims, at sign-in and at every re-check. */
export function identityFromClaims(claims: Claims, config: AppConfig): { groups: string[]; mappingClaim?: string } {
  const rule = config.mappingRule;
  const claim = rule.kind === 'claim' ? claimOf(claims, rule.claim) : undefined;
  return { groups: groupsFrom(claims, config.admin.groupClaim), ...(typeof claim === 'string' ? { mappingClaim: claim } : {}) };
}

/**
 * The e-mail links a portal user to a WebEx host, so it must be one the identity provider verified:
 * `email_verified` speaks for the `email` claim only. OIDC_TRUST_UNVERIFIED_EMAIL=true says this
 * provider's e-mail claim is authoritative anyway (Entra ID's preferred_username, set by the tenant).
 */
function emailVerified(claims: Claims, config: AppConfig): boolean {
  if (config.oidc.trustUnverifiedEmail) return true;
  const verified = claimOf(claims, 'email_verified');
  return config.oidc.emailClaim === 'email' && (verified === true || verified === 'true');
}

/** Admin = listed in ADMIN_EMAILS, or member of ADMIN_GROUP in the configured group claim. */
export function isAdminUser(email: string, groups: readonly string[], admin: AppConfig['admin']): boolean {
  return admin.emails.has(normalizeEmail(email)) || (admin.group !== undefined && groups.includes(admin.group));
}

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

/**
 * Where a sign-in may come back to: a page of the portal, as a path safe to send as a Location
 * as it is. The value is read as a browser reads it (WHATWG URL against the portal: tabs and
 * newlines dropped, `\` read as `/`, dot segments and `%2e` resolved); its path, decoded as
 * often as it decodes (whatever reads it next may decode it again), must then still be a plain
 * path: no empty, `.` or `..` segment, no `\`, no control character. Anything else (another
 * origin, `//host`, `/.//host`, `/%2F/host`, `/%5Chost`, a malformed value) → the home page.
 */
export function portalPath(value: unknown, appUrl: URL): string {
  if (typeof value !== 'string') return '/';
  let url: URL;
  try {
    url = new URL(value, appUrl);
  } catch {
    return '/';
  }
  return url.origin === appUrl.origin && isPlainPath(url.pathname) ? `${url.pathname}${url.search}${url.hash}` : '/';
}

function isPlainPath(pathname: string): boolean {
  const path = decodedFully(pathname);
  if (path === undefined || /[\\\p{Cc}]/u.test(path)) return false;
  // the segments after the leading '/': only the last may be empty (a trailing slash)
  const segments = path.split('/').slice(1);
  return segments.every((segment, i) => (segment !== '' || i === segments.length - 1) && segment !== '.' && segment !== '..');
}

/** The text once nothing in it decodes further (`%252F` → `%2F` → `/`); undefined when it does not decode. */
function decodedFully(text: string): string | undefined {
  for (let current = text; ; ) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
}

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
 * next-auth's options for a configuration (exported for tests; the app uses getAuthOptions).
 * `idTokens` keeps each session's ID token for the identity provider's logout at sign-out;
 * `revocations` ends a session on the server when next-auth's own sign-out ends it.
 */
export function buildAuthOptions(config: AppConfig, idTokens?: Pick<IdTokenStore, 'remember'>, revocations?: Pick<SessionRevocations, 'revoke'>): NextAuthOptions {
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
          const idTokenRef = account?.id_token && idTokens ? await idTokens.remember(account.id_token, new Date((now + config.session.maxAgeSeconds) * 1000)) : undefined;
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

let cached: NextAuthOptions | undefined;

/** next-auth's options, built from the validated configuration on first use. */
export function getAuthOptions(): NextAuthOptions {
  cached ??= buildAuthOptions(getConfig(), idTokenStore(), sessionRevocations());
  return cached;
}

/** The process's ID token store (the database is opened on first use, not by the proxy's import of this module). */
export function idTokenStore(): IdTokenStore {
  return createIdTokenStore(async () => (await (await import('../server/database')).getDb()).db, getConfig().credentialKeys);
}

/** The signed-in user for this request, or undefined. Call it in every page, route and action that needs one. */
/** The PortalUser a session token stands for (next-auth's session callback, and getPortalUser). */
export function portalUserOf(token: JWT, config: AppConfig, now = nowSeconds()): PortalUser {
  const email = typeof token.email === 'string' ? token.email : '';
  const groups = Array.isArray(token.groups) ? (token.groups as string[]) : [];
  const times = timesOf(token);
  // admin rights count only while recently verified against the identity provider
  const verified = token.adminVerified === true && times !== undefined && adminCheckFresh(times, now, config.session);
  return {
    email,
    name: token.name ?? email,
    isAdmin: verified && isAdminUser(email, groups, config.admin),
    adminCheckedAt: times?.adminCheckedAt ?? 0,
    signedInAt: times?.signedInAt ?? 0,
    sessionEndsAt: (times?.signedInAt ?? 0) + config.session.maxAgeSeconds,
    ...(typeof token.mappingClaim === 'string' ? { mappingClaim: token.mappingClaim } : {}),
  };
}

/**
 * The signed-in user of this request, from the session cookie: what next-auth's getServerSession
 * answers (the token decoded, a session past its lifetime or idle too long is nobody, the session
 * callback's PortalUser), without its work for a browser that a server read never uses (a new,
 * re-encrypted cookie it cannot set, a CSRF token).
 */
export async function getPortalUser(): Promise<PortalUser | undefined> {
  const config = getConfig();
  const token = await readSessionToken((await cookies()).getAll(), config.appUrl, config.authSecret);
  if (!token) return undefined;
  const now = nowSeconds();
  if (sessionEnd(timesOf(token), now, config.session)) return undefined;
  const user = portalUserOf(token, config, now);
  // only an empty e-mail means "nobody"
  return user.email ? user : undefined;
}

/**
 * True when a state-changing request comes from our own pages. Browsers send Origin on every
 * POST (as "null" under a no-referrer policy); Sec-Fetch-Site, which pages cannot forge, is
 * the fallback. A request with neither is refused.
 */
export function isSameOriginRequest(headers: Headers, appUrl: URL): boolean {
  const origin = headers.get('origin');
  if (origin !== null && origin !== 'null') return origin === appUrl.origin;
  return headers.get('sec-fetch-site') === 'same-origin';
}

// The proxy re-checks an admin's rights against the identity provider on every admin write; a
// write whose check is older than this did not pass through it, and is refused (fail closed).
const WRITE_RECHECK_SECONDS = 30;

/**
 * The admin check for every admin page, route handler and server action: a page check alone
 * protects nothing, so each entry point calls this itself. Anonymous → sign-in; signed in but not
 * an admin → 403; a `write` from another origin, or without a fresh check of the rights at the
 * identity provider, → 403.
 */
export async function requireAdmin(kind: 'read' | 'write'): Promise<PortalUser> {
  if (kind === 'write' && !isSameOriginRequest(await headers(), getConfig().appUrl)) forbidden();
  const user = await getPortalUser();
  if (!user) redirect(signInPath('/admin'));
  if (!user.isAdmin) forbidden();
  if (kind === 'write' && nowSeconds() - user.adminCheckedAt > WRITE_RECHECK_SECONDS) forbidden();
  return user;
}
