/** What the page headers depend on: the portal's origin, and where its forms may send the browser (lib/config.ts derives it). */
export interface PageSecurity {
  appUrl: URL;
  formActionOrigins: readonly string[];
}

/** A fresh script nonce for one response: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/**
 * The Content-Security-Policy of every page: scripts only with this response's nonce (Next adds it
 * to its own scripts when it finds the policy on the request), nothing framed or framing us, no
 * plugins, and forms only toward the places above.
 */
export function contentSecurityPolicy(nonce: string, config: PageSecurity): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // React writes style attributes; no script can be smuggled through a style
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    `form-action 'self' ${config.formActionOrigins.join(' ')}`,
  ].join('; ');
}

/** The headers every page answer carries; HSTS only where the portal is served over https. */
export function securityHeaders(nonce: string, config: PageSecurity): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce, config),
    ...(config.appUrl.protocol === 'https:' ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}
