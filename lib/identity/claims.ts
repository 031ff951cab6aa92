import { normalizeEmail } from './email';
import type { AdminSettings, IdentitySettings } from './settings';

export type Claims = Record<string, unknown>;

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
export function identityFromClaims(claims: Claims, config: Pick<IdentitySettings, 'mappingRule' | 'admin'>): { groups: string[]; mappingClaim?: string } {
  const rule = config.mappingRule;
  const claim = rule.kind === 'claim' && rule.claim !== undefined ? claimOf(claims, rule.claim) : undefined;
  return { groups: groupsFrom(claims, config.admin.groupClaim), ...(typeof claim === 'string' ? { mappingClaim: claim } : {}) };
}

/**
 * The e-mail links a portal user to a WebEx host, so it must be one the identity provider verified:
 * `email_verified` speaks for the `email` claim only. OIDC_TRUST_UNVERIFIED_EMAIL=true says this
 * provider's e-mail claim is authoritative anyway (Entra ID's preferred_username, set by the tenant).
 */
export function emailVerified(claims: Claims, config: Pick<IdentitySettings, 'oidc'>): boolean {
  if (config.oidc.trustUnverifiedEmail) return true;
  const verified = claimOf(claims, 'email_verified');
  return config.oidc.emailClaim === 'email' && (verified === true || verified === 'true');
}

/** Admin = listed in ADMIN_EMAILS, or member of ADMIN_GROUP in the configured group claim. */
export function isAdminUser(email: string, groups: readonly string[], admin: AdminSettings): boolean {
  return admin.emails.has(normalizeEmail(email)) || (admin.group !== undefined && groups.includes(admin.group));
}
