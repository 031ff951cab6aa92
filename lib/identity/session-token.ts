/**
 * The session cookie's JWT, in next-auth's own format (JWE, `dir` + A256GCM, the key derived by
 * HKDF-SHA256 from NEXTAUTH_SECRET), so cookies next-auth wrote and cookies written here are one
 * and the same. The difference: the derived key is computed once per secret, not on every request
 * (next-auth derives it on every encode and decode; it was the largest single cost of a launch,
 * docs/performance.md §5.2).
 * next-auth uses these too (its `jwt` option), as do the proxy and getPortalUser.
 */
import { hkdfSync, randomUUID } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { JWT, JWTDecodeParams, JWTEncodeParams } from 'next-auth/jwt';

// next-auth's defaults (next-auth/jwt): 30 days, and 15 seconds of clock tolerance on `exp`
const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const CLOCK_TOLERANCE_SECONDS = 15;

const derivedKeys = new Map<string, Uint8Array>();

/** next-auth's key derivation, remembered per secret and salt (a process has one or two of those). */
function encryptionKey(secret: string | Buffer, salt: string): Uint8Array {
  const material = typeof secret === 'string' ? secret : secret.toString('binary');
  const id = `${salt}\u0000${material}`;
  let key = derivedKeys.get(id);
  if (!key) {
    const info = `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ''}`;
    key = new Uint8Array(hkdfSync('sha256', secret, salt, info, 32));
    derivedKeys.set(id, key);
  }
  return key;
}

export async function encodeSession({ token = {}, secret, maxAge = DEFAULT_MAX_AGE_SECONDS, salt = '' }: JWTEncodeParams): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new EncryptJWT(token)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(now)
    .setExpirationTime(now + maxAge)
    .setJti(randomUUID())
    .encrypt(encryptionKey(secret, salt));
}

const DECODED_KEPT = 5_000;
/** Per derived key: token text → its payload. Authenticated encryption: one text decrypts to one payload, or to nothing. */
const decoded = new WeakMap<Uint8Array, Map<string, JWT>>();

/**
 * The token, or null for none; throws on a token that is not ours, was altered, or has expired (as
 * next-auth's does). A request is read twice (the proxy, then the page or route) and a browser
 * sends the same cookie for a minute or more, so the last DECODED_KEPT payloads are kept per key;
 * the expiry is checked on every read all the same. Callers get a copy.
 */
export async function decodeSession({ token, secret, salt = '' }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  const key = encryptionKey(secret, salt);
  let kept = decoded.get(key);
  if (!kept) decoded.set(key, (kept = new Map()));
  const payload = kept.get(token);
  if (payload) {
    if (typeof payload.exp === 'number' && payload.exp + CLOCK_TOLERANCE_SECONDS <= Math.floor(Date.now() / 1000)) {
      kept.delete(token);
      throw new Error('webex-sso: the session token has expired');
    }
    return structuredClone(payload);
  }
  const fresh = (await jwtDecrypt(token, key, { clockTolerance: CLOCK_TOLERANCE_SECONDS })).payload as JWT;
  kept.set(token, structuredClone(fresh));
  if (kept.size > DECODED_KEPT) kept.delete(kept.keys().next().value as string);
  return fresh;
}

/** The session cookie's name: `__Secure-` on https, as next-auth names it. */
export function sessionCookieName(appUrl: URL): string {
  return `${appUrl.protocol === 'https:' ? '__Secure-' : ''}next-auth.session-token`;
}

/**
 * The session cookie's value from a request's cookies: whole, or reassembled from next-auth's
 * chunks (`name.0`, `name.1`, … when a token outgrows one cookie).
 */
export function sessionCookieValue(cookies: Iterable<{ name: string; value: string }>, name: string): string | undefined {
  const chunks: [number, string][] = [];
  for (const cookie of cookies) {
    if (cookie.name === name) return cookie.value;
    if (cookie.name.startsWith(`${name}.`)) {
      const index = Number(cookie.name.slice(name.length + 1));
      if (Number.isInteger(index) && index >= 0) chunks.push([index, cookie.value]);
    }
  }
  if (chunks.length === 0) return undefined;
  return chunks
    .sort((a, b) => a[0] - b[0])
    .map(([, value]) => value)
    .join('');
}

/** The session token a request's cookies carry, decoded; null for none, and for one that is not ours, altered or expired. */
export async function readSessionToken(cookies: Iterable<{ name: string; value: string }>, appUrl: URL, secret: string): Promise<JWT | null> {
  const raw = sessionCookieValue(cookies, sessionCookieName(appUrl));
  if (!raw) return null;
  return decodeSession({ token: raw, secret }).catch(() => null);
}
