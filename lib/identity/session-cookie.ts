/**
 * The one writer of the session cookie (the proxy's renewals and ended sessions, sign-out), in
 * next-auth 4's format so either side reads what the other wrote: one cookie while the token fits,
 * else chunks `name.0`, `name.1`, … (next-auth/core/lib/cookie.js, SessionStore). Every session
 * cookie the browser sent that a write does not set again is cleared: a stale chunk would be read
 * as part of the token, a stale whole cookie instead of the chunks (lib/identity/session-token.ts).
 */
import { serializeCookie } from '../http';
import { sessionCookieName } from './session-token';

// next-auth 4's chunk size: the 4096 bytes a browser keeps per cookie, less 163 for the name and attributes
const CHUNK_SIZE = 4096 - 163;

/** One Set-Cookie for the session: a value for `maxAge` seconds, or a clear (empty, `maxAge` 0). */
export interface SessionCookieWrite {
  name: string;
  value: string;
  maxAge: number;
}

/** The session cookie or a chunk of it, as next-auth counts them (any name it starts, followed by a dot). */
function isSessionCookie(name: string, base: string): boolean {
  return name === base || name.startsWith(`${base}.`);
}

/**
 * The session cookies to set: `session`'s value (whole or in chunks), then a clear for each
 * session cookie in `sentNames` not set again, and for the whole name if it is not set. Without a
 * session, every one of them is cleared.
 */
export function sessionCookieWrites(sentNames: Iterable<string>, appUrl: URL, session?: { value: string; maxAge: number }): SessionCookieWrite[] {
  const base = sessionCookieName(appUrl);
  const writes: SessionCookieWrite[] = [];
  if (session && session.value.length <= CHUNK_SIZE) writes.push({ name: base, value: session.value, maxAge: session.maxAge });
  else if (session) {
    for (let i = 0; i * CHUNK_SIZE < session.value.length; i += 1)
      writes.push({ name: `${base}.${i}`, value: session.value.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE), maxAge: session.maxAge });
  }
  const stale = new Set([base, ...[...sentNames].filter((name) => isSessionCookie(name, base))]);
  for (const { name } of writes) stale.delete(name);
  return [...writes, ...[...stale].map((name) => ({ name, value: '', maxAge: 0 }))];
}

/** The Set-Cookie header of a session cookie: next-auth's attributes (path /, HttpOnly, Lax, Secure on https). */
export function sessionSetCookie({ name, value, maxAge }: SessionCookieWrite, appUrl: URL): string {
  return serializeCookie(name, value, appUrl, { maxAgeSeconds: maxAge });
}
