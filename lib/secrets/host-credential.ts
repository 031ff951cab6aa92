import type { HostCredential } from '../webex';
import { sealSecret, unsealSecret, type SecretKeys } from './seal';

/** Seals a host credential (a mapping's WebEx password) for storage. */
export async function sealCredential(credential: HostCredential, keys: SecretKeys): Promise<string> {
  return sealSecret({ credential }, keys);
}

function isSealedCredential(value: unknown): value is { credential: HostCredential } {
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
 * Unseals a stored credential. Throws SealedSecretError when no configured key opens it
 * (a key was removed from CREDENTIAL_KEYS before the credential was re-sealed).
 */
export async function unsealCredential(sealed: string, keys: SecretKeys): Promise<HostCredential> {
  return (await unsealSecret(sealed, keys, isSealedCredential)).credential;
}
