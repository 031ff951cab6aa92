import type { JWT } from 'next-auth/jwt';
import { isAdminUser } from './claims';
import { adminCheckFresh, nowSeconds, sessionEnd, timesOf } from './session-policy';
import { readSessionToken } from './session-token';
import type { IdentitySettings } from './settings';

/** The signed-in portal user, as every server-side check sees it. */
export interface PortalUser {
  email: string;
  name: string;
  isAdmin: boolean;
  /** the groups the identity provider states (ADMIN_GROUP_CLAIM): the admin check's and the site rules' (MAPPING_SITE_RULES group:) */
  groups: string[];
  /** the MAPPING_RULE_CLAIM value from the ID token, when the mapping rule uses a claim */
  mappingClaim?: string;
  /** when admin rights were last checked against the identity provider (seconds since the epoch) */
  adminCheckedAt: number;
  /** when the user signed in at the identity provider (seconds since the epoch): a SAML assertion's AuthnInstant */
  signedInAt: number;
  /** when this session ends at the latest, signedInAt + SESSION_MAX_AGE: a SAML assertion's SessionNotOnOrAfter */
  sessionEndsAt: number;
}

/** The PortalUser a session token stands for (next-auth's session callback, and getPortalUser). */
export function portalUserOf(token: JWT, config: Pick<IdentitySettings, 'session' | 'admin'>, now = nowSeconds()): PortalUser {
  const email = typeof token.email === 'string' ? token.email : '';
  const groups = Array.isArray(token.groups) ? (token.groups as string[]) : [];
  const times = timesOf(token);
  // admin rights count only while recently verified against the identity provider
  const verified = token.adminVerified === true && times !== undefined && adminCheckFresh(times, now, config.session);
  return {
    email,
    name: token.name ?? email,
    isAdmin: verified && isAdminUser(email, groups, config.admin),
    groups,
    adminCheckedAt: times?.adminCheckedAt ?? 0,
    signedInAt: times?.signedInAt ?? 0,
    sessionEndsAt: (times?.signedInAt ?? 0) + config.session.maxAgeSeconds,
    ...(typeof token.mappingClaim === 'string' ? { mappingClaim: token.mappingClaim } : {}),
  };
}

/**
 * The signed-in user a request's cookies carry, from the session cookie: what next-auth's
 * getServerSession answers (the token decoded, a session past its lifetime or idle too long is
 * nobody, the session callback's PortalUser), without its work for a browser that a server read
 * never uses (a new, re-encrypted cookie it cannot set, a CSRF token).
 */
export async function readPortalUser(
  cookies: Iterable<{ name: string; value: string }>,
  config: Pick<IdentitySettings, 'appUrl' | 'authSecret' | 'session' | 'admin'>,
): Promise<PortalUser | undefined> {
  const token = await readSessionToken(cookies, config.appUrl, config.authSecret);
  if (!token) return undefined;
  const now = nowSeconds();
  if (sessionEnd(timesOf(token), now, config.session)) return undefined;
  const user = portalUserOf(token, config, now);
  // only an empty e-mail means "nobody"
  return user.email ? user : undefined;
}
