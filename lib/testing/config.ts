import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

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

/**
 * For tests of whole requests (the proxy, routes, actions, which read getConfig and getDb): the
 * process environment of a local portal on a database file of its own, silent, set before the
 * test file's first test; after its last, the process's database is closed and the file removed.
 */
export function setUpPortalEnvironment(overrides: Record<string, string>): void {
  const dir = mkdtempSync(join(tmpdir(), 'webex-sso-portal-'));
  beforeAll(() => {
    Object.assign(process.env, testEnvironment({ DATABASE_URL: `file:${join(dir, 'portal.sqlite')}`, LOG_LEVEL: 'silent', ...overrides }));
  });
  afterAll(async () => {
    const { getDb } = await import('../server');
    await (await getDb()).db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** For tests: the sites of testEnvironment's one-site portal, and of a company with a second site (WEBEX_SITES=acme-eu), as config.sites lists them. */
export const ONE_SITE = [{ key: '', siteName: 'acme' }] as const;
export const TWO_SITES = [
  { key: '', siteName: 'acme' },
  { key: 'acme-eu', siteName: 'acme-eu' },
] as const;
