/**
 * Issue 16 finding 9: after a revoke the Connections page says so in its own words; nothing from
 * its query string is shown.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { testEnvironment } from '@/lib/testing/config';
import type { ConnectionStatus } from '@/lib/credentials';
import { renderToHtml } from '../../../lib/testing/render';

const SITES: { site: { key: string; siteName: string; displayName: string }; oauth: { tokens: { list: () => Promise<ConnectionStatus[]> } } }[] = [];
const oauthSite = (key: string, siteName: string, displayName: string, connections: ConnectionStatus[]) => ({
  site: { key, siteName, displayName },
  oauth: { tokens: { list: async () => connections } },
});

vi.mock('@/lib/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/server')>()),
  requireAdmin: async () => ({ email: 'ada@example.com', name: 'Ada', isAdmin: true, adminCheckedAt: 0 }),
  getSites: async () => SITES,
}));

beforeAll(() => {
  Object.assign(process.env, testEnvironment({ LOG_LEVEL: 'silent' }));
});

beforeEach(() => {
  SITES.splice(0, SITES.length, oauthSite('', 'acme', 'acme', []));
});

async function connectionsPage(revoked: string): Promise<string> {
  const { default: ConnectionsPage } = await import('./page');
  return renderToHtml(await ConnectionsPage({ searchParams: Promise.resolve({ revoked }) }));
}

describe('the Connections page after a revoke', () => {
  it.each(['call-the-help-desk-on-5550100@evil.example', 'Your account is suspended, call 555 0100'])('revoked=%j: never shown', async (revoked) => {
    const html = await connectionsPage(revoked);
    expect(html).not.toContain(revoked);
    expect(html).not.toContain('5550100');
    expect(html).not.toContain('Revoked');
  });

  it("revoked=1, as the revoke action sends it: the portal's own notice", async () => {
    expect(await connectionsPage('1')).toContain('Revoked the WebEx connection. The employee is asked to connect again at their next Join.');
  });
});

describe('the Connections page with several sites', () => {
  const connection = (webexId: string): ConnectionStatus => ({
    email: 'alice@example.com',
    webexId,
    state: 'connected',
    accessExpiresAt: '2026-12-03T10:00:00.000Z',
    refreshExpiresAt: null,
    connectedAt: '2026-12-03T09:00:00.000Z',
    updatedAt: '2026-12-03T09:00:00.000Z',
  });

  it("lists every site's connections with the site, each revoke naming its site", async () => {
    SITES.splice(
      0,
      SITES.length,
      oauthSite('', 'acme', 'Acme', [connection('alice')]),
      oauthSite('acme-eu', 'acme-eu', 'Acme Europe', [connection('alice.eu')]),
    );
    const html = await connectionsPage('');
    expect(html).toContain('<th scope="col">Site</th>');
    expect(html).toMatch(/data-testid="connection-alice@example.com">.*?<td>Acme<\/td><td>alice<\/td>/);
    expect(html).toMatch(/data-testid="connection-alice@example.com-acme-eu">.*?<td>Acme Europe<\/td><td>alice.eu<\/td>.*?name="site" value="acme-eu"/);
    expect(html).toContain('aria-label="Revoke the WebEx connection of alice@example.com on Acme Europe"');
  });

  it('one site: no site column, no site field', async () => {
    SITES.splice(0, SITES.length, oauthSite('', 'acme', 'Acme', [connection('alice')]));
    const html = await connectionsPage('');
    expect(html).not.toContain('>Site<');
    expect(html).not.toContain('name="site"');
  });
});
