import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { testEnvironment } from '../testing/config';
import { contentSecurityPolicy, newNonce, securityHeaders } from './security-headers';

const base = testEnvironment({ NEXTAUTH_URL: 'https://portal.example.com', OIDC_ISSUER: 'https://example.okta.com/oauth2/default' });

describe('security headers', () => {
  it('allow scripts only by nonce, and forms only toward the portal, the IdP and the WebEx site', () => {
    const csp = contentSecurityPolicy('abc', loadConfig(base));
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).toContain("form-action 'self' https://portal.example.com https://example.okta.com https://acme.webex.com");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("add WebEx's authorization page in oauth mode", () => {
    const config = loadConfig({ ...base, WEBEX_CREDENTIAL_MODE: 'oauth', WEBEX_OAUTH_CLIENT_ID: 'c', WEBEX_OAUTH_CLIENT_SECRET: 's' });
    expect(contentSecurityPolicy('n', config)).toContain('https://api.webex.com');
  });

  it('with the REST path, let /launch redirect to every host a start/join link may be on', () => {
    const rest = {
      WEBEX_LAUNCH_API: 'auto',
      WEBEX_SERVICE_APP_CLIENT_ID: 'app',
      WEBEX_SERVICE_APP_CLIENT_SECRET: 'shh',
      WEBEX_REST_LINK_HOSTS: '.webex.com, meet.example.com',
    };
    expect(contentSecurityPolicy('n', loadConfig({ ...base, ...rest }))).toContain(
      "form-action 'self' https://portal.example.com https://example.okta.com https://acme.webex.com https://*.webex.com https://meet.example.com",
    );
    expect(contentSecurityPolicy('n', loadConfig(base))).not.toContain('*.webex.com');
  });

  it('send HSTS for an https portal only', () => {
    expect(securityHeaders('n', loadConfig(base))['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
    expect(securityHeaders('n', loadConfig({ ...base, NEXTAUTH_URL: 'http://localhost:3000' }))['Strict-Transport-Security']).toBeUndefined();
  });

  it('make a new 128-bit nonce each time', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});
