/**
 * Issue 16 finding 9: after a delete or an import the mappings page says what the portal recorded
 * for this admin; nothing from its query string is shown.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { testEnvironment } from '@/lib/testing/config';
import { renderToHtml } from '../../../lib/testing/render';

vi.mock('@/lib/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/server')>()),
  requireAdmin: async () => ({ email: 'ada@example.com', name: 'Ada', isAdmin: true, adminCheckedAt: 0, signedInAt: 0, sessionEndsAt: 0 }),
}));

beforeAll(() => {
  Object.assign(process.env, testEnvironment({ LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' }));
});

async function mappingsPage(params: Record<string, string>): Promise<string> {
  const { default: MappingsPage } = await import('./page');
  return renderToHtml(await MappingsPage({ searchParams: Promise.resolve(params) }));
}

describe('the mappings page after a delete or an import', () => {
  it.each<Record<string, string>>([{ deleted: 'ceo@example.com' }, { imported: '9999-0-0-0' }, { done: 'ceo@example.com' }, { done: '1' }])(
    '%j: no notice, and none of its text',
    async (params) => {
      const html = await mappingsPage(params);
      expect(html).not.toContain('role="status"');
      for (const value of Object.values(params)) expect(html).not.toContain(value === '1' ? 'Removed the mapping' : value);
      expect(html).not.toContain('Imported:');
    },
  );
});
