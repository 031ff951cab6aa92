import { WebexError } from '../webex';

/**
 * Long lists of the Webex REST API come in pages: the answer's `Link` header (RFC 5988, now RFC
 * 8288) names the next page with rel="next", and its absence means the last page
 * (docs/webex.md §9.8, [R7]). The portal follows it only to the endpoint it asked, on the API's own
 * origin: the next request carries the Service App's bearer token, which must never go anywhere else.
 */

// one link-value: <URI-reference> then its ;-parameters, quoted or not
const LINK_VALUE = /<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"[^"]*"|[^;,\s]*))?)*)/g;
const PARAM = /;\s*([^;,=\s]+)(?:\s*=\s*(?:"([^"]*)"|([^;,\s]*)))?/g;

/** The URI of the link with rel="next" in a Link header (several headers arrive joined by ", "), or undefined. */
export function nextLinkOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const [, target = '', params = ''] of header.matchAll(LINK_VALUE)) {
    for (const [, name = '', quoted, bare] of params.matchAll(PARAM)) {
      // rel may hold several space-separated relation types, in any case
      if (name.toLowerCase() === 'rel' && (quoted ?? bare ?? '').toLowerCase().split(/\s+/).includes('next')) return target;
    }
  }
  return undefined;
}

/**
 * The next page's URL, resolved against the page that named it, if it is the same endpoint on the
 * same origin; anything else is refused as a malformed answer.
 */
export function nextPageUrl(link: string, current: string, endpoint: URL): URL {
  let url: URL;
  try {
    url = new URL(link, current);
  } catch {
    throw new WebexError('WEBEX_MALFORMED_RESPONSE', 'WebEx named a next page that is not a URL');
  }
  if (url.origin !== endpoint.origin || url.pathname !== endpoint.pathname || url.username || url.password) {
    throw new WebexError('WEBEX_MALFORMED_RESPONSE', `WebEx named a next page outside ${endpoint.pathname} on its own origin: not followed`);
  }
  return url;
}
