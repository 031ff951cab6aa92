/**
 * Where a sign-in may come back to: a page of the portal, as a path safe to send as a Location
 * as it is. The value is read as a browser reads it (WHATWG URL against the portal: tabs and
 * newlines dropped, `\` read as `/`, dot segments and `%2e` resolved); its path, decoded as
 * often as it decodes (whatever reads it next may decode it again), must then still be a plain
 * path: no empty, `.` or `..` segment, no `\`, no control character. Anything else (another
 * origin, `//host`, `/.//host`, `/%2F/host`, `/%5Chost`, a malformed value) → the home page.
 */
export function portalPath(value: unknown, appUrl: URL): string {
  if (typeof value !== 'string') return '/';
  let url: URL;
  try {
    url = new URL(value, appUrl);
  } catch {
    return '/';
  }
  return url.origin === appUrl.origin && isPlainPath(url.pathname) ? `${url.pathname}${url.search}${url.hash}` : '/';
}

function isPlainPath(pathname: string): boolean {
  const path = decodedFully(pathname);
  if (path === undefined || /[\\\p{Cc}]/u.test(path)) return false;
  // the segments after the leading '/': only the last may be empty (a trailing slash)
  const segments = path.split('/').slice(1);
  return segments.every((segment, i) => (segment !== '' || i === segments.length - 1) && segment !== '.' && segment !== '..');
}

/** The text once nothing in it decodes further (`%252F` → `%2F` → `/`); undefined when it does not decode. */
function decodedFully(text: string): string | undefined {
  for (let current = text; ;) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
}
