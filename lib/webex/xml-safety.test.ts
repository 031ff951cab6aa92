/**
 * Hostile or broken WebEx answers: refused whole before a field is read, and properties that no
 * value on the way out or answer on the way in can bend the envelope or the login URL.
 */
import { XMLParser } from 'fast-xml-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebexError } from './errors';
import { thrownCode } from '../testing/webex-errors';
import { buildLoginUrl } from './url-api';
import { buildAuthenticateUserRequest, buildGetLoginTicketRequest, parseGetLoginTicketResponse, parseGetSiteResponse } from './xml-api';
import { findUnsafeXml } from './xml-safety';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const body = (ticket: string) =>
  `<serv:message xmlns:serv="http://www.webex.com/schemas/2002/06/service" xmlns:use="http://www.webex.com/schemas/2002/06/service/user"><serv:header><serv:response><serv:result>SUCCESS</serv:result><serv:gsbStatus>PRIMARY</serv:gsbStatus></serv:response></serv:header><serv:body><serv:bodyContent><use:ticket>${ticket}</use:ticket><use:apiVersion>V</use:apiVersion></serv:bodyContent></serv:body></serv:message>`;

describe('answers WebEx never sends are refused whole (WEBEX_UNSAFE_RESPONSE)', () => {
  it.each([
    ['a DOCTYPE with an internal entity that would become the ticket', `${HEAD}<!DOCTYPE m [<!ENTITY t "attacker-ticket">]>${body('&t;')}`],
    ['an external DOCTYPE', `${HEAD}<!DOCTYPE m SYSTEM "http://evil.example/x.dtd">${body('T')}`],
    ['an undeclared entity reference', `${HEAD}${body('&t;')}`],
    ['an HTML entity', `${HEAD}${body('a&nbsp;b')}`],
    ['an entity in an attribute', `${HEAD}${body('T').replace('<use:ticket>', '<use:ticket x="&t;">')}`],
    ['a processing instruction', `${HEAD}<?xml-stylesheet href="x"?>${body('T')}`],
    ['a processing instruction inside the document', `${HEAD}${body('T<?php x ?>')}`],
    ['an XML declaration that is not first', ` ${HEAD}${body('T')}`],
    ['a second root', `${HEAD}${body('T')}${body('U')}`],
    ['a second root after a comment', `${HEAD}${body('T')}<!-- x --><other/>`],
  ])('%s', (_name, xml) => {
    expect(thrownCode(() => parseGetLoginTicketResponse(xml))).toBe('WEBEX_UNSAFE_RESPONSE');
  });

  it.each([
    ['the five predefined entities and numeric references', 'a&amp;b&lt;c&gt;d&quot;e&apos;f&#43;g&#x2F;h', 'a&b<c>d"e\'f+g/h'],
    ['a comment and a CDATA section', '<![CDATA[x<y]]>', 'x<y'],
  ])('still reads %s', (_name, ticket, expected) => {
    expect(parseGetLoginTicketResponse(`${HEAD}<!-- WebEx -->${body(ticket)}`).ticket).toBe(expected);
  });

  it("reads Cisco's GetSite shape untouched", () => {
    const site = `${HEAD}<serv:message xmlns:serv="s" xmlns:ns1="n"><serv:header><serv:response><serv:result>SUCCESS</serv:result></serv:response></serv:header><serv:body><serv:bodyContent xsi:type="ns1:getSiteResponse" xmlns:xsi="x"><ns1:siteInstance><ns1:supportAPI><ns1:autoLogin>true</ns1:autoLogin></ns1:supportAPI></ns1:siteInstance></serv:bodyContent></serv:body></serv:message>`;
    expect(parseGetSiteResponse(site).autoLogin).toBe(true);
  });

  it('is refused before any field is read: a FAILURE with a DOCTYPE is not a FAILURE', () => {
    const failure = `${HEAD}<!DOCTYPE m [<!ENTITY e "030002">]><serv:message xmlns:serv="s"><serv:header><serv:response><serv:result>FAILURE</serv:result><serv:exceptionID>&e;</serv:exceptionID></serv:response></serv:header><serv:body><serv:bodyContent/></serv:body></serv:message>`;
    expect(thrownCode(() => parseGetLoginTicketResponse(failure))).toBe('WEBEX_UNSAFE_RESPONSE');
  });

  it('names what it found', () => {
    expect(findUnsafeXml(`${HEAD}<!DOCTYPE a><a/>`)).toBe('a DOCTYPE or other declaration');
    expect(findUnsafeXml('<a/><b/>')).toBe('more than one root element');
    expect(findUnsafeXml(body('x'))).toBeUndefined();
  });
});

const readBack = (xml: string) =>
  new XMLParser({ removeNSPrefix: false, ignoreAttributes: false, parseTagValue: false, trimValues: false, htmlEntities: true }).parse(xml);
/** The element structure of a document: names and nesting, no values. */
function shape(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return 'text';
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k]) => !k.startsWith('@_') && k !== '#text')
      .map(([k, v]) => [k, shape(v)]),
  );
}
// Strings XML 1.0 can carry (the builder refuses the rest, with a message, tested elsewhere).
// eslint-disable-next-line no-control-regex -- the excluded characters are the point
const xmlString = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/.test(s));
const hostile = fc.oneof(xmlString, fc.constantFrom('</webExID><password>x', ']]><x/>', '&amp;&#0;', '<!DOCTYPE x>', '"\'<>&', '<?xml?>', '<!--', '&t;'));

describe('properties', () => {
  it("no securityContext or body value changes the envelope's structure", () => {
    const expectedTicket = shape(readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID: 'a', password: 'p' })));
    const expectedAuth = shape(readBack(buildAuthenticateUserRequest({ siteName: 'acme', webExID: 'a' }, { protocol: 'SAML2.0', samlResponse: 'x' })));
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (webExID, password, token, assertion) => {
        const viaPassword = readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID, password }));
        expect(shape(viaPassword)).toEqual(expectedTicket);
        expect(viaPassword['serv:message'].header.securityContext.webExID).toBe(webExID);
        expect(viaPassword['serv:message'].header.securityContext.password).toBe(password);
        expect(shape(readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID, webExAccessToken: token })))).toEqual(
          shape(readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID: 'a', webExAccessToken: 't' }))),
        );
        const viaTicket = readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID, sessionTicket: token }));
        expect(shape(viaTicket)).toEqual(shape(readBack(buildGetLoginTicketRequest({ siteName: 'acme', webExID: 'a', sessionTicket: 't' }))));
        expect(viaTicket['serv:message'].header.securityContext.sessionTicket).toBe(token);
        const viaOAuth = readBack(buildAuthenticateUserRequest({ siteName: 'acme', webExID }, { accessToken: token }));
        expect(shape(viaOAuth)).toEqual(shape(readBack(buildAuthenticateUserRequest({ siteName: 'acme', webExID: 'a' }, { accessToken: 't' }))));
        expect(viaOAuth['serv:message'].body.bodyContent.accessToken).toBe(token);
        const auth = readBack(buildAuthenticateUserRequest({ siteName: 'acme', webExID }, { protocol: 'SAML2.0', samlResponse: assertion }));
        expect(shape(auth)).toEqual(expectedAuth);
        expect(auth['serv:message'].body.bodyContent.samlResponse).toBe(assertion);
      }),
    );
  });

  it('parsing never throws anything but a WebexError', () => {
    const valid = `${HEAD}${body('T')}`;
    const mutated = fc
      .tuple(fc.nat(valid.length), fc.nat(40), fc.string({ maxLength: 20 }))
      .map(([at, cut, insert]) => valid.slice(0, at) + insert + valid.slice(Math.min(valid.length, at + cut)));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          mutated,
          hostile.map((h) => `${HEAD}${body(h)}`),
        ),
        (raw) => {
          try {
            parseGetLoginTicketResponse(raw);
            parseGetSiteResponse(raw);
          } catch (err) {
            expect(err).toBeInstanceOf(WebexError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("no answer yields a login URL other than the site's p.php with AT, WID, TK, MU, BU", () => {
    const site = {
      baseUrl: 'https://acme.webex.com',
      siteName: 'acme',
      landingUrl: 'https://acme.webex.com/webappng/sites/acme/dashboard',
      backUrl: 'https://portal.example.com/webex/return',
    };
    const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const tickets = fc.oneof(
      xmlString,
      hostile,
      fc.constantFrom('a&b', 'x?AT=LO&MU=https://evil.example', '../../evil', '#frag', 'https://evil.example/', ' ', '%2F'),
    );
    fc.assert(
      fc.property(tickets, fc.boolean(), (ticket, escaped) => {
        let parsed: string;
        try {
          parsed = parseGetLoginTicketResponse(`${HEAD}${body(escaped ? escape(ticket) : ticket)}`).ticket;
        } catch (err) {
          expect(err).toBeInstanceOf(WebexError);
          return;
        }
        const url = new URL(buildLoginUrl({ ...site, webExID: 'alice', ticket: parsed }));
        expect(url.origin + url.pathname).toBe('https://acme.webex.com/acme/p.php');
        expect(url.hash).toBe('');
        expect([...url.searchParams.keys()]).toEqual(['AT', 'WID', 'TK', 'MU', 'BU']);
        expect(url.searchParams.get('AT')).toBe('LI');
        expect(url.searchParams.get('TK')).toBe(parsed);
        expect(url.searchParams.get('MU')).toBe(site.landingUrl);
        expect(url.searchParams.get('BU')).toBe(site.backUrl);
      }),
      { numRuns: 500 },
    );
  });
});
