/**
 * Issue 16 finding 9: after a revoke the Connections page says so in its own words; nothing from
 * its query string is shown.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { testEnvironment } from '@/lib/testing/config';
import type { ConnectionStatus } from '@/lib/credentials';
import { renderToHtml } from '../../../lib/testing/render';

const CONNECTIONS: ConnectionStatus[] = [];

vi.mock('@/lib/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/server')>()),
  requireAdmin: async () => ({ email: 'ada@example.com', name: 'Ada', isAdmin: true, adminCheckedAt: 0 }),
  getOAuth: async () => ({ tokens: { list: async () => CONNECTIONS } }),
}));

beforeAll(() => {
  Object.assign(process.env, testEnvironment({ LOG_LEVEL: 'silent' }));
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
