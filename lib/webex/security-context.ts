import { sealData, unsealData } from 'iron-session';

/**
 * How we prove to WebEx that we may act as a host: the securityContext variants of the reference
 * (§3.2). The host's own password (the seed's form, and the only one sealed at rest in a mapping),
 * a sessionTicket from AuthenticateUser (saml mode, or any mode converting to session tickets), or
 * a Meetings OAuth access token (oauth mode). lib/credentials picks one per call.
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

/** Seals any secret for storage (a credential, a session ticket, OAuth tokens). */
export async function sealSecret(data: object, keys: CredentialKeys): Promise<string> {
  return sealData(data, { password: keys, ttl: NO_EXPIRY });
}

const OPENED_KEPT = 5_000;
/** Per key set: sealed text → what it opened to. The same text always opens to the same data under the same keys. */
const opened = new WeakMap<CredentialKeys, Map<string, unknown>>();

/**
 * Opens a sealed secret and checks its shape. Throws CredentialError when no configured key opens
 * it (a key was removed from CREDENTIAL_KEYS) or it was altered: iron-session answers {} then.
 * Opening derives two keys by PBKDF2 (a third of a launch's own CPU in the profile), so the last
 * OPENED_KEPT opened secrets are kept in memory per key set, which already opens every one of them;
 * callers get a copy.
 */
export async function unsealSecret<T>(sealed: string, keys: CredentialKeys, isValid: (value: unknown) => value is T): Promise<T> {
  let kept = opened.get(keys);
  if (!kept) opened.set(keys, (kept = new Map()));
  if (kept.has(sealed)) {
    const data = kept.get(sealed);
    kept.delete(sealed);
    kept.set(sealed, data);
    return structuredClone(data) as T;
  }
  let data: unknown;
  try {
    data = await unsealData(sealed, { password: keys, ttl: NO_EXPIRY });
  } catch {
    data = undefined;
  }
  if (!isValid(data)) {
    throw new CredentialError('webex-sso: a stored WebEx secret cannot be opened with CREDENTIAL_KEYS (key removed or data altered); set it again');
  }
  kept.set(sealed, structuredClone(data));
  if (kept.size > OPENED_KEPT) kept.delete(kept.keys().next().value as string);
  return data;
}

/** Seals a credential for storage. */
export async function sealCredential(credential: WebexCredential, keys: CredentialKeys): Promise<string> {
  return sealSecret({ credential }, keys);
}

function isSealedCredential(value: unknown): value is { credential: WebexCredential } {
  if (typeof value !== 'object' || value === null) return false;
  const c = (value as { credential?: unknown }).credential;
  if (typeof c !== 'object' || c === null) return false;
  const fields = c as Record<string, unknown>;
  return (
    (fields.kind === 'password' && typeof fields.password === 'string') ||
    (fields.kind === 'sessionTicket' && typeof fields.sessionTicket === 'string') ||
    (fields.kind === 'accessToken' && typeof fields.webExAccessToken === 'string')
  );
}

/**
 * Unseals a stored credential. Throws CredentialError when no configured key opens it
 * (a key was removed from CREDENTIAL_KEYS before the credential was re-sealed).
 */
export async function unsealCredential(sealed: string, keys: CredentialKeys): Promise<WebexCredential> {
  return (await unsealSecret(sealed, keys, isSealedCredential)).credential;
}
