import { decode as nextAuthDecode, encode as nextAuthEncode } from 'next-auth/jwt';
import { describe, expect, it, vi } from 'vitest';
import { decodeSession, encodeSession, readSessionToken, sessionCookieName, sessionCookieValue } from './session-token';

const SECRET = 'a-session-secret-of-enough-length-0123456789';
const CLAIMS = { sub: 'u1', email: 'alice@example.com', name: 'Alice', groups: ['staff'], signedInAt: 1, lastSeenAt: 2, adminCheckedAt: 3 };

describe('the session token', () => {
  it("is next-auth's format both ways: cookies written by either are read by the other", async () => {
    const ours = await encodeSession({ token: CLAIMS, secret: SECRET, maxAge: 600 });
    expect(await nextAuthDecode({ token: ours, secret: SECRET })).toMatchObject(CLAIMS);
    const theirs = await nextAuthEncode({ token: CLAIMS, secret: SECRET, maxAge: 600 });
    expect(await decodeSession({ token: theirs, secret: SECRET })).toMatchObject(CLAIMS);
    // a salt (next-auth's other cookies) derives another key
    const salted = await nextAuthEncode({ token: CLAIMS, secret: SECRET, salt: 'other' });
    expect(await decodeSession({ token: salted, secret: SECRET, salt: 'other' })).toMatchObject(CLAIMS);
    await expect(decodeSession({ token: salted, secret: SECRET })).rejects.toThrow();
  });

  it('carries an expiry of maxAge, an issue time and a fresh id each time', async () => {
    const before = Math.floor(Date.now() / 1000);
    const [a, b] = await Promise.all([
      encodeSession({ token: CLAIMS, secret: SECRET, maxAge: 600 }),
      encodeSession({ token: CLAIMS, secret: SECRET, maxAge: 600 }),
    ]);
    const decoded = await decodeSession({ token: a, secret: SECRET });
    expect(decoded?.exp).toBeGreaterThanOrEqual(before + 600);
    expect(decoded?.exp).toBeLessThanOrEqual(before + 601);
    expect(decoded?.iat).toBeGreaterThanOrEqual(before);
    expect(decoded?.jti).not.toBe((await decodeSession({ token: b, secret: SECRET }))?.jti);
  });

  it('refuses another secret, any altered byte and an expired token (past 15 s of tolerance)', async () => {
    const token = await encodeSession({ token: CLAIMS, secret: SECRET });
    await expect(decodeSession({ token, secret: `${SECRET}x` })).rejects.toThrow();
    const parts = token.split('.');
    const ciphertext = parts[3] ?? '';
    const flipped = `${ciphertext.slice(0, 5)}${ciphertext[5] === 'A' ? 'B' : 'A'}${ciphertext.slice(6)}`;
    await expect(decodeSession({ token: [...parts.slice(0, 3), flipped, ...parts.slice(4)].join('.'), secret: SECRET })).rejects.toThrow();
    await expect(decodeSession({ token: await encodeSession({ token: CLAIMS, secret: SECRET, maxAge: -16 }), secret: SECRET })).rejects.toThrow();
    expect(await decodeSession({ token: await encodeSession({ token: CLAIMS, secret: SECRET, maxAge: -5 }), secret: SECRET })).toMatchObject(CLAIMS);
    expect(await decodeSession({ token: '', secret: SECRET })).toBeNull();
  });
});

describe('a token read again', () => {
  it('is read from memory, as a copy, and still expires on time', async () => {
    const token = await encodeSession({ token: CLAIMS, secret: SECRET, maxAge: 60 });
    const first = await decodeSession({ token, secret: SECRET });
    if (first) first.email = 'changed by a caller';
    expect(await decodeSession({ token, secret: SECRET })).toMatchObject(CLAIMS);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 70_000); // past exp, within the 15 s tolerance
      expect(await decodeSession({ token, secret: SECRET })).toMatchObject(CLAIMS);
      vi.setSystemTime(Date.now() + 10_000); // past exp + 15 s
      await expect(decodeSession({ token, secret: SECRET })).rejects.toThrow();
      await expect(decodeSession({ token, secret: SECRET })).rejects.toThrow();
    } finally {
      vi.useRealTimers();
    }
    // another secret never gets the payload a kept token opened to
    await expect(decodeSession({ token: await encodeSession({ token: CLAIMS, secret: SECRET }), secret: `${SECRET}-other` })).rejects.toThrow();
  });
});

describe('the session cookie', () => {
  it('is named as next-auth names it: __Secure- on https only', () => {
    expect(sessionCookieName(new URL('https://portal.example.com'))).toBe('__Secure-next-auth.session-token');
    expect(sessionCookieName(new URL('http://localhost:3000'))).toBe('next-auth.session-token');
  });

  it("is read whole, or reassembled from next-auth's chunks in their numeric order", () => {
    const name = 'next-auth.session-token';
    expect(
      sessionCookieValue(
        [
          { name: 'other', value: 'x' },
          { name, value: 'whole' },
        ],
        name,
      ),
    ).toBe('whole');
    const chunks = Array.from({ length: 12 }, (_, i) => ({ name: `${name}.${i}`, value: `<${i}>` })).reverse();
    expect(sessionCookieValue([...chunks, { name: `${name}.x`, value: 'not a chunk' }, { name: `${name}-other.0`, value: 'nor this' }], name)).toBe(
      Array.from({ length: 12 }, (_, i) => `<${i}>`).join(''),
    );
    expect(sessionCookieValue([{ name: 'other', value: 'x' }], name)).toBeUndefined();
  });

  it('reads as no session when it is missing, foreign or forged, and as the token when it is ours', async () => {
    const appUrl = new URL('http://localhost:3000');
    const value = await encodeSession({ token: CLAIMS, secret: SECRET });
    expect(await readSessionToken([{ name: 'next-auth.session-token', value }], appUrl, SECRET)).toMatchObject(CLAIMS);
    expect(await readSessionToken([{ name: '__Secure-next-auth.session-token', value }], appUrl, SECRET)).toBeNull();
    expect(await readSessionToken([{ name: 'next-auth.session-token', value: 'forged' }], appUrl, SECRET)).toBeNull();
    expect(await readSessionToken([], appUrl, SECRET)).toBeNull();
  });
});
