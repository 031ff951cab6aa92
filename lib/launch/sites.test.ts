/** A Join that names a WebEx site: the form field, the page it comes back to, the relaunch and the list of sites signed in to. */
import { describe, expect, it } from 'vitest';
import { readRelaunchTarget, relaunchTargetCookie, TARGET_COOKIE } from './already-logon';
import { LAUNCHED_SITES_COOKIE, launchedSitesCookie, readLaunchedSites } from './launched-sites';
import { HOME, type LaunchTarget, pageOf, parseLaunchTarget } from './target';
import { parseMeetingNumber, type MeetingNumber } from '../webex';

const NUMBER = parseMeetingNumber('123456789') as MeetingNumber;
const APP = new URL('https://portal.example.com');
const cookieValue = (setCookie: string | undefined) => setCookie?.split(';')[0]?.split('=').slice(1).join('=');

describe('a Join naming a site', () => {
  it('carries the site with any target; a malformed site refuses the Join', () => {
    expect(parseLaunchTarget(null, null, null, 'acme-eu')).toEqual({ kind: 'home', site: 'acme-eu' });
    expect(parseLaunchTarget('123456789', 'host', null, 'acme-eu')).toEqual({ kind: 'meeting', number: NUMBER, role: 'host', site: 'acme-eu' });
    expect(parseLaunchTarget(null, null, 'personal', 'acme-eu')).toEqual({ kind: 'personal-room', site: 'acme-eu' });
    expect(parseLaunchTarget(null, null, null, null)).toEqual(HOME);
    for (const site of ['', 'ACME-EU', 'acme.eu', '../admin', 'acme eu', 42, '-acme'])
      expect(parseLaunchTarget(null, null, null, site), JSON.stringify(site)).toBeUndefined();
    expect(parseLaunchTarget('12', 'join', null, 'acme-eu')).toBeUndefined();
  });

  it("comes back to the meeting's page on its site after a sign-in", () => {
    expect(pageOf({ kind: 'meeting', number: NUMBER, role: 'join', site: 'acme-eu' })).toBe('/meet/acme-eu/123456789');
    expect(pageOf({ kind: 'meeting', number: NUMBER, role: 'join' })).toBe('/meet/123456789');
    expect(pageOf({ kind: 'home', site: 'acme-eu' })).toBe('/');
  });

  it('the AlreadyLogon relaunch relaunches on the site of the last Join', () => {
    const cases: LaunchTarget[] = [
      { kind: 'meeting', number: NUMBER, role: 'host', site: 'acme-eu' },
      { kind: 'home', site: 'acme-eu' },
      { kind: 'meeting', number: NUMBER, role: 'join' },
    ];
    for (const target of cases) {
      const value = cookieValue(relaunchTargetCookie(target, null, APP));
      expect(readRelaunchTarget(`${TARGET_COOKIE}=${value}`), JSON.stringify(target)).toEqual(target);
    }
    expect(readRelaunchTarget(`${TARGET_COOKIE}=join.123456789.ACME_EU`)).toEqual(HOME);
  });
});

describe('the sites this browser was signed in to', () => {
  it('adds each site once, keeps the list a session long, and drops what is not a site name', () => {
    const first = launchedSitesCookie('acme', null, APP, 28_800);
    expect(first).toMatch(/Max-Age=28800/);
    const header = `${LAUNCHED_SITES_COOKIE}=${cookieValue(first)}`;
    expect(launchedSitesCookie('acme', header, APP, 28_800)).toBeUndefined();
    const second = launchedSitesCookie('acme-eu', header, APP, 28_800);
    expect(readLaunchedSites(`${LAUNCHED_SITES_COOKIE}=${cookieValue(second)}`)).toEqual(['acme', 'acme-eu']);
    expect(readLaunchedSites(`${LAUNCHED_SITES_COOKIE}=acme.%3Cscript%3E.acme-eu..acme`)).toEqual(['acme', 'acme-eu']);
    expect(readLaunchedSites(null)).toEqual([]);
  });
});
