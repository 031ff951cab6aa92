import { describe, expect, it } from 'vitest';
import { sessionCookieWrites, sessionSetCookie } from './session-cookie';

const HTTP = new URL('http://localhost:3000');
const HTTPS = new URL('https://portal.example.com');

describe('the session cookie as it is written', () => {
  it("is one cookie up to next-auth 4's chunk size (3933), and in chunks of it past that", () => {
    const fits = 'a'.repeat(3933);
    expect(sessionCookieWrites([], HTTP, { value: fits, maxAge: 60 })).toEqual([{ name: 'next-auth.session-token', value: fits, maxAge: 60 }]);
    const chunked = sessionCookieWrites([], HTTP, { value: `${fits}${'b'.repeat(3933)}c`, maxAge: 60 });
    expect(chunked.map(({ name, value }) => [name, value.length])).toEqual([
      ['next-auth.session-token.0', 3933],
      ['next-auth.session-token.1', 3933],
      ['next-auth.session-token.2', 1],
      ['next-auth.session-token', 0],
    ]);
  });

  it('clears every session cookie the browser sent that it does not set again, and leaves other cookies alone', () => {
    const sent = [
      '__Secure-next-auth.session-token',
      '__Secure-next-auth.session-token.0',
      '__Secure-next-auth.session-token.1',
      'next-auth.session-token.2',
      'other',
    ];
    expect(
      sessionCookieWrites(sent, HTTPS, { value: 'x'.repeat(4000), maxAge: 60 })
        .filter((w) => w.maxAge === 0)
        .map((w) => w.name),
    ).toEqual(['__Secure-next-auth.session-token']);
    expect(sessionCookieWrites(sent, HTTPS, { value: 'short', maxAge: 60 }).map((w) => [w.name, w.maxAge])).toEqual([
      ['__Secure-next-auth.session-token', 60],
      ['__Secure-next-auth.session-token.0', 0],
      ['__Secure-next-auth.session-token.1', 0],
    ]);
  });

  it("carries next-auth's attributes, Secure on https", () => {
    expect(sessionSetCookie({ name: 'n', value: 'v', maxAge: 5 }, HTTPS)).toBe('n=v; Path=/; Max-Age=5; HttpOnly; SameSite=Lax; Secure');
    expect(sessionSetCookie({ name: 'n', value: '', maxAge: 0 }, HTTP)).toBe('n=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  });
});
