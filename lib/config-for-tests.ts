/**
 * For tests: the smallest valid environment of a local portal (http on localhost, an identity
 * provider nobody calls, site acme), with the settings a test is about laid over it.
 */
export function testEnvironment(overrides: Record<string, string>): Record<string, string> {
  return {
    NEXTAUTH_URL: 'http://localhost:3000',
    NEXTAUTH_SECRET: 's'.repeat(32),
    OIDC_ISSUER: 'http://127.0.0.1:1',
    OIDC_CLIENT_ID: 'portal',
    OIDC_CLIENT_SECRET: 'secret',
    WEBEX_SITE_NAME: 'acme',
    CREDENTIAL_KEYS: `1:${'k'.repeat(32)}`,
    ...overrides,
  };
}
