import { sealData, unsealData } from 'iron-session';

/** Key map for iron-session: the highest id seals, every listed id can unseal (rotation). */
export type SecretKeys = Record<string, string>;

// A sealed secret is at rest: it must not expire on its own (iron-session's
// default is 14 days), so ttl 0 means "never".
const NO_EXPIRY = 0;

export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedSecretError';
  }
}

/** Seals any secret for storage (a credential, a session ticket, OAuth tokens). */
export async function sealSecret(data: object, keys: SecretKeys): Promise<string> {
  return sealData(data, { password: keys, ttl: NO_EXPIRY });
}

const OPENED_KEPT = 5_000;
/** Per key set: sealed text → what it opened to. The same text always opens to the same data under the same keys. */
const opened = new WeakMap<SecretKeys, Map<string, unknown>>();

/**
 * Opens a sealed secret and checks its shape. Throws SealedSecretError when no configured key opens
 * it (a key was removed from CREDENTIAL_KEYS) or it was altered: iron-session answers {} then.
 * Opening derives two keys by PBKDF2 (a third of a launch's own CPU in the profile), so the last
 * OPENED_KEPT opened secrets are kept in memory per key set, which already opens every one of them;
 * callers get a copy.
 */
export async function unsealSecret<T>(sealed: string, keys: SecretKeys, isValid: (value: unknown) => value is T): Promise<T> {
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
    throw new SealedSecretError('webex-sso: a stored WebEx secret cannot be opened with CREDENTIAL_KEYS (key removed or data altered); set it again');
  }
  kept.set(sealed, structuredClone(data));
  if (kept.size > OPENED_KEPT) kept.delete(kept.keys().next().value as string);
  return data;
}

/**
 * Seals a short-lived value for a cookie (the sign-out's remaining steps, the mark of a launch):
 * under one secret, opening only within `ttlSeconds` of sealing.
 */
export async function sealShortLived(data: object, secret: string, ttlSeconds: number): Promise<string> {
  return sealData(data, { password: secret, ttl: ttlSeconds });
}

/** What a short-lived seal holds, or undefined when it is not ours, was altered or has expired (never throws). */
export async function unsealShortLived(sealed: string, secret: string, ttlSeconds: number): Promise<Record<string, unknown> | undefined> {
  try {
    const data: unknown = await unsealData(sealed, { password: secret, ttl: ttlSeconds });
    // iron-session answers {} for a seal it cannot open, and throws on some malformed ones ("Wrong mac prefix")
    return typeof data === 'object' && data !== null && Object.keys(data).length > 0 ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
