/**
 * The page WebEx comes back to (BU): anyone can type or link its URL, so it shows only known
 * codes and its own texts (issue 16 finding 9), and it continues the AlreadyLogon recovery only
 * in the browser that just launched (finding 6).
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { launchedCookie, LAUNCHED_COOKIE, RECOVERY_COOKIE } from '@/lib/launch';
import { testEnvironment } from '@/lib/testing/config';
import type { SearchParams } from '../../_lib/search-params';
import { renderToHtml } from '../../../lib/testing/render';

/** the cookies of the browser of the moment */
let jar = new Map<string, string>();

vi.mock('next/headers', () => ({
  cookies: async () => ({ get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined) }),
  headers: async () => new Headers({ 'x-nonce': 'test-nonce' }),
}));

const ENV = testEnvironment({ LOG_LEVEL: 'silent' });

beforeAll(() => {
  Object.assign(process.env, ENV);
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

  it("a known RS in any spelling: WebEx's name for it, as the portal spells it", async () => {
    const html = await returnPage({ AT: 'LI', ST: 'FAIL', RS: ' autologinDISABLED ' });
    expect(html).toContain('Code: LOGIN_AUTO_LOGIN_DISABLED · WebEx said: AutoLoginDisabled');
    expect(html).not.toContain('autologinDISABLED');
  });

  it('no RS: says so', async () => {
    expect(await returnPage({ AT: 'LI', ST: 'FAIL' })).toContain('Code: LOGIN_UNKNOWN · WebEx gave no reason');
  });
});

describe('the return page: the AlreadyLogon recovery', () => {
  const ALREADY_LOGON = { AT: 'LI', ST: 'FAIL', RS: 'AlreadyLogon' };
  const AUTO_SIGN_OUT = 'id="auto-submit-recovery-sign-out"';
  const MANUAL_SIGN_OUT = `href="https://acme.webex.com/acme/p.php?AT=LO&amp;BU=${encodeURIComponent('http://localhost:3000/webex/return')}"`;

  /** The browser carries the mark of a launch made `ago` milliseconds ago. */
  async function launched(ago: number): Promise<void> {
    const cookie = await launchedCookie(Date.now() - ago, { appUrl: new URL(ENV.NEXTAUTH_URL ?? ''), authSecret: ENV.NEXTAUTH_SECRET ?? '' });
    jar.set(LAUNCHED_COOKIE, cookie.split(';')[0]?.slice(`${LAUNCHED_COOKIE}=`.length) ?? '');
  }

  it('in the browser that just launched: signs the other session out automatically', async () => {
    await launched(3_000);
    const html = await returnPage(ALREADY_LOGON);
    expect(html).toContain('Signing out the other WebEx session');
    expect(html).toContain(AUTO_SIGN_OUT);
  });

  // issue 16 finding 6: a link from any site made a signed-in employee's browser sign out of WebEx
  it.each([
    ['a browser that did not launch (a link from another site)', async () => undefined],
    ['a launch more than two minutes ago', () => launched(121_000)],
    ['a mark the portal did not make', async () => void jar.set(LAUNCHED_COOKIE, 'signing-out')],
  ])('in %s: the explanation and the sign-out button, nothing automatic', async (_name, arrange) => {
    await arrange();
    const html = await returnPage(ALREADY_LOGON);
    expect(html).not.toContain(AUTO_SIGN_OUT);
    expect(html).not.toContain('<script');
    expect(html).toContain('Someone is already signed in to WebEx in this browser');
    expect(html).toContain(MANUAL_SIGN_OUT);
  });

  it('loop guard: AlreadyLogon again during a recovery is left to the employee', async () => {
    await launched(3_000);
    jar.set(RECOVERY_COOKIE, 'relaunched');
    const html = await returnPage(ALREADY_LOGON);
    expect(html).not.toContain(AUTO_SIGN_OUT);
    expect(html).toContain(MANUAL_SIGN_OUT);
  });

  it('back from our sign-out: the one relaunch', async () => {
    jar.set(RECOVERY_COOKIE, 'signing-out');
    expect(await returnPage({ AT: 'LO', ST: 'SUCCESS' })).toContain('id="auto-submit-recovery-relaunch"');
  });
});
