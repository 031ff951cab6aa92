import { getServerSession, type NextAuthOptions } from 'next-auth';
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { getConfig, type AppConfig } from './config';
import { normalizeEmail } from './mappings/store';

/** The signed-in portal user, as every server-side check sees it. */
export interface PortalUser {
  email: string;
  name: string;
  isAdmin: boolean;
  /** the MAPPING_RULE_CLAIM value from the ID token, when the mapping rule uses a claim */
  mappingClaim?: string;
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

/** Admin = listed in ADMIN_EMAILS, or member of ADMIN_GROUP in the configured group claim. */
export function isAdminUser(email: string, groups: readonly string[], admin: AppConfig['admin']): boolean {
  return admin.emails.has(normalizeEmail(email)) || (admin.group !== undefined && groups.includes(admin.group));
}

function buildAuthOptions(config: AppConfig): NextAuthOptions {
  return {
    secret: config.authSecret,
    // Stateless cookie sessions: any instance behind a load balancer can serve any request.
    session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
    pages: { error: '/auth/error' },
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
          return {
            id: String(profile.sub),
            email: typeof email === 'string' ? normalizeEmail(email) : null,
            name: typeof profile.name === 'string' ? profile.name : null,
          };
        },
      },
    ],
    callbacks: {
      // Sign-in without an e-mail would leave us nothing to map: refuse it at the door.
      signIn({ user }) {
        return typeof user.email === 'string' && user.email.length > 0;
      },
      jwt({ token, profile }) {
        if (profile) {
          token.groups = groupsFrom(profile as Claims, config.admin.groupClaim);
          const rule = config.mappingRule;
          const claim = rule.kind === 'claim' ? claimOf(profile as Claims, rule.claim) : undefined;
          if (typeof claim === 'string') token.mappingClaim = claim;
        }
        return token;
      },
      session({ session, token }) {
        const email = typeof token.email === 'string' ? token.email : '';
        const groups = Array.isArray(token.groups) ? (token.groups as string[]) : [];
        const user: PortalUser = {
          email,
          name: token.name ?? email,
          isAdmin: isAdminUser(email, groups, config.admin),
          ...(typeof token.mappingClaim === 'string' ? { mappingClaim: token.mappingClaim } : {}),
        };
        return { ...session, user };
      },
    },
  };
}

let cached: NextAuthOptions | undefined;

/** next-auth's options, built from the validated configuration on first use. */
export function getAuthOptions(): NextAuthOptions {
  cached ??= buildAuthOptions(getConfig());
  return cached;
}

/** The signed-in user for this request, or undefined. Call it in every page, route and action that needs one. */
export async function getPortalUser(): Promise<PortalUser | undefined> {
  const session = await getServerSession(getAuthOptions());
  // The session callback above built this PortalUser; only an empty e-mail means "nobody".
  const user = session?.user as PortalUser | undefined;
  return user?.email ? user : undefined;
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

/**
 * The admin check for every admin page, route handler and server action: a page check alone
 * protects nothing, so each entry point calls this itself. Anonymous → sign-in; signed in but not
 * an admin → 403; a `write` from another origin → 403 before anything else is read.
 */
export async function requireAdmin(kind: 'read' | 'write'): Promise<PortalUser> {
  if (kind === 'write' && !isSameOriginRequest(await headers(), getConfig().appUrl)) forbidden();
  const user = await getPortalUser();
  if (!user) redirect('/api/auth/signin?callbackUrl=%2Fadmin');
  if (!user.isAdmin) forbidden();
  return user;
}
