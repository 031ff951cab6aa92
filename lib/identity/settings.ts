/**
 * What identity needs of the configuration (lib/config.ts validates it and composes these into
 * AppConfig): the identity provider, session lifetimes and who is an admin.
 */

/** The company's OpenID Connect identity provider (OIDC_*). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  displayName: string;
  emailClaim: string;
  /** accept an e-mail the IdP does not mark email_verified (OIDC_TRUST_UNVERIFIED_EMAIL) */
  trustUnverifiedEmail: boolean;
}

/** Portal sessions, in seconds: absolute lifetime from sign-in, idle timeout, admin re-check interval. */
export interface SessionPolicy {
  maxAgeSeconds: number;
  idleSeconds: number;
  adminRecheckSeconds: number;
}

/** Who is an admin: ADMIN_EMAILS, or ADMIN_GROUP in the ADMIN_GROUP_CLAIM claim. */
export interface AdminSettings {
  emails: ReadonlySet<string>;
  groupClaim: string;
  group: string | undefined;
}

/** Everything next-auth's options and a session's checks read. */
export interface IdentitySettings {
  /** the portal's public origin (NEXTAUTH_URL) */
  appUrl: URL;
  authSecret: string;
  oidc: OidcSettings;
  session: SessionPolicy;
  admin: AdminSettings;
  /** the mapping rule: when it reads an ID-token claim (MAPPING_RULE=claim), the session keeps that claim */
  mappingRule: { readonly kind: string; readonly claim?: string };
}
