import { describe, expect, it } from 'vitest';
import { buildLoginUrl, buildLogoutUrl, codeForLoginFailure, isWebexSiteUrl } from './url-api';

const base = {
  baseUrl: 'https://acme.webex.com',
  siteName: 'acme',
  webExID: 'alice@acme.com',
  ticket: 'ab+c/d=e==',
  landingUrl: 'https://acme.webex.com/acme/m.php?AT=HM&MK=123',
  backUrl: 'https://portal.example.com/webex/return?from=portal&x=a b',
};

describe('buildLoginUrl', () => {
  it('targets {base}/{site}/p.php with AT=LI first', () => {
    const url = new URL(buildLoginUrl(base));
    expect(url.origin + url.pathname).toBe('https://acme.webex.com/acme/p.php');
    expect([...url.searchParams.keys()]).toEqual(['AT', 'WID', 'TK', 'MU', 'BU']);
    expect(url.searchParams.get('AT')).toBe('LI');
  });

  it('round-trips every value exactly, including a ticket with +, / and =', () => {
    const url = new URL(buildLoginUrl(base));
    expect(url.searchParams.get('WID')).toBe(base.webExID);
    expect(url.searchParams.get('TK')).toBe(base.ticket);
    expect(url.searchParams.get('MU')).toBe(base.landingUrl);
    expect(url.searchParams.get('BU')).toBe(base.backUrl);
  });

  it('encodes MU and BU exactly once', () => {
    const href = buildLoginUrl(base);
    expect(href).toContain('TK=ab%2Bc%2Fd%3De%3D%3D');
    expect(href).toContain('MU=https%3A%2F%2Facme.webex.com%2Facme%2Fm.php%3FAT%3DHM%26MK%3D123');
    expect(href).not.toContain('%25');
  });

  it('keeps a hostile WebEx ID inside its parameter', () => {
    const url = new URL(buildLoginUrl({ ...base, webExID: 'x&AT=LO&MU=https://evil.example' }));
    expect(url.searchParams.getAll('AT')).toEqual(['LI']);
    expect(url.searchParams.getAll('MU')).toEqual([base.landingUrl]);
  });

  it('refuses an MU outside the WebEx site', () => {
    expect(() => buildLoginUrl({ ...base, landingUrl: 'https://evil.example/acme' })).toThrow(/MU must be a page of the WebEx site/);
  });

  it('works under a simulator base URL with a port', () => {
    expect(buildLoginUrl({ ...base, baseUrl: 'http://127.0.0.1:4020/', landingUrl: 'http://127.0.0.1:4020/x' })).toMatch(
      /^http:\/\/127\.0\.0\.1:4020\/acme\/p\.php\?AT=LI&/,
    );
  });
});

describe('buildLogoutUrl', () => {
  it('targets p.php with AT=LO and an encoded BU', () => {
    const href = buildLogoutUrl({ baseUrl: 'https://acme.webex.com/', siteName: 'acme', backUrl: 'https://portal.example.com/webex/return?x=1&y=2' });
    const url = new URL(href);
    expect(url.origin + url.pathname).toBe('https://acme.webex.com/acme/p.php');
    expect([...url.searchParams]).toEqual([
      ['AT', 'LO'],
      ['BU', 'https://portal.example.com/webex/return?x=1&y=2'],
    ]);
  });
});

describe('isWebexSiteUrl', () => {
  it.each([
    ['https://acme.webex.com/x', true],
    ['https://acme.webex.com.evil.example/x', false],
    ['http://acme.webex.com/x', false],
    ['javascript:alert(1)', false],
    ['/relative', false],
  ])('%s → %s', (candidate, expected) => {
    expect(isWebexSiteUrl(candidate, 'https://acme.webex.com')).toBe(expected);
  });
});

describe('codeForLoginFailure', () => {
  it.each([
    ['InvalidTicket', 'LOGIN_INVALID_TICKET'],
    ['InvalidSessionTicket', 'LOGIN_INVALID_TICKET'],
    ['AutoLoginDisabled', 'LOGIN_AUTO_LOGIN_DISABLED'],
    ['AlreadyLogon', 'LOGIN_ALREADY_LOGGED_ON'],
    ['AccessDenied', 'LOGIN_ACCESS_DENIED'],
    ['BadWebIDorPassword', 'LOGIN_BAD_WEBEX_ID_OR_PASSWORD'],
    ['BadWebExIDorPassword', 'LOGIN_BAD_WEBEX_ID_OR_PASSWORD'],
    ['AccountLocked', 'LOGIN_ACCOUNT_LOCKED'],
    ['SomethingNew', 'LOGIN_UNKNOWN'],
    [undefined, 'LOGIN_UNKNOWN'],
  ])('%s → %s', (rs, code) => {
    expect(codeForLoginFailure(rs)).toBe(code);
  });
});
