/**
 * The simulated site's SAML trust (docs/webex.md §8.1: an IdP-initiated assertion, Base64,
 * accepted by AuthenticateUser in place of a password). WebEx's own checks are not published, so
 * this verifier does what a careful service provider does (all of it the simulator's choice):
 * one signed Assertion, verified against the configured certificates only (never KeyInfo),
 * fields read only from what the signature covers, audience, recipient, issuer, a time window
 * with small skew, an authentication not in the future whose session is not over, IdP-initiated
 * (no InResponseTo), and each assertion ID accepted once.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** Simulator's choice: a SAML Response is a few KiB; anything far larger is refused unread. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Simulator's choice: clocks may differ by this much. */
const CLOCK_SKEW_MS = 60_000;

export interface SamlTrust {
  /** PEM certificates uploaded to the site's SSO configuration (current and next) */
  certificates: readonly string[];
  /** the IdP entity ID the site expects as Issuer */
  issuer: string;
  /** the site's entity ID, expected in AudienceRestriction */
  audience: string;
  /** the site's assertion consumer URL, expected as Recipient (and Destination when present) */
  recipient: string;
}

export type SamlVerdict = { ok: true; nameId: string } | { ok: false; problem: string };

export interface SamlVerifier {
  verify(samlResponseBase64: string): SamlVerdict;
  /** every SAML Response presented, for leak sweeps */
  received(): string[];
}

export function createSamlVerifier(trust: SamlTrust, now: () => number): SamlVerifier {
  const usedAssertionIds = new Map<string, number>();
  const presented: string[] = [];

  return {
    received: () => [...presented],
    verify(base64) {
      presented.push(base64);
      try {
        const verdict = verify(base64, trust, now());
        if (!verdict.ok) return verdict;
        forgetExpired(usedAssertionIds, now());
        if (usedAssertionIds.has(verdict.assertionId)) return { ok: false, problem: 'assertion ID already used (replay)' };
        usedAssertionIds.set(verdict.assertionId, verdict.notOnOrAfter + CLOCK_SKEW_MS);
        return { ok: true, nameId: verdict.nameId };
      } catch (err) {
        return { ok: false, problem: `unreadable SAML Response: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}

function forgetExpired(used: Map<string, number>, at: number): void {
  for (const [id, until] of used) if (until < at) used.delete(id);
}

type Checked = { ok: true; nameId: string; assertionId: string; notOnOrAfter: number } | { ok: false; problem: string };

function verify(base64: string, trust: SamlTrust, at: number): Checked {
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length > (MAX_RESPONSE_BYTES * 4) / 3)
    return { ok: false, problem: 'samlResponse is not Base64 of a reasonable size' };
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  // No SAML Response needs a DTD; entity tricks are refused before parsing.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { ok: false, problem: 'DTDs are not accepted' };
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');

  const response = doc.documentElement;
  if (!response || response.namespaceURI !== SAMLP_NS || response.localName !== 'Response') return { ok: false, problem: 'root is not samlp:Response' };
  if (response.hasAttribute('InResponseTo')) return { ok: false, problem: 'InResponseTo present: only IdP-initiated responses are accepted' };
  const statusCode = firstChildElement(firstChildElement(response, SAMLP_NS, 'Status'), SAMLP_NS, 'StatusCode');
  if (statusCode?.getAttribute('Value') !== STATUS_SUCCESS) return { ok: false, problem: 'status is not Success' };
  const destination = response.getAttribute('Destination');
  if (destination && destination !== trust.recipient) return { ok: false, problem: 'Destination is not this site' };

  // Exactly one Assertion and one Signature in the whole document: wrapping attacks need a second.
  const assertions = doc.getElementsByTagNameNS(SAML_NS, 'Assertion');
  if (assertions.length !== 1 || doc.getElementsByTagNameNS(SAML_NS, 'EncryptedAssertion').length > 0)
    return { ok: false, problem: 'expected exactly one Assertion' };
  const assertion = assertions.item(0) as Element;
  if (assertion.parentNode !== response) return { ok: false, problem: 'the Assertion is not a child of the Response' };
  const signatures = doc.getElementsByTagNameNS(DS_NS, 'Signature');
  if (signatures.length !== 1) return { ok: false, problem: 'expected exactly one Signature' };
  const signature = signatures.item(0) as Element;
  if (signature.parentNode !== assertion) return { ok: false, problem: 'the Assertion is not signed (the Signature is elsewhere)' };
  const signedInfo = firstChildElement(signature, DS_NS, 'SignedInfo');
  if (firstChildElement(signedInfo, DS_NS, 'SignatureMethod')?.getAttribute('Algorithm') !== RSA_SHA256)
    return { ok: false, problem: 'signature algorithm must be RSA-SHA256' };
  // The one Reference must point at this Assertion: a signature over something else proves nothing about it.
  const references = signedInfo ? signedInfo.getElementsByTagNameNS(DS_NS, 'Reference') : undefined;
  if (references?.length !== 1 || references.item(0)?.getAttribute('URI') !== `#${assertion.getAttribute('ID') ?? ''}`) {
    return { ok: false, problem: 'the signature must reference the Assertion by its ID' };
  }

  const signed = verifiedAssertionXml(xml, signature, trust.certificates);
  if (!signed) return { ok: false, problem: "signature does not verify with the site's certificates" };
  return checkAssertion(signed, trust, at);
}

/** The canonical XML the signature covers, when one of the trusted certificates (never KeyInfo) verifies it. */
function verifiedAssertionXml(xml: string, signature: Element, certificates: readonly string[]): string | undefined {
  for (const certificate of certificates) {
    const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
    try {
      // xml-crypto types its nodes as the DOM's; @xmldom's are the same shape.
      verifier.loadSignature(signature as unknown as Node);
      if (!verifier.checkSignature(xml)) continue;
    } catch {
      continue;
    }
    const signedXml = verifier.getSignedReferences();
    return signedXml.length === 1 ? signedXml[0] : undefined;
  }
  return undefined;
}

/** Reads every field from the signed canonical Assertion, never from the document as received. */
function checkAssertion(signedXml: string, trust: SamlTrust, at: number): Checked {
  const assertion = new DOMParser().parseFromString(signedXml, 'text/xml').documentElement;
  if (!assertion || assertion.namespaceURI !== SAML_NS || assertion.localName !== 'Assertion')
    return { ok: false, problem: 'signed content is not an Assertion' };
  const assertionId = assertion.getAttribute('ID') ?? '';
  if (textOf(firstChildElement(assertion, SAML_NS, 'Issuer')) !== trust.issuer) return { ok: false, problem: 'Issuer is not the trusted IdP' };

  const conditions = firstChildElement(assertion, SAML_NS, 'Conditions');
  const notBefore = Date.parse(conditions?.getAttribute('NotBefore') ?? '');
  const notOnOrAfter = Date.parse(conditions?.getAttribute('NotOnOrAfter') ?? '');
  if (!Number.isFinite(notBefore) || !Number.isFinite(notOnOrAfter)) return { ok: false, problem: 'Conditions need NotBefore and NotOnOrAfter' };
  if (at + CLOCK_SKEW_MS < notBefore) return { ok: false, problem: 'assertion not yet valid' };
  if (at - CLOCK_SKEW_MS >= notOnOrAfter) return { ok: false, problem: 'assertion expired' };
  const audiences = conditions ? Array.from(conditions.getElementsByTagNameNS(SAML_NS, 'Audience'), (a) => textOf(a)) : [];
  if (!audiences.includes(trust.audience)) return { ok: false, problem: 'Audience is not this site' };

  const subject = firstChildElement(assertion, SAML_NS, 'Subject');
  const confirmation = firstChildElement(subject, SAML_NS, 'SubjectConfirmation');
  if (confirmation?.getAttribute('Method') !== BEARER) return { ok: false, problem: 'SubjectConfirmation must be bearer' };
  const data = firstChildElement(confirmation, SAML_NS, 'SubjectConfirmationData');
  if (data?.getAttribute('Recipient') !== trust.recipient) return { ok: false, problem: 'Recipient is not this site' };
  if (data.hasAttribute('InResponseTo')) return { ok: false, problem: 'InResponseTo present: only IdP-initiated assertions are accepted' };
  const confirmUntil = Date.parse(data.getAttribute('NotOnOrAfter') ?? '');
  if (!Number.isFinite(confirmUntil) || at - CLOCK_SKEW_MS >= confirmUntil) return { ok: false, problem: 'subject confirmation expired' };
  const authn = firstChildElement(assertion, SAML_NS, 'AuthnStatement');
  if (!authn) return { ok: false, problem: 'no AuthnStatement' };
  // SAML core §2.7.2: AuthnInstant is required; a session past SessionNotOnOrAfter is not to be used
  const authnInstant = Date.parse(authn.getAttribute('AuthnInstant') ?? '');
  if (!Number.isFinite(authnInstant)) return { ok: false, problem: 'AuthnStatement needs AuthnInstant' };
  if (authnInstant > at + CLOCK_SKEW_MS) return { ok: false, problem: 'AuthnInstant is in the future' };
  const sessionEnd = authn.getAttribute('SessionNotOnOrAfter');
  if (sessionEnd !== null && !(Date.parse(sessionEnd) > at - CLOCK_SKEW_MS))
    return { ok: false, problem: 'the session of the authentication is over (SessionNotOnOrAfter)' };

  const nameId = textOf(firstChildElement(subject, SAML_NS, 'NameID')).trim();
  if (!nameId) return { ok: false, problem: 'no NameID' };
  return { ok: true, nameId, assertionId, notOnOrAfter };
}

function firstChildElement(parent: Element | null | undefined, ns: string, localName: string): Element | undefined {
  if (!parent) return undefined;
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === localName) return node as Element;
  }
  return undefined;
}

function textOf(element: Element | undefined): string {
  return element?.textContent ?? '';
}
