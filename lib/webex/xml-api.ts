import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { SecurityContext } from './security-context';
import { codeForExceptionId, WebexError } from './errors';
import { findUnsafeXml } from './xml-safety';

const SERVICE_NS = 'http://www.webex.com/schemas/2002/06/service';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const GET_LOGIN_TICKET_TYPE = 'java:com.webex.service.binding.user.GetLoginTicket';
const GET_SITE_TYPE = 'java:com.webex.service.binding.site.GetSite';
const AUTHENTICATE_USER_TYPE = 'java:com.webex.service.binding.user.AuthenticateUser';
const GET_USER_TYPE = 'java:com.webex.service.binding.user.GetUser';

// Characters XML 1.0 cannot carry at all, escaped or not.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

// processEntities escapes &, <, >, " and ' in every value and attribute.
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });

// Local names only: WebEx answers with serv:/use:/ns1: prefixes, proxies and tests with others.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
  // Decodes numeric character references (&#43;) as XML requires; the named HTML entities it
  // would also decode never get here: findUnsafeXml refuses every entity but the predefined five.
  htmlEntities: true,
});

/** Refuses values XML 1.0 cannot carry (control characters), naming the field: they would make the document invalid. */
export function assertXmlChars(scope: string, fields: Readonly<Record<string, string | undefined>>): void {
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value === 'string' && NOT_XML_CHAR.test(value)) {
      throw new TypeError(`webex-sso: Bad usage. ${scope}.${field} contains a control character that XML cannot carry`);
    }
  }
}

function buildRequest(context: SecurityContext, bodyType: string, body: Readonly<Record<string, string>> = {}): string {
  assertXmlChars('securityContext', { ...context });
  assertXmlChars('bodyContent', body);
  const xml = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'serv:message': {
      '@_xmlns:serv': SERVICE_NS,
      '@_xmlns:xsi': XSI_NS,
      header: { securityContext: context },
      body: { bodyContent: { '@_xsi:type': bodyType, ...body } },
    },
  }) as string;
  // A raw CR would reach WebEx as LF (XML end-of-line handling): only values can hold one, so it
  // is written as a character reference and a password keeps its exact characters.
  return xml.replace(/\r/g, '&#13;');
}

/** Builds the GetLoginTicket request envelope; every value is escaped, none can become markup. */
export function buildGetLoginTicketRequest(context: SecurityContext): string {
  return buildRequest(context, GET_LOGIN_TICKET_TYPE);
}

/** Builds the GetSite request envelope (empty body). */
export function buildGetSiteRequest(context: SecurityContext): string {
  return buildRequest(context, GET_SITE_TYPE);
}

/**
 * What AuthenticateUser proves the host with (docs/webex.md §3.2, docs/webex.md §6.1): nothing in the body when the
 * password rides in the securityContext, a Webex access token, or a Base64 SAML Response.
 */
export type AuthenticateUserBody = Record<string, never> | { accessToken: string } | { protocol: 'SAML2.0'; samlResponse: string };

/** Builds AuthenticateUser: securityContext siteName + webExID (+ password when converting one), the proof in the body. */
export function buildAuthenticateUserRequest(context: SecurityContext, body: AuthenticateUserBody): string {
  return buildRequest(context, AUTHENTICATE_USER_TYPE, body);
}

/** Builds GetUser for one WebEx ID (Cisco's OAuth sample asks for the caller's own). */
export function buildGetUserRequest(context: SecurityContext, webExId: string): string {
  return buildRequest(context, GET_USER_TYPE, { webExId });
}

type XmlNode = Record<string, unknown>;

function child(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null ? (node as XmlNode)[name] : undefined;
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && node !== null) {
    const t = (node as XmlNode)['#text'];
    return typeof t === 'string' ? t : '';
  }
  return undefined;
}

/** What every XML API answer carries in serv:header/serv:response. */
export interface ServiceResult {
  result: 'SUCCESS' | 'FAILURE';
  gsbStatus: string | undefined;
  bodyContent: unknown;
}

const HTML_START = /^\s*(<!doctype\s+html|<html[\s>])/i;

/**
 * Reads an XML API answer down to its header result. FAILURE (which WebEx sends with
 * HTTP 200) becomes a WebexError carrying exceptionID and reason.
 */
export function parseServiceResponse(raw: string): ServiceResult {
  const xml = raw.replace(/^\uFEFF/, '');
  if (HTML_START.test(xml) || !xml.trimStart().startsWith('<')) {
    throw new WebexError('WEBEX_NOT_XML', 'WebEx answered with something that is not XML (an HTML page or plain text)');
  }
  const unsafe = findUnsafeXml(xml);
  if (unsafe) throw new WebexError('WEBEX_UNSAFE_RESPONSE', `WebEx's answer was refused unread: it carries ${unsafe}, which WebEx never sends`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new WebexError('WEBEX_MALFORMED_RESPONSE', `WebEx answered with malformed XML (${valid.err.code} at line ${valid.err.line})`);
  }
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (err) {
    // the validator and the parser disagree on a few broken forms (an odd XML declaration)
    throw new WebexError('WEBEX_MALFORMED_RESPONSE', 'WebEx answered with XML that could not be read', { cause: err });
  }
  const message = child(document, 'message');
  const response = child(child(message, 'header'), 'response');
  const result = text(child(response, 'result'))?.toUpperCase();
  const gsbStatus = text(child(response, 'gsbStatus'));

  if (result === 'FAILURE') {
    const exceptionID = text(child(response, 'exceptionID'));
    const reason = text(child(response, 'reason'));
    throw new WebexError(codeForExceptionId(exceptionID, reason), `WebEx refused the request: ${exceptionID ?? 'no exceptionID'} ${reason ?? ''}`.trim(), {
      exceptionID,
      reason,
    });
  }
  if (result !== 'SUCCESS') {
    throw new WebexError('WEBEX_MALFORMED_RESPONSE', 'WebEx answered XML without a SUCCESS or FAILURE result');
  }
  return { result, gsbStatus, bodyContent: child(child(message, 'body'), 'bodyContent') };
}

/** A login ticket for the URL API's TK parameter. */
export interface LoginTicket {
  ticket: string;
  apiVersion: string | undefined;
  /** PRIMARY, or BACKUP while WebEx runs on backup servers (informational, not an error) */
  gsbStatus: string | undefined;
}

/** Parses a GetLoginTicket answer. */
export function parseGetLoginTicketResponse(raw: string): LoginTicket {
  const { gsbStatus, bodyContent } = parseServiceResponse(raw);
  const ticket = text(child(bodyContent, 'ticket'));
  if (!ticket) throw new WebexError('WEBEX_EMPTY_TICKET', 'WebEx reported SUCCESS but sent no ticket');
  return { ticket, apiVersion: text(child(bodyContent, 'apiVersion')), gsbStatus };
}

/** What an admin needs to know about the site before ticket login can work. */
export interface SiteInfo {
  siteName: string | undefined;
  /** URL API login (AT=LI) is enabled: without it every login fails with AutoLoginDisabled */
  autoLogin: boolean | undefined;
  /** SAML SSO site: password credentials do not work there */
  ssoEnabled: boolean | undefined;
  apiVersion: string | undefined;
  gsbStatus: string | undefined;
}

function flag(node: unknown): boolean | undefined {
  const value = text(node)?.toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** Parses a GetSite answer into the few facts the connection check reports. */
export function parseGetSiteResponse(raw: string): SiteInfo {
  const { gsbStatus, bodyContent } = parseServiceResponse(raw);
  const site = child(bodyContent, 'siteInstance');
  return {
    siteName: text(child(child(site, 'metaData'), 'siteName')),
    autoLogin: flag(child(child(site, 'supportAPI'), 'autoLogin')),
    ssoEnabled: flag(child(child(site, 'samlSSO'), 'enableSSO')),
    apiVersion: text(child(bodyContent, 'apiVersion')) ?? text(child(child(site, 'metaData'), 'apiVersion')),
    gsbStatus,
  };
}

/** A session ticket from AuthenticateUser: it replaces the host's credential until it runs out. */
export interface SessionTicket {
  sessionTicket: string;
  /** when WebEx made it, epoch ms on WebEx's clock */
  createTime: number | undefined;
  /** seconds from createTime; undefined when WebEx did not say (then it is used once, never cached) */
  timeToLive: number | undefined;
}

function positiveInteger(node: unknown): number | undefined {
  const value = text(node);
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/** Parses an AuthenticateUser answer. */
export function parseAuthenticateUserResponse(raw: string): SessionTicket {
  const { bodyContent } = parseServiceResponse(raw);
  const sessionTicket = text(child(bodyContent, 'sessionTicket'));
  if (!sessionTicket) throw new WebexError('WEBEX_EMPTY_TICKET', 'WebEx reported SUCCESS but sent no session ticket');
  return { sessionTicket, createTime: positiveInteger(child(bodyContent, 'createTime')), timeToLive: positiveInteger(child(bodyContent, 'timeToLive')) };
}

/** The few facts of a GetUser answer the admin's mapping test shows. */
export interface WebexUser {
  webExId: string | undefined;
  email: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  /** ACTIVATED / DEACTIVATED as WebEx spells it, when present */
  active: string | undefined;
}

/** Parses a GetUser answer. */
export function parseGetUserResponse(raw: string): WebexUser {
  const { bodyContent } = parseServiceResponse(raw);
  const field = (name: string) => text(child(bodyContent, name)) || undefined;
  return { webExId: field('webExId'), email: field('email'), firstName: field('firstName'), lastName: field('lastName'), active: field('active') };
}
