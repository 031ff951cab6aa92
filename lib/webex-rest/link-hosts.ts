import { WebexError } from '../webex';

/**
 * Where a start or join link may send an employee: https on a host the configuration allows
 * (WEBEX_REST_LINK_HOSTS; default every host under .webex.com, plus the configured site's host).
 * The link carries a token that opens the meeting as that employee, and the portal answers it
 * with a 302 of its own: an answer of WebEx's (or of anyone between) must never turn the portal
 * into an open redirect, or into a sender of that token to a host nobody chose.
 */
export interface LinkHosts {
  /** hosts allowed exactly, lower-case (e.g. the site's own, 127.0.0.1 for the simulator) */
  exact: readonly string[];
  /** domain suffixes, with their leading dot (".webex.com" allows acme.webex.com, not webex.com.evil) */
  suffixes: readonly string[];
}

/** The default: every WebEx host; WebEx's own examples send links to {site}.webex.com and {cluster}.dmz.webex.com [docs/webex.md §9.6, D19]. */
export const DEFAULT_LINK_HOSTS = '.webex.com';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
// a host name or IPv4 literal, optionally with a leading dot (a suffix); no ports, wildcards or paths
const ENTRY = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Parses WEBEX_REST_LINK_HOSTS ("a comma list of hosts and .suffixes") plus the configured site's
 * host, which is always allowed; a string names what is wrong.
 */
export function parseLinkHosts(value: string, siteHost: string): LinkHosts | string {
  const exact = new Set<string>([siteHost.toLowerCase()]);
  const suffixes = new Set<string>();
  for (const entry of value
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)) {
    if (!ENTRY.test(entry)) return `"${entry}" is not a host name or a .domain suffix (no scheme, port, path or wildcard)`;
    if (entry.startsWith('.')) {
      // ".com" would allow the whole Internet
      if (entry.split('.').length < 3) return `"${entry}" is too broad: a suffix must name a domain, e.g. .webex.com`;
      suffixes.add(entry);
    } else {
      exact.add(entry);
    }
  }
  return { exact: [...exact], suffixes: [...suffixes] };
}

/** Whether a host is one the rules allow. */
export function isAllowedLinkHost(hostname: string, hosts: LinkHosts): boolean {
  const host = hostname.toLowerCase();
  return hosts.exact.includes(host) || hosts.suffixes.some((suffix) => host.endsWith(suffix));
}

/**
 * The link as a URL the portal may redirect to: https (plain http only on this machine, for the
 * simulator), on an allowed host, without credentials in it. Anything else is WEBEX_LINK_REFUSED;
 * the message names the host, never the link (it carries the token).
 */
export function checkMeetingLink(link: unknown, hosts: LinkHosts): URL {
  let url: URL;
  try {
    if (typeof link !== 'string') throw new TypeError('not a string');
    url = new URL(link);
  } catch {
    throw new WebexError('WEBEX_LINK_REFUSED', 'WebEx returned a meeting link that is not a URL');
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure) throw new WebexError('WEBEX_LINK_REFUSED', `WebEx returned a ${url.protocol} meeting link; only https is followed`);
  if (url.username !== '' || url.password !== '') throw new WebexError('WEBEX_LINK_REFUSED', 'WebEx returned a meeting link with user information in it');
  if (!isAllowedLinkHost(url.hostname, hosts))
    throw new WebexError('WEBEX_LINK_REFUSED', `WebEx returned a meeting link on ${url.hostname}, which WEBEX_REST_LINK_HOSTS does not allow`);
  return url;
}
