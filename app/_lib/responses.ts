/** Answers of the routes that redirect: per-user and one-time, never cached, never a referrer. */
export const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } as const;

/** Headers of a private answer, with any cookies it sets and any other headers it carries. */
export function privateHeaders(setCookies: readonly string[] = [], extra: Readonly<Record<string, string>> = {}): Headers {
  const headers = new Headers({ ...extra, ...NO_STORE });
  for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
  return headers;
}

/** A redirect with no-store; 302 for the WebEx login itself, 303 (see other) everywhere else. */
export function redirectTo(
  location: string | URL,
  status: 302 | 303 = 303,
  setCookies: readonly string[] = [],
  extra: Readonly<Record<string, string>> = {},
): Response {
  const headers = privateHeaders(setCookies, extra);
  headers.set('Location', String(location));
  return new Response(null, { status, headers });
}
