import { DOMParser, type Element } from '@xmldom/xmldom';
import type { XmlCall } from './types';

const SERVICE_NS = 'http://www.webex.com/schemas/2002/06/service';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export const REQUEST_TYPES: ReadonlyMap<string, XmlCall> = new Map([
  ['java:com.webex.service.binding.user.GetLoginTicket', 'GetLoginTicket'],
  ['java:com.webex.service.binding.site.GetSite', 'GetSite'],
  ['java:com.webex.service.binding.user.AuthenticateUser', 'AuthenticateUser'],
  ['java:com.webex.service.binding.user.GetUser', 'GetUser'],
]);

export interface SecurityContext {
  siteName?: string;
  webExID?: string;
  email?: string;
  password?: string;
  sessionTicket?: string;
  webExAccessToken?: string;
}

/** The bodyContent fields of the calls the simulator knows (docs/webex.md §6). */
export interface RequestBody {
  /** AuthenticateUser: a Webex access token */
  accessToken?: string;
  /** AuthenticateUser: SAML2.0 */
  protocol?: string;
  /** AuthenticateUser: the Base64 SAML Response */
  samlResponse?: string;
  /** GetUser: whose profile */
  webExId?: string;
}

export type ParsedXmlRequest =
  | { ok: true; type: XmlCall; context: SecurityContext; body: RequestBody }
  /** `context` holds whatever could be read, so faults can still be matched by webExID */
  | { ok: false; problem: 'invalid-document' | 'unsupported-type'; detail: string; context: SecurityContext };

const CONTEXT_FIELDS = ['siteName', 'webExID', 'email', 'sessionTicket', 'webExAccessToken'] as const;
const BODY_FIELDS = ['accessToken', 'protocol', 'samlResponse', 'webExId'] as const;

/**
 * Reads a request the way a strict XML API would: the root must be `message` in the service
 * namespace (any prefix); header, securityContext, body and bodyContent unprefixed as in Cisco's
 * samples, or in the service namespace; bodyContent's type is `xsi:type` in the XML Schema
 * instance namespace, not a plain `type`. No DTD, one root. Values stay strings; identifiers are
 * trimmed, passwords are not.
 */
export function parseXmlRequest(xml: string): ParsedXmlRequest {
  const context: SecurityContext = {};
  const invalid = (detail: string): ParsedXmlRequest => ({ ok: false, problem: 'invalid-document', detail, context });

  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return invalid('DTDs are not accepted');
  let root: Element | null;
  try {
    root = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch {
    return invalid('not well-formed XML');
  }
  if (!root || root.localName !== 'message') return invalid('root element must be message');
  if (root.namespaceURI !== SERVICE_NS) return invalid(`message must be in the namespace ${SERVICE_NS}`);

  const securityContext = envelopeChild(envelopeChild(root, 'header'), 'securityContext');
  if (!securityContext) return invalid('header/securityContext is missing');
  for (const name of CONTEXT_FIELDS) {
    const value = singleText(securityContext, name);
    if (value === null) return invalid(`securityContext/${name} must appear once as text`);
    if (value.trim() !== '') context[name] = value.trim();
  }
  const password = singleText(securityContext, 'password');
  if (password === null) return invalid('securityContext/password must appear once as text');
  if (password !== '') context.password = password;

  const body = envelopeChild(root, 'body');
  const contents = body ? childElements(body).filter((e) => e.localName === 'bodyContent') : [];
  if (contents.length !== 1) return invalid('body/bodyContent must appear once');
  const bodyContent = contents[0] as Element;
  if (!isEnvelopeNamespace(bodyContent)) return invalid('bodyContent is in a foreign namespace');
  const xsiType = bodyContent.getAttributeNS(XSI_NS, 'type');
  const type = xsiType ? REQUEST_TYPES.get(xsiType.trim()) : undefined;
  if (!type) {
    return { ok: false, problem: 'unsupported-type', detail: xsiType ? `unsupported xsi:type ${xsiType}` : 'bodyContent has no xsi:type', context };
  }
  const fields: RequestBody = {};
  for (const name of BODY_FIELDS) {
    const value = singleText(bodyContent, name);
    if (value === null) return invalid(`bodyContent/${name} must appear once as text`);
    if (value.trim() !== '') fields[name] = value.trim();
  }
  return { ok: true, type, context, body: fields };
}

/** Cisco's samples leave the envelope's inner elements unprefixed (no namespace); some clients use serv:. */
function isEnvelopeNamespace(element: Element): boolean {
  return element.namespaceURI === null || element.namespaceURI === SERVICE_NS;
}

function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) out.push(node as Element);
  return out;
}

function envelopeChild(parent: Element | undefined, localName: string): Element | undefined {
  if (!parent) return undefined;
  const matches = childElements(parent).filter((e) => e.localName === localName && isEnvelopeNamespace(e));
  return matches.length === 1 ? matches[0] : undefined;
}

/** An element's text: '' when absent or empty, null when repeated or when it has child elements. */
function singleText(parent: Element, localName: string): string | null {
  const matches = childElements(parent).filter((e) => e.localName === localName);
  if (matches.length === 0) return '';
  const element = matches[0] as Element;
  if (matches.length > 1 || childElements(element).length > 0) return null;
  return element.textContent ?? '';
}
