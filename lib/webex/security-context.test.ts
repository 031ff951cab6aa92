import { describe, expect, it } from 'vitest';
import { buildSecurityContext } from './security-context';

describe('buildSecurityContext', () => {
  it('puts exactly one credential next to site and WebEx ID', () => {
    expect(buildSecurityContext('acme', 'h', { kind: 'password', password: 'p' })).toEqual({ siteName: 'acme', webExID: 'h', password: 'p' });
    expect(buildSecurityContext('acme', 'h', { kind: 'sessionTicket', sessionTicket: 's' })).toEqual({ siteName: 'acme', webExID: 'h', sessionTicket: 's' });
    expect(buildSecurityContext('acme', 'h', { kind: 'accessToken', webExAccessToken: 't' })).toEqual({
      siteName: 'acme',
      webExID: 'h',
      webExAccessToken: 't',
    });
  });
});
