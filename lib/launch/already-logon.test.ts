/**
 * The AlreadyLogon recovery's decisions: it acts only in the browser that just launched (issue
 * 16 finding 6: a link from any site started it), and never bounces twice (the loop guard).
 */
import { describe, expect, it } from 'vitest';
import { isRecentLaunch, launchedCookie, nextRecoveryStep, planLaunch, readRecentLaunch, LAUNCHED_COOKIE } from './already-logon';

const HTTP = { appUrl: new URL('http://localhost:3000'), authSecret: 'already-logon-test-secret-0123456789abcdef' };
const HTTPS = { ...HTTP, appUrl: new URL('https://portal.example.com') };
const LAUNCHED_AT = Date.parse('2026-03-02T10:00:00Z');

/** The cookie's value, as the browser sends it back. */
async function markOf(launchedAt: number, config = HTTP): Promise<string> {
  const [pair = ''] = (await launchedCookie(launchedAt, config)).split(';');
  return pair.slice(`${LAUNCHED_COOKIE}=`.length);
}

describe('the mark of a launch', () => {
  it('is set by the launch only: HttpOnly, SameSite=Lax, two minutes, Secure on https', async () => {
    expect(await launchedCookie(LAUNCHED_AT, HTTP)).toMatch(/^webex-sso\.launched=[^;]{20,}; Path=\/; Max-Age=120; HttpOnly; SameSite=Lax$/);
    expect(await launchedCookie(LAUNCHED_AT, HTTPS)).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('is recent for two minutes after the launch, then not', async () => {
    const mark = await markOf(LAUNCHED_AT);
    expect(await isRecentLaunch(mark, HTTP.authSecret, LAUNCHED_AT + 5_000)).toBe(true);
    expect(await isRecentLaunch(mark, HTTP.authSecret, LAUNCHED_AT + 119_000)).toBe(true);
    expect(await isRecentLaunch(mark, HTTP.authSecret, LAUNCHED_AT + 121_000)).toBe(false);
  });

  it('cannot be made by anyone but the portal: a value of its own, or one sealed with another secret, is no mark', async () => {
    const now = LAUNCHED_AT + 1_000;
    for (const forged of [undefined, '', '1', String(LAUNCHED_AT), 'Fe26.2**abc', 'Fe26.2*1*x*y*z*w*v*u']) {
      expect(await isRecentLaunch(forged, HTTP.authSecret, now)).toBe(false);
    }
    expect(await isRecentLaunch(await markOf(LAUNCHED_AT, { ...HTTP, authSecret: 'another-portal-secret-0123456789abcdef' }), HTTP.authSecret, now)).toBe(
      false,
    );
  });

  it('is read from a Cookie header among others', async () => {
    const mark = await markOf(LAUNCHED_AT);
    const now = LAUNCHED_AT + 1_000;
    expect(await readRecentLaunch(`a=1; ${LAUNCHED_COOKIE}=${mark}; webex-sso.recovery=signing-out`, HTTP.authSecret, now)).toBe(true);
    expect(await readRecentLaunch('webex-sso.recovery=signing-out', HTTP.authSecret, now)).toBe(false);
    expect(await readRecentLaunch(null, HTTP.authSecret, now)).toBe(false);
  });
});

describe('the return page: continue the recovery, or leave it to the employee', () => {
  it.each([
    // AlreadyLogon: the automatic sign-out only in the browser that just launched, and only once
    ['already-logged-on', undefined, true, 'sign-out'],
    ['already-logged-on', undefined, false, undefined],
    ['already-logged-on', 'signing-out', true, undefined],
    ['already-logged-on', 'relaunched', true, undefined],
    // back from our sign-out: the one relaunch (the sign-out step itself needed the mark)
    ['signed-out', 'signing-out', false, 'relaunch'],
    ['signed-out', 'relaunched', true, undefined],
    ['signed-out', undefined, true, undefined],
  ] as const)('%s, recovery %s, launched here %s → %s', (page, state, launched, step) => {
    expect(nextRecoveryStep(page, state, launched)).toBe(step);
  });
});

describe('POST /launch: what a recovery step does', () => {
  it.each([
    // sign-out: only with the mark of this browser's launch; a recovery under way is not restarted
    ['sign-out', undefined, true, { action: 'sign-out', cookie: 'signing-out' }],
    ['sign-out', 'relaunched', true, { action: 'sign-out' }],
    ['sign-out', undefined, false, { action: 'explain' }],
    ['sign-out', 'signing-out', false, { action: 'explain' }],
    // relaunch after our sign-out, and a plain Join, as before
    ['relaunch', 'signing-out', false, { action: 'launch', cookie: 'relaunched' }],
    ['relaunch', undefined, false, { action: 'launch' }],
    [undefined, 'relaunched', false, { action: 'launch', cookie: null }],
    [undefined, undefined, true, { action: 'launch' }],
  ] as const)('step %s, recovery %s, launched here %s → %j', (step, state, launched, plan) => {
    expect(planLaunch(step, state, launched)).toEqual(plan);
  });
});
