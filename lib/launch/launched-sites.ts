/**
 * The WebEx sites this browser was signed in to by the portal during its session, so Sign out
 * everywhere signs it out of each (lib/sign-out). Site names only, no secret: a forged list can
 * only add a sign-out of one of the company's own sites, since the sign-out keeps the configured ones.
 */
import { readCookie, serializeCookie } from '../http';

export const LAUNCHED_SITES_COOKIE = 'webex-sso.sites';

const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The site names the cookie lists (malformed entries dropped). */
export function readLaunchedSites(cookieHeader: string | null): string[] {
  const value = readCookie(cookieHeader, LAUNCHED_SITES_COOKIE) ?? '';
  return [...new Set(value.split('.').filter((name) => SITE_NAME.test(name)))];
}

/**
 * Set-Cookie adding `site` to the list, for as long as a portal session lives (`maxAgeSeconds`);
 * undefined when it is listed already.
 */
export function launchedSitesCookie(site: string, cookieHeader: string | null, appUrl: URL, maxAgeSeconds: number): string | undefined {
  const sites = readLaunchedSites(cookieHeader);
  if (sites.includes(site)) return undefined;
  return serializeCookie(LAUNCHED_SITES_COOKIE, [...sites, site].join('.'), appUrl, { maxAgeSeconds });
}
