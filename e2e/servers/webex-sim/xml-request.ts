import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const REQUEST_TYPES = {
  'java:com.webex.service.binding.user.GetLoginTicket': 'GetLoginTicket',
  'java:com.webex.service.binding.site.GetSite': 'GetSite',
} as const;

export type XmlRequestType = (typeof REQUEST_TYPES)[keyof typeof REQUEST_TYPES];

export interface SecurityContext {
  siteName?: string;
  webExID?: string;
  email?: string;
  password?: string;
  sessionTicket?: string;
  webExAccessToken?: string;
}

export type ParsedXmlRequest =
  | { ok: true; type: XmlRequestType; context: SecurityContext }
  /** `context` holds whatever could be read, so faults can still be matched by webExID */
  | { ok: false; problem: 'invalid-document' | 'unsupported-type'; detail: string; context: SecurityContext };

// Elements are read by local name whatever their prefix (Cisco's samples leave header/body
// unprefixed, some clients prefix them). Tag values stay strings so IDs like 030002 and
// passwords survive, and values are not trimmed so a password keeps its spaces; identifiers
// are trimmed one by one below. removeNSPrefix also drops xmlns:* attributes and turns
// xsi:type into `type`.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: false,
});

type Node = Record<string, unknown>;

export function parseXmlRequest(xml: string): ParsedXmlRequest {
  const context: SecurityContext = {};
  const invalid = (detail: string): ParsedXmlRequest => ({ ok: false, problem: 'invalid-document', detail, context });

  // XMLParser is lenient (it accepts `<a><b></a>`), so well-formedness is checked first.
  if (XMLValidator.validate(xml) !== true) return invalid('not well-formed XML');
  const document = asNode(parser.parse(xml));
  const rootNames = document ? elementNames(document) : [];
  if (rootNames.length !== 1 || rootNames[0] !== 'message') return invalid('root element must be message');

  const message = asNode(document?.['message']);
  const securityContext = asNode(asNode(message?.['header'])?.['securityContext']);
  if (!securityContext) return invalid('header/securityContext is missing');
  for (const name of ['siteName', 'webExID', 'email', 'sessionTicket', 'webExAccessToken'] as const) {
    const value = textOf(securityContext[name]);
    if (value === null) return invalid(`securityContext/${name} must appear once as text`);
    if (value.trim() !== '') context[name] = value.trim();
  }
  const password = textOf(securityContext['password']);
  if (password === null) return invalid('securityContext/password must appear once as text');
  if (password !== '') context.password = password;

  const bodyContent = asNode(message?.['body'])?.['bodyContent'];
  if (bodyContent === undefined || Array.isArray(bodyContent)) return invalid('body/bodyContent must appear once');
  const xsiType = asNode(bodyContent)?.['@_type'];
  const type = typeof xsiType === 'string' ? lookUpRequestType(xsiType.trim()) : undefined;
  if (!type) {
    return { ok: false, problem: 'unsupported-type', detail: `unsupported xsi:type ${String(xsiType)}`, context };
  }
  return { ok: true, type, context };
}

function lookUpRequestType(xsiType: string): XmlRequestType | undefined {
  return Object.hasOwn(REQUEST_TYPES, xsiType) ? REQUEST_TYPES[xsiType as keyof typeof REQUEST_TYPES] : undefined;
}

function asNode(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function elementNames(node: Node): string[] {
  return Object.keys(node).filter((key) => key !== '?xml' && key !== '#text' && !key.startsWith('@_'));
}

/** An element's text: '' when absent or empty, null when repeated or when it has child elements. */
function textOf(value: unknown): string | null {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const node = asNode(value);
  if (!node || elementNames(node).length > 0) return null;
  const text = node['#text'];
  return typeof text === 'string' ? text : '';
}
