/** Answers of the routes that redirect: per-user and one-time, never cached, never a referrer. */
export const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } as const;

/** A redirect with no-store; 302 for the WebEx login itself, 303 (see other) everywhere else. */
export function redirectTo(location: string | URL, status: 302 | 303 = 303, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: { ...NO_STORE, ...headers, Location: String(location) } });
}

/** What a state-changing request from another origin gets. */
export function crossOriginRefused(): Response {
  return new Response('Cross-origin request refused.', { status: 403, headers: NO_STORE });
}
