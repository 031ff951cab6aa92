import { randomBytes } from 'node:crypto';
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { assertXmlChars } from '../webex';
import type { SamlSigningKeys } from './keys';

export const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const NAMEID_FORMATS = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
// The portal signed the employee in with the company's IdP; which method it used is not ours to claim.
const AUTHN_CONTEXT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified';

/** Clocks drift: the assertion is valid from a minute before it was made… */
const CLOCK_SKEW_MS = 60_000;
/** …until a few minutes after, enough for one AuthenticateUser round trip and no more. */
const VALIDITY_MS = 4 * 60_000;

export interface AssertionInput {
  /** our entity ID (SAML_ISSUER) */
  issuer: string;
  /** WebEx's entity ID (SAML_AUDIENCE) */
  audience: string;
  /** WebEx's assertion consumer URL (SAML_RECIPIENT): Destination and SubjectConfirmationData Recipient */
  recipient: string;
  /** the host, as WebEx knows them: WebEx ID or e-mail (SAML_NAMEID_SOURCE) */
  nameId: string;
  nameIdFormat: keyof typeof NAMEID_FORMATS;
  /**
   * AuthnInstant: when the host signed in to the portal (at the company's identity provider), not
   * when this assertion is made, so WebEx can apply a maximum authentication age
   */
  authnInstant: Date;
  /** SessionNotOnOrAfter: when that portal session ends (sign-in + SESSION_MAX_AGE) */
  sessionNotOnOrAfter: Date;
  now?: Date;
}

export interface SignedSamlResponse {
  /** the signed Response document */
  xml: string;
  /** what AuthenticateUser's samlResponse carries */
  base64: string;
  assertionId: string;
}

/** An xs:ID: an NCName, so it starts with "_" and never with a digit. */
function newId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

/** xs:dateTime in UTC to the second, as SAML peers commonly expect. */
function instant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Appends a namespaced element with attributes and, optionally, text (escaped by the serializer). */
export function add(parent: Element | Document, ns: string, qualifiedName: string, attributes: Record<string, string> = {}, text?: string): Element {
  const doc = (parent.nodeType === 9 ? parent : parent.ownerDocument) as Document;
  const element = doc.createElementNS(ns, qualifiedName);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.appendChild(doc.createTextNode(text));
  parent.appendChild(element);
  return element;
}

/**
 * Builds an IdP-initiated SAML 2.0 Response (no InResponseTo) with one Assertion for the host,
 * by DOM calls so no input can become markup. Unsigned: see signSamlResponse.
 */
export function buildSamlResponse(input: AssertionInput): { xml: string; assertionId: string } {
  const fields = { issuer: input.issuer, audience: input.audience, recipient: input.recipient, nameId: input.nameId };
  assertXmlChars('SAML', fields);
  // XML parsers turn a CR into LF, so the verifier would read another NameID than we signed.
  for (const [field, value] of Object.entries(fields)) {
    if (/[\r\n]/.test(value)) throw new TypeError(`webex-sso: Bad usage. SAML ${field} must be one line`);
  }
  const now = input.now ?? new Date();
  const notBefore = instant(new Date(now.getTime() - CLOCK_SKEW_MS));
  const notOnOrAfter = instant(new Date(now.getTime() + VALIDITY_MS));
  const issued = instant(now);
  const assertionId = newId();

  const doc = new DOMImplementation().createDocument(SAMLP_NS, 'samlp:Response', null);
  const response = doc.documentElement as Element;
  response.setAttribute('ID', newId());
  response.setAttribute('Version', '2.0');
  response.setAttribute('IssueInstant', issued);
  response.setAttribute('Destination', input.recipient);
  add(response, SAML_NS, 'saml:Issuer', {}, input.issuer);
  add(add(response, SAMLP_NS, 'samlp:Status'), SAMLP_NS, 'samlp:StatusCode', { Value: SUCCESS });

  const assertion = add(response, SAML_NS, 'saml:Assertion', { ID: assertionId, Version: '2.0', IssueInstant: issued });
  add(assertion, SAML_NS, 'saml:Issuer', {}, input.issuer);
  const subject = add(assertion, SAML_NS, 'saml:Subject');
  add(subject, SAML_NS, 'saml:NameID', { Format: NAMEID_FORMATS[input.nameIdFormat] }, input.nameId);
  const confirmation = add(subject, SAML_NS, 'saml:SubjectConfirmation', { Method: BEARER });
  add(confirmation, SAML_NS, 'saml:SubjectConfirmationData', { NotOnOrAfter: notOnOrAfter, Recipient: input.recipient });
  const conditions = add(assertion, SAML_NS, 'saml:Conditions', { NotBefore: notBefore, NotOnOrAfter: notOnOrAfter });
  add(add(conditions, SAML_NS, 'saml:AudienceRestriction'), SAML_NS, 'saml:Audience', {}, input.audience);
  const authn = add(assertion, SAML_NS, 'saml:AuthnStatement', {
    AuthnInstant: instant(input.authnInstant),
    SessionIndex: assertionId,
    SessionNotOnOrAfter: instant(input.sessionNotOnOrAfter),
  });
  add(add(authn, SAML_NS, 'saml:AuthnContext'), SAML_NS, 'saml:AuthnContextClassRef', {}, AUTHN_CONTEXT);

  return { xml: new XMLSerializer().serializeToString(doc), assertionId };
}

/**
 * Signs the Assertion with xml-crypto: RSA-SHA256, exclusive canonicalization, an enveloped
 * signature referencing the Assertion by its ID, placed after the Assertion's Issuer as the
 * SAML schema orders it. The certificate rides in KeyInfo; verifiers must not trust it blindly.
 */
export function signSamlResponse(unsigned: { xml: string; assertionId: string }, keys: SamlSigningKeys): SignedSamlResponse {
  const signer = new SignedXml({
    privateKey: keys.privateKeyPem,
    publicCert: keys.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  signer.addReference({
    xpath: `//*[local-name(.)='Assertion' and namespace-uri(.)='${SAML_NS}' and @ID='${unsigned.assertionId}']`,
    digestAlgorithm: SHA256,
    transforms: [ENVELOPED, EXC_C14N],
  });
  signer.computeSignature(unsigned.xml, {
    prefix: 'ds',
    location: { reference: `//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  const xml = signer.getSignedXml();
  return { xml, base64: Buffer.from(xml, 'utf8').toString('base64'), assertionId: unsigned.assertionId };
}

/** A fresh signed Response for one AuthenticateUser call. */
export function createSignedSamlResponse(input: AssertionInput, keys: SamlSigningKeys): SignedSamlResponse {
  return signSamlResponse(buildSamlResponse(input), keys);
}
