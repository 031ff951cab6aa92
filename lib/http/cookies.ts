/**
 * The one Set-Cookie serializer: every cookie the portal sets or clears goes through it, with the
 * portal's defaults, so none of them can forget one (the review found a clearing Set-Cookie
 * without Secure or HttpOnly). Defaults, each for a reason:
 * - HttpOnly: no script of any page (nor an injected one) reads a session or a seal;
 * - SameSite=Lax: a cross-site POST carries none of them (Lax, not Strict: a link from the
 *   company's mail into the portal must arrive signed in);
 * - Secure on https: never sent over plain http once the portal is on TLS;
 * - Path=/ unless a cookie belongs to one route.
 */
export interface CookieOptions {
  /** seconds the browser keeps it; 0 clears it */
  maxAgeSeconds: number;
  /** default '/' */
  path?: string;
}

// A cookie's value goes into the header as it is: ours are seals, JWEs, codes and digits.
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The Set-Cookie header for `name=value` on the portal at `appUrl`. */
export function serializeCookie(name: string, value: string, appUrl: URL, options: CookieOptions): string {
  if (!NAME.test(name) || !VALUE.test(value))
    throw new TypeError(`webex-sso: Bad usage. A cookie name or value has a character a Set-Cookie header cannot carry (${name})`);
  const maxAge = Math.max(0, Math.floor(options.maxAgeSeconds));
  const secure = appUrl.protocol === 'https:' ? '; Secure' : '';
  return `${name}=${value}; Path=${options.path ?? '/'}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

/** The Set-Cookie header that clears `name` (on the path it was set for). */
export function clearCookie(name: string, appUrl: URL, path?: string): string {
  return serializeCookie(name, '', appUrl, { maxAgeSeconds: 0, path });
}

/** A cookie's value from a Cookie header, or undefined. */
export function readCookie(cookieHeader: string | null, name: string): string | undefined {
  for (const pair of cookieHeader?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
