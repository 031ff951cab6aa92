import { describe, expect, it } from 'vitest';
import { crossOriginRefusal, isCrossOriginWrite } from './same-origin';

const APP = new URL('https://portal.example.com');
const check = (method: string, path: string, headers: Record<string, string>) => isCrossOriginWrite(method, path, new Headers(headers), APP);

describe('isCrossOriginWrite', () => {
  it.each([
    ['POST', '/admin', { 'next-action': 'abc', origin: 'https://evil.example' }, true],
    ['POST', '/admin', { 'next-action': 'abc', origin: 'null', 'sec-fetch-site': 'cross-site' }, true],
    ['POST', '/admin/mappings/export', {}, true],
    ['POST', '/admin', { 'sec-fetch-site': 'cross-site' }, true],
    ['POST', '/launch', { 'sec-fetch-site': 'same-site' }, true],
    ['POST', '/auth/signout', { 'sec-fetch-site': 'none' }, true],
    ['DELETE', '/launch', { origin: 'https://evil.example' }, true],
    ['POST', '/admin', { 'next-action': 'abc', origin: 'https://portal.example.com' }, false],
    ['POST', '/launch', { origin: 'null', 'sec-fetch-site': 'same-origin' }, false],
    ['GET', '/admin', { origin: 'https://evil.example' }, false],
    ['HEAD', '/', {}, false],
    ['POST', '/api/auth/signout', { origin: 'https://evil.example' }, false],
    ['POST', '/api/authx', { origin: 'https://evil.example' }, true],
  ])('%s %s %j → %s', (method, path, headers, expected) => {
    expect(check(method, path, headers)).toBe(expected);
  });
});

describe('crossOriginRefusal', () => {
  it('is a 403 page of the portal, never cached, never framed', async () => {
    const response = crossOriginRefusal();
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain('<h1>Refused: this request came from another site</h1>');
  });
});
