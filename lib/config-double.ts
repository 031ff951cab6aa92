/**
 * For tests: the smallest environment loadConfig accepts (a portal at https://portal.example.com,
 * one identity provider, the acme site, one credential key, no log output), with what a test
 * needs on top.
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NEXTAUTH_URL: 'https://portal.example.com',
    NEXTAUTH_SECRET: 's'.repeat(32),
    OIDC_ISSUER: 'https://idp.example.com',
    OIDC_CLIENT_ID: 'portal',
    OIDC_CLIENT_SECRET: 'secret',
    WEBEX_SITE_NAME: 'acme',
    CREDENTIAL_KEYS: `1:${'k'.repeat(32)}`,
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}
