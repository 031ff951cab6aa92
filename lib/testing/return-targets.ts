/**
 * For tests: callbackUrls of issue 16 finding 1's class for a portal at `origin`. Each is read as
 * `//host` (or as another host) by whatever builds the redirect, unless portalPath refuses it.
 */
export function callbacksAway(origin: string): string[] {
  return [
    '/.//evil.example/x',
    '/%2e//evil.example',
    '/%2E%2E//evil.example/x',
    '/a/..//evil.example',
    `${origin}//evil.example/x`,
    `${origin}/.//evil.example/x`,
    '//evil.example/x',
    '/\\evil.example',
    '/%5Cevil.example',
    '/%2F%2Fevil.example',
    '/%252F%252Fevil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '\r\n//evil.example',
    'https://evil.example/x',
  ];
}
