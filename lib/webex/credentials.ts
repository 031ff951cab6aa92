import { sealData, unsealData } from 'iron-session';

/**
 * How we prove to WebEx that we may act as a host. Today: the host's own password (the
 * seed's form). The other securityContext variants of the reference (§3.2) fit the same
 * union: a sessionTicket from AuthenticateUser (SAML), or a Meetings OAuth access token.
 */
export type WebexCredential =
  | { kind: 'password'; password: string }
  | { kind: 'sessionTicket'; sessionTicket: string }
  | { kind: 'accessToken'; webExAccessToken: string };

/** The securityContext fields for one host, in the order of Cisco's sample. */
export interface SecurityContext {
  siteName: string;
  webExID: string;
  password?: string;
  sessionTicket?: string;
  webExAccessToken?: string;
}

/** Builds the securityContext for a host and credential. */
export function buildSecurityContext(siteName: string, webExID: string, credential: WebexCredential): SecurityContext {
  switch (credential.kind) {
    case 'password':
      return { siteName, webExID, password: credential.password };
    case 'sessionTicket':
      return { siteName, webExID, sessionTicket: credential.sessionTicket };
    case 'accessToken':
      return { siteName, webExID, webExAccessToken: credential.webExAccessToken };
  }
}

/** Key map for iron-session: the highest id seals, every listed id can unseal (rotation). */
export type CredentialKeys = Record<string, string>;

// A sealed credential is a secret at rest: it must not expire on its own (iron-session's
// default is 14 days), so ttl 0 means "never".
const NO_EXPIRY = 0;

export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** Seals a credential for storage. */
export async function sealCredential(credential: WebexCredential, keys: CredentialKeys): Promise<string> {
  return sealData({ credential }, { password: keys, ttl: NO_EXPIRY });
}

function isCredential(value: unknown): value is WebexCredential {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    (c.kind === 'password' && typeof c.password === 'string') ||
    (c.kind === 'sessionTicket' && typeof c.sessionTicket === 'string') ||
    (c.kind === 'accessToken' && typeof c.webExAccessToken === 'string')
  );
}

/**
 * Unseals a stored credential. Throws CredentialError when no configured key opens it
 * (a key was removed from CREDENTIAL_KEYS before the credential was re-sealed).
 */
export async function unsealCredential(sealed: string, keys: CredentialKeys): Promise<WebexCredential> {
  // iron-session answers {} instead of throwing for a wrong key or a tampered seal.
  const data = await unsealData<{ credential?: unknown }>(sealed, { password: keys, ttl: NO_EXPIRY });
  if (!isCredential(data.credential)) {
    throw new CredentialError('webex-sso: the stored WebEx credential cannot be opened with CREDENTIAL_KEYS (key removed or data altered); set the credential again');
  }
  return data.credential;
}
