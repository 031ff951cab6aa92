import { describe, expect, it } from 'vitest';
import { isAdminUser, isSameOriginRequest } from './auth';

const APP = new URL('https://portal.example.com');

describe('isSameOriginRequest', () => {
  it.each([
    [{ origin: 'https://portal.example.com' }, true],
    [{ origin: 'https://evil.example' }, false],
    [{ origin: 'https://portal.example.com.evil.example' }, false],
    [{ origin: 'http://portal.example.com' }, false],
    [{ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, false],
    [{ origin: 'null', 'sec-fetch-site': 'same-origin' }, true],
    [{ origin: 'null', 'sec-fetch-site': 'cross-site' }, false],
    [{ 'sec-fetch-site': 'same-origin' }, true],
    [{ 'sec-fetch-site': 'same-site' }, false],
    [{}, false],
  ])('%j → %s', (headers, expected) => {
    expect(isSameOriginRequest(new Headers(headers), APP)).toBe(expected);
  });
});

describe('isAdminUser', () => {
  const admin = { emails: new Set(['ada@example.com']), groupClaim: 'groups', group: 'webex-admins' };
  it('is an admin by e-mail (any case) or by group, not otherwise', () => {
    expect(isAdminUser('Ada@Example.com', [], admin)).toBe(true);
    expect(isAdminUser('bob@example.com', ['webex-admins'], admin)).toBe(true);
    expect(isAdminUser('bob@example.com', ['webex-admins-not'], admin)).toBe(false);
    expect(isAdminUser('bob@example.com', ['webex-admins'], { ...admin, group: undefined })).toBe(false);
  });
});
