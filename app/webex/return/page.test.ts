/**
 * The page WebEx comes back to (BU): anyone can type or link its URL, so it shows only known
 * codes and its own texts (issue 16 finding 9).
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { testEnvironment } from '@/lib/config-for-tests';
import type { SearchParams } from '../../search-params';
import { renderToHtml } from '../../render-for-tests';

/** the cookies of the browser of the moment */
let jar = new Map<string, string>();

vi.mock('next/headers', () => ({
  cookies: async () => ({ get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined) }),
  headers: async () => new Headers({ 'x-nonce': 'test-nonce' }),
}));

beforeAll(() => {
  Object.assign(process.env, testEnvironment({ LOG_LEVEL: 'silent' }));
});

beforeEach(() => {
  jar = new Map();
});

async function returnPage(params: SearchParams): Promise<string> {
  const { default: WebexReturnPage } = await import('./page');
  return renderToHtml(await WebexReturnPage({ searchParams: Promise.resolve(params) }));
}

describe('the return page: only its own texts', () => {
  it.each(['CallTheHelpDeskOn5550100', '__proto__', 'AlreadyLogonPlease'])('RS=%j: the generic text, never the value', async (rs) => {
    const html = await returnPage({ AT: 'LI', ST: 'FAIL', RS: rs });
    expect(html).not.toContain(rs);
    expect(html).toContain('WebEx could not sign you in');
    expect(html).toContain('Code: LOGIN_UNKNOWN · WebEx gave a reason the portal does not know');
  });

  it('a known RS in any spelling: WebEx\'s name for it, as the portal spells it', async () => {
    const html = await returnPage({ AT: 'LI', ST: 'FAIL', RS: ' autologinDISABLED ' });
    expect(html).toContain('Code: LOGIN_AUTO_LOGIN_DISABLED · WebEx said: AutoLoginDisabled');
    expect(html).not.toContain('autologinDISABLED');
  });

  it('no RS: says so', async () => {
    expect(await returnPage({ AT: 'LI', ST: 'FAIL' })).toContain('Code: LOGIN_UNKNOWN · WebEx gave no reason');
  });
});
