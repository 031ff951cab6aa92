/**
 * Issue 16 finding 1: whatever a `callbackUrl` says (dot segments, encoded dots, slashes and
 * backslashes, tabs and newlines, absolute URLs of the portal and of elsewhere), the path
 * portalPath gives back, put in a Location header as it is, keeps the browser on the portal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portalPath } from '.';

const PORTALS = [new URL('http://localhost:3000'), new URL('https://portal.example.com')];
const RUNS = { numRuns: 2000 };

// what a path is made of when someone wants it read as another host
const piece = fc.oneof(
  fc.constantFrom('/', '//', '\\', '/\\', '\\/', '.', '..', './', '../', '%2e', '%2E', '%2e%2e', '.%2e', '%2f', '%2F', '%5c', '%5C', '%252f', '%252e', '%25'),
  fc.constantFrom('\t', '\n', '\r', ' ', '%09', '%0a', '%00', '\u0000', '\u3002', '\uff0f', '@', ':', '?', '#', ';', '&'),
  fc.constantFrom('evil.example', 'localhost', 'localhost:3000', 'portal.example.com', 'http:', 'https:', 'javascript:', 'x'),
  fc.string({ maxLength: 4 }),
);
const path = fc.array(piece, { maxLength: 10 }).map((pieces) => pieces.join(''));
// the portal spelled as a browser would accept it, and hosts that are not the portal
const prefix = fc.constantFrom(
  '',
  '/',
  '//',
  'http://localhost:3000',
  'HTTP://LOCALHOST:3000',
  'http://localhost:3000/',
  'https://portal.example.com',
  'https://portal.example.com:443',
  'https://portal.example.com/.',
  'https://portal.example.com@evil.example',
  'https://evil.example',
  'http:',
  'https:',
  '\t/',
  '\\\\',
);
const callbackUrl = fc.tuple(prefix, path).map(([p, rest]) => p + rest);

/** The page a browser lands on for this Location, sent in answer to a request for `from`. */
const landing = (location: string, from: URL) => new URL(location, from);

describe('portalPath: every way back stays on the portal', () => {
  it('a generated callbackUrl gives a path that a browser resolves to the portal, and that reads the same again', () => {
    fc.assert(
      fc.property(callbackUrl, fc.constantFrom(...PORTALS), (value, app) => {
        const back = portalPath(value, app);
        // one leading slash, printable ASCII: nothing a Location header or a second parse reads differently
        expect(back).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
        // as the sign-in route sends it (a path, or next-auth's absolute URL of it), from any page of the portal
        for (const from of [app, new URL('/auth/signin?callbackUrl=x', app), new URL('/a/b/c', app)]) {
          expect(landing(back, from).origin).toBe(app.origin);
          expect(landing(landing(back, app).href, from).origin).toBe(app.origin);
        }
        // next-auth's redirect callback and its callback-url cookie read it again: the same page
        expect(portalPath(back, app)).toBe(back);
      }),
      RUNS,
    );
  });

  it('a page of the portal comes back as it is', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    const query = fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 12 }), { maxKeys: 3 }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), query, fc.constantFrom(...PORTALS), (segments, params, app) => {
        const page = `/${segments.join('/')}${params && Object.keys(params).length > 0 ? `?${new URLSearchParams(params)}` : ''}`;
        expect(portalPath(page, app)).toBe(page);
        expect(portalPath(new URL(page, app).href, app)).toBe(page);
      }),
      RUNS,
    );
  });
});
