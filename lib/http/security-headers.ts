import type { AppConfig } from '../config';

/** A fresh script nonce for one response: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/**
 * Where the portal's forms may send the browser, redirects included (browsers apply form-action
 * to them): the portal itself, the identity provider (sign-in), the WebEx site (Join's 302), in
 * oauth mode WebEx's authorization page (Connect WebEx), and with the REST path every host a
 * start/join link may be on (WEBEX_REST_LINK_HOSTS), since /launch answers with a 302 to it.
 */
export function formActionOrigins(config: AppConfig): string[] {
  const origins = new Set([config.appUrl.origin, new URL(config.oidc.issuer).origin, new URL(config.webex.baseUrl).origin]);
  if (config.credentials.mode === 'oauth') origins.add(new URL(config.credentials.authorizeUrl).origin);
  for (const suffix of config.rest?.linkHosts.suffixes ?? []) origins.add(`https://*${suffix}`);
  for (const host of config.rest?.linkHosts.exact ?? []) if (host !== new URL(config.webex.baseUrl).hostname) origins.add(`https://${host}`);
  return [...origins];
}

/**
 * The Content-Security-Policy of every page: scripts only with this response's nonce (Next adds it
 * to its own scripts when it finds the policy on the request), nothing framed or framing us, no
 * plugins, and forms only toward the places above.
 */
export function contentSecurityPolicy(nonce: string, config: AppConfig): string {
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
    `form-action 'self' ${formActionOrigins(config).join(' ')}`,
  ].join('; ');
}

/** The headers every page answer carries; HSTS only where the portal is served over https. */
export function securityHeaders(nonce: string, config: AppConfig): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce, config),
    ...(config.appUrl.protocol === 'https:' ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}
