import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { WebexError } from './errors';
import {
  buildAuthenticateUserRequest,
  buildGetLoginTicketRequest,
  buildGetSiteRequest,
  buildGetUserRequest,
  parseAuthenticateUserResponse,
  parseGetLoginTicketResponse,
  parseGetSiteResponse,
  parseGetUserResponse,
} from './xml-api';

const readBack = (xml: string) => new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false }).parse(xml);

function success(ticket: string, { prefix = 'serv', gsb = 'PRIMARY', eol = '\n' } = {}): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${prefix}:message xmlns:${prefix}="http://www.webex.com/schemas/2002/06/service" xmlns:com="http://www.webex.com/schemas/2002/06/common" xmlns:use="http://www.webex.com/schemas/2002/06/service/user">`,
    `<${prefix}:header><${prefix}:response><${prefix}:result>SUCCESS</${prefix}:result><${prefix}:gsbStatus>${gsb}</${prefix}:gsbStatus></${prefix}:response></${prefix}:header>`,
    `<${prefix}:body><${prefix}:bodyContent xsi:type="use:getLoginTicketResponse" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    `<use:ticket>${ticket}</use:ticket><use:apiVersion>WebEx XML API V8.0.0</use:apiVersion>`,
    `</${prefix}:bodyContent></${prefix}:body></${prefix}:message>`,
  ].join(eol);
}

function failure(exceptionID: string, reason: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<serv:message xmlns:serv="http://www.webex.com/schemas/2002/06/service">
  <serv:header><serv:response><serv:result>FAILURE</serv:result><serv:reason>${reason}</serv:reason>
  <serv:gsbStatus>PRIMARY</serv:gsbStatus><serv:exceptionID>${exceptionID}</serv:exceptionID></serv:response></serv:header>
  <serv:body><serv:bodyContent/></serv:body>
</serv:message>`;
}

function caught(fn: () => unknown): WebexError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebexError) return err;
    throw err;
  }
  throw new Error('expected a WebexError');
}

describe('buildGetLoginTicketRequest', () => {
  it('builds the envelope of Cisco’s sample (docs/webex.md §2.3): serv:message, unprefixed header and body, GetLoginTicket type', () => {
    const xml = buildGetLoginTicketRequest({ siteName: 'acme', webExID: 'hostname@acme.com', password: 'P@ssword123' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:serv="http://www.webex.com/schemas/2002/06/service"')).toBe(true);
    expect(xml).toContain(
      '<header><securityContext><siteName>acme</siteName><webExID>hostname@acme.com</webExID><password>P@ssword123</password></securityContext></header>',
    );
    expect(xml).toContain('<body><bodyContent xsi:type="java:com.webex.service.binding.user.GetLoginTicket"></bodyContent></body>');
  });

  it.each([
    ['a</webExID><password>x', 'webExID'],
    ['x]]><injected/>', 'webExID'],
    ['"quoted" & \'apos\' <tag>', 'webExID'],
  ])('keeps the hostile value %j a value', (hostile) => {
    const xml = buildGetLoginTicketRequest({ siteName: 'acme', webExID: hostile, password: 'pw</password><x>' });
    const ctx = readBack(xml).message.header.securityContext;
    expect(ctx.webExID).toBe(hostile);
    expect(ctx.password).toBe('pw</password><x>');
    expect(Object.keys(ctx)).toEqual(['siteName', 'webExID', 'password']);
  });

  it('carries a sessionTicket or an access token instead of a password', () => {
    const viaTicket = readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID: 'h', sessionTicket: 'st&1' })).message.header.securityContext;
    expect(viaTicket).toEqual({ siteName: 'acme', webExID: 'h', sessionTicket: 'st&1' });
    const viaToken = readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID: 'h', webExAccessToken: 'tok' })).message.header.securityContext;
    expect(viaToken).toEqual({ siteName: 'acme', webExID: 'h', webExAccessToken: 'tok' });
  });

  it('refuses control characters XML cannot carry, naming the field', () => {
    expect(() => buildGetLoginTicketRequest({ siteName: 'acme', webExID: 'a\u0000b', password: 'p' })).toThrow(/securityContext\.webExID/);
  });

  it('builds GetSite with the site service type', () => {
    expect(buildGetSiteRequest({ siteName: 'acme', webExID: 'h', password: 'p' })).toContain('xsi:type="java:com.webex.service.binding.site.GetSite"');
  });
});

describe('parseGetLoginTicketResponse', () => {
  it("reads Cisco's sample (BACKUP gsbStatus)", () => {
    expect(parseGetLoginTicketResponse(success('5e9733eb9efeb02d80aa0551ef7e9ccd', { gsb: 'BACKUP' }))).toEqual({
      ticket: '5e9733eb9efeb02d80aa0551ef7e9ccd',
      apiVersion: 'WebEx XML API V8.0.0',
      gsbStatus: 'BACKUP',
    });
  });

  it('reads by local name whatever the prefix, with CRLF, a BOM and whitespace around values', () => {
    const xml = `\uFEFF${success('  abc+/=  ', { prefix: 'ns9', eol: '\r\n' })}`;
    expect(parseGetLoginTicketResponse(xml).ticket).toBe('abc+/=');
  });

  it('keeps a ticket that looks like a number a string', () => {
    expect(parseGetLoginTicketResponse(success('000123')).ticket).toBe('000123');
  });

  it.each([
    ['030002', 'Incorrect user or password', 'WEBEX_BAD_CREDENTIALS'],
    ['030001', 'No user found', 'WEBEX_USER_NOT_FOUND'],
    ['000001', 'Access denied, additional privileges are required', 'WEBEX_ACCESS_DENIED'],
    ['030047', 'Not a valid session ticket', 'WEBEX_CREDENTIAL_EXPIRED'],
    ['000035', 'ASService not responding', 'WEBEX_SERVICE_DOWN'],
    ['123456', 'Something new', 'WEBEX_REFUSED'],
  ])('FAILURE %s → %s with exceptionID and reason kept', (id, reason, code) => {
    const err = caught(() => parseGetLoginTicketResponse(failure(id, reason)));
    expect(err.code).toBe(code);
    expect(err.exceptionID).toBe(id);
    expect(err.reason).toBe(reason);
  });

  it('does not branch on reason text', () => {
    expect(caught(() => parseGetLoginTicketResponse(failure('030002', 'No user found'))).code).toBe('WEBEX_BAD_CREDENTIALS');
  });

  it('FAILURE that also carries a ticket is refused: the result decides, not the presence of a ticket', () => {
    const withTicket = failure('030002', 'Incorrect user or password').replace(
      '<serv:bodyContent/>',
      '<serv:bodyContent><use:ticket xmlns:use="u">LEAKED-T</use:ticket></serv:bodyContent>',
    );
    expect(withTicket).toContain('LEAKED-T');
    const err = caught(() => parseGetLoginTicketResponse(withTicket));
    expect(err.code).toBe('WEBEX_BAD_CREDENTIALS');
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('LEAKED-T');
  });

  it('a ticket without any result is refused too', () => {
    const noResult = success('LEAKED-T').replace('<serv:result>SUCCESS</serv:result>', '');
    expect(caught(() => parseGetLoginTicketResponse(noResult)).code).toBe('WEBEX_MALFORMED_RESPONSE');
  });

  it('SUCCESS with an empty ticket → WEBEX_EMPTY_TICKET', () => {
    expect(caught(() => parseGetLoginTicketResponse(success(''))).code).toBe('WEBEX_EMPTY_TICKET');
  });

  it.each([
    ['<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>'],
    ['<html><head><title>Sign in</title></head></html>'],
    ['Internal error'],
    [''],
  ])('%j → WEBEX_NOT_XML', (body) => {
    expect(caught(() => parseGetLoginTicketResponse(body)).code).toBe('WEBEX_NOT_XML');
  });

  it('truncated XML → WEBEX_MALFORMED_RESPONSE', () => {
    const whole = success('abc');
    expect(caught(() => parseGetLoginTicketResponse(whole.slice(0, whole.length - 40))).code).toBe('WEBEX_MALFORMED_RESPONSE');
  });

  it('well-formed XML that is not an XML API answer → WEBEX_MALFORMED_RESPONSE', () => {
    expect(caught(() => parseGetLoginTicketResponse('<?xml version="1.0"?><feed><entry/></feed>')).code).toBe('WEBEX_MALFORMED_RESPONSE');
  });
});

describe('parseGetSiteResponse', () => {
  it('reads autoLogin, SSO and the site name', () => {
    const xml = `<serv:message xmlns:serv="s" xmlns:ns1="n"><serv:header><serv:response><serv:result>SUCCESS</serv:result><serv:gsbStatus>PRIMARY</serv:gsbStatus></serv:response></serv:header>
<serv:body><serv:bodyContent><ns1:siteInstance><ns1:metaData><ns1:siteName>acme</ns1:siteName></ns1:metaData>
<ns1:supportAPI><ns1:autoLogin>false</ns1:autoLogin><ns1:xmlAPI>true</ns1:xmlAPI></ns1:supportAPI><ns1:samlSSO><ns1:enableSSO>true</ns1:enableSSO></ns1:samlSSO></ns1:siteInstance></serv:bodyContent></serv:body></serv:message>`;
    expect(parseGetSiteResponse(xml)).toMatchObject({ siteName: 'acme', autoLogin: false, ssoEnabled: true, gsbStatus: 'PRIMARY' });
  });
});

function answer(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:serv="http://www.webex.com/schemas/2002/06/service" xmlns:use="http://www.webex.com/schemas/2002/06/service/user">
<serv:header><serv:response><serv:result>SUCCESS</serv:result><serv:gsbStatus>PRIMARY</serv:gsbStatus></serv:response></serv:header>
<serv:body><serv:bodyContent xsi:type="use:authenticateUserResponse" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${body}</serv:bodyContent></serv:body></serv:message>`;
}

describe('buildAuthenticateUserRequest', () => {
  it('puts no credential in the securityContext and the SAML Response in the body (docs/webex.md §3.2, docs/webex.md §6.1)', () => {
    const xml = buildAuthenticateUserRequest({ siteName: 'acme', webExID: 'h' }, { protocol: 'SAML2.0', samlResponse: 'PHNhbWw+' });
    const message = readBack(xml).message;
    expect(message.header.securityContext).toEqual({ siteName: 'acme', webExID: 'h' });
    expect(message.body.bodyContent).toEqual({
      '@_type': 'java:com.webex.service.binding.user.AuthenticateUser',
      protocol: 'SAML2.0',
      samlResponse: 'PHNhbWw+',
    });
  });

  it('carries an access token in the body, or nothing when the password is in the header', () => {
    const viaToken = readBack(buildAuthenticateUserRequest({ siteName: 'acme', webExID: 'h' }, { accessToken: 'a<b' })).message;
    expect(viaToken.body.bodyContent.accessToken).toBe('a<b');
    const viaPassword = readBack(buildAuthenticateUserRequest({ siteName: 'acme', webExID: 'h', password: 'pw' }, {})).message;
    expect(viaPassword.header.securityContext.password).toBe('pw');
    expect(Object.keys(viaPassword.body.bodyContent)).toEqual(['@_type']);
  });

  it('refuses control characters in the body, naming the field', () => {
    expect(() => buildAuthenticateUserRequest({ siteName: 'acme', webExID: 'h' }, { accessToken: 'a\u0001' })).toThrow(/bodyContent\.accessToken/);
  });
});

describe('buildGetUserRequest', () => {
  it("asks for the given webExId in the body, as Cisco's OAuth sample does", () => {
    const message = readBack(buildGetUserRequest({ siteName: 'acme', webExID: 'h', webExAccessToken: 't' }, 'h')).message;
    expect(message.body.bodyContent).toEqual({ '@_type': 'java:com.webex.service.binding.user.GetUser', webExId: 'h' });
  });
});

describe('parseAuthenticateUserResponse', () => {
  it('reads sessionTicket, createTime (epoch ms) and timeToLive (seconds)', () => {
    const xml = answer('<use:sessionTicket>AAABBB+/=</use:sessionTicket><use:createTime>1700000000000</use:createTime><use:timeToLive>5400</use:timeToLive>');
    expect(parseAuthenticateUserResponse(xml)).toEqual({ sessionTicket: 'AAABBB+/=', createTime: 1700000000000, timeToLive: 5400 });
  });

  it('a missing or nonsensical lifetime is unknown, not zero or NaN', () => {
    for (const ttl of ['', '<use:timeToLive>-5</use:timeToLive>', '<use:timeToLive>soon</use:timeToLive>', '<use:timeToLive>0</use:timeToLive>']) {
      expect(parseAuthenticateUserResponse(answer(`<use:sessionTicket>s</use:sessionTicket>${ttl}`)).timeToLive).toBeUndefined();
    }
  });

  it('SUCCESS without a session ticket → WEBEX_EMPTY_TICKET', () => {
    expect(caught(() => parseAuthenticateUserResponse(answer('<use:timeToLive>5400</use:timeToLive>'))).code).toBe('WEBEX_EMPTY_TICKET');
  });

  it('030048 (the AS cannot make a session ticket) keeps its exceptionID', () => {
    const err = caught(() => parseAuthenticateUserResponse(failure('030048', "Authentication Server can't generate a valid session ticket")));
    expect(err).toMatchObject({ code: 'WEBEX_CREDENTIAL_EXPIRED', exceptionID: '030048' });
  });
});

describe('parseGetUserResponse', () => {
  it('reads the profile facts', () => {
    const xml = answer(
      '<use:firstName>Alice</use:firstName><use:lastName>Anders</use:lastName><use:webExId>alice</use:webExId><use:email>alice@example.com</use:email><use:active>ACTIVATED</use:active>',
    );
    expect(parseGetUserResponse(xml)).toEqual({ webExId: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'Anders', active: 'ACTIVATED' });
  });
});

describe('the invalid access token answer', () => {
  it('is known by its reason text only, because its exceptionID is undocumented', () => {
    expect(caught(() => parseGetLoginTicketResponse(failure('999993', 'WebEx access token is invalid'))).code).toBe('WEBEX_CREDENTIAL_EXPIRED');
    expect(caught(() => parseGetLoginTicketResponse(failure('999993', 'Something else'))).code).toBe('WEBEX_REFUSED');
  });
});
