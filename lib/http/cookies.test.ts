import { describe, expect, it } from 'vitest';
import { clearCookie, readCookie, serializeCookie } from './cookies';

const HTTPS = new URL('https://portal.example.com');
const HTTP = new URL('http://localhost:3000');

describe('serializeCookie: every Set-Cookie of the portal', () => {
  it('is HttpOnly and SameSite=Lax on /, and Secure on https', () => {
    expect(serializeCookie('n', 'v', HTTPS, { maxAgeSeconds: 120 })).toBe('n=v; Path=/; Max-Age=120; HttpOnly; SameSite=Lax; Secure');
    expect(serializeCookie('n', 'v', HTTP, { maxAgeSeconds: 120 })).toBe('n=v; Path=/; Max-Age=120; HttpOnly; SameSite=Lax');
  });

  it('keeps a cookie to its route, and clears with the same attributes', () => {
    expect(serializeCookie('n', 'v', HTTPS, { maxAgeSeconds: 5, path: '/webex/connect' })).toBe(
      'n=v; Path=/webex/connect; Max-Age=5; HttpOnly; SameSite=Lax; Secure',
    );
    expect(clearCookie('n', HTTPS, '/webex/connect')).toBe('n=; Path=/webex/connect; Max-Age=0; HttpOnly; SameSite=Lax; Secure');
  });

  it.each([
    ['a value with ;', 'n', 'v; Domain=evil.example'],
    ['a value with a line break', 'n', 'v\r\nSet-Cookie: x=y'],
    ['a name with =', 'n=x', 'v'],
  ])('refuses %s (it would write another attribute or header)', (_case, name, value) => {
    expect(() => serializeCookie(name, value, HTTPS, { maxAgeSeconds: 1 })).toThrow(/Bad usage/);
  });
});

describe('readCookie', () => {
  it('finds a cookie by its exact name', () => {
    expect(readCookie('a=1; webex-sso.target=host.1; b=2', 'webex-sso.target')).toBe('host.1');
    expect(readCookie('xwebex-sso.target=1', 'webex-sso.target')).toBeUndefined();
    expect(readCookie(null, 'a')).toBeUndefined();
  });
});
