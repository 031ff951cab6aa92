import { DOMParser, type Element } from '@xmldom/xmldom';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { createSelfSignedCertificate } from '../../e2e/servers/certificates';
import { buildSamlResponse, createSignedSamlResponse, NAMEID_FORMATS, SAML_NS, SAMLP_NS, type AssertionInput } from './assertion';
import { buildIdpMetadata } from './metadata';
import { describeCertificate, loadSigningKeys, SamlKeyError, type SamlSigningKeys } from './keys';

const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const INPUT: AssertionInput = {
  issuer: 'https://portal.example.com',
  audience: 'https://acme.webex.com',
  recipient: 'https://acme.webex.com/dispatcher/SAML2AuthService?siteurl=acme',
  nameId: 'alice@example.com',
  nameIdFormat: 'email',
  // signed in to the portal at 08:30 for an eight-hour session; the assertion is made at 10:00
  authnInstant: new Date('2026-11-29T08:30:00.456Z'),
  sessionNotOnOrAfter: new Date('2026-11-29T16:30:00.456Z'),
  now: new Date('2026-11-29T10:00:00.123Z'),
};

let keys: SamlSigningKeys;
let other: SamlSigningKeys;
beforeAll(() => {
  const mine = createSelfSignedCertificate('portal');
  const theirs = createSelfSignedCertificate('someone else');
  keys = loadSigningKeys({ key: mine.privateKeyPem, cert: mine.certificatePem, nextCert: theirs.certificatePem });
  other = loadSigningKeys({ key: theirs.privateKeyPem, cert: theirs.certificatePem });
});

const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');
const one = (
  root: { getElementsByTagNameNS(ns: string, n: string): { length: number; item(i: number): Element | null } },
  ns: string,
  name: string,
): Element => {
  const found = root.getElementsByTagNameNS(ns, name);
  expect(found.length).toBe(1);
  return found.item(0) as Element;
};

describe('buildSamlResponse', () => {
  it('is an IdP-initiated Response with one Assertion carrying every field', () => {
    const { xml, assertionId } = buildSamlResponse(INPUT);
    const doc = parse(xml);
    const response = doc.documentElement as Element;
    expect([response.namespaceURI, response.localName]).toEqual([SAMLP_NS, 'Response']);
    expect(response.hasAttribute('InResponseTo')).toBe(false);
    expect(response.getAttribute('Destination')).toBe(INPUT.recipient);
    expect(response.getAttribute('ID')).toMatch(/^_[0-9a-f]{40}$/);
    const assertion = one(doc, SAML_NS, 'Assertion');
    expect(assertion.getAttribute('ID')).toBe(assertionId);
    expect(assertionId).not.toBe(response.getAttribute('ID'));
    expect(assertion.getAttribute('IssueInstant')).toBe('2026-11-29T10:00:00Z');
    expect(one(assertion, SAML_NS, 'Issuer').textContent).toBe(INPUT.issuer);
    const nameId = one(assertion, SAML_NS, 'NameID');
    expect(nameId.textContent).toBe('alice@example.com');
    expect(nameId.getAttribute('Format')).toBe(NAMEID_FORMATS.email);
    const data = one(assertion, SAML_NS, 'SubjectConfirmationData');
    expect(data.getAttribute('Recipient')).toBe(INPUT.recipient);
    expect(data.hasAttribute('InResponseTo')).toBe(false);
    const conditions = one(assertion, SAML_NS, 'Conditions');
    expect(conditions.getAttribute('NotBefore')).toBe('2026-11-29T09:59:00Z');
    expect(conditions.getAttribute('NotOnOrAfter')).toBe('2026-11-29T10:04:00Z');
    expect(data.getAttribute('NotOnOrAfter')).toBe('2026-11-29T10:04:00Z');
    expect(one(conditions, SAML_NS, 'Audience').textContent).toBe(INPUT.audience);
  });

  // issue 16 finding 11: AuthnInstant was the issue time, and no SessionNotOnOrAfter, however long ago the employee signed in
  it('states the portal sign-in as AuthnInstant and the end of that session as SessionNotOnOrAfter, not the issue time', () => {
    const assertion = one(parse(buildSamlResponse(INPUT).xml), SAML_NS, 'Assertion');
    expect(assertion.getAttribute('IssueInstant')).toBe('2026-11-29T10:00:00Z');
    const authn = one(assertion, SAML_NS, 'AuthnStatement');
    expect(authn.getAttribute('AuthnInstant')).toBe('2026-11-29T08:30:00Z');
    expect(authn.getAttribute('SessionNotOnOrAfter')).toBe('2026-11-29T16:30:00Z');
  });

  it('uses a fresh ID for every assertion', () => {
    expect(buildSamlResponse(INPUT).assertionId).not.toBe(buildSamlResponse(INPUT).assertionId);
  });

  it('the WebEx-ID source says "unspecified"', () => {
    const doc = parse(buildSamlResponse({ ...INPUT, nameId: 'alice', nameIdFormat: 'unspecified' }).xml);
    expect(one(doc, SAML_NS, 'NameID').getAttribute('Format')).toBe(NAMEID_FORMATS.unspecified);
  });

  it('no NameID value changes the structure of the document', () => {
    const shape = (xml: string) => Array.from(parse(xml).getElementsByTagName('*'), (e) => `${e.namespaceURI} ${e.localName}`);
    const expected = shape(buildSamlResponse(INPUT).xml);
    // eslint-disable-next-line no-control-regex -- strings XML can carry are the input space
    const xmlText = fc.string({ unit: 'binary' }).filter((s) => !/[\u0000-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/.test(s));
    fc.assert(
      fc.property(fc.oneof(xmlText, fc.constantFrom('</saml:NameID><saml:NameID>bob', ']]><x/>', '&amp;&lt;', '"\'<>&', '<!--', '<?pi?>')), (nameId) => {
        const xml = buildSamlResponse({ ...INPUT, nameId }).xml;
        expect(shape(xml)).toEqual(expected);
        expect(one(parse(xml), SAML_NS, 'NameID').textContent).toBe(nameId);
      }),
    );
  });

  it('refuses control characters XML cannot carry, and line breaks a parser would rewrite', () => {
    expect(() => buildSamlResponse({ ...INPUT, nameId: 'a\u0000b' })).toThrow(/SAML\.nameId/);
    expect(() => buildSamlResponse({ ...INPUT, nameId: 'a\rb' })).toThrow(/nameId must be one line/);
    expect(() => buildSamlResponse({ ...INPUT, nameId: 'a\nb' })).toThrow(/nameId must be one line/);
  });
});

describe('createSignedSamlResponse', () => {
  function verifyWith(certificatePem: string, xml: string): { valid: boolean; signed: string[] } {
    const signature = parse(xml).getElementsByTagNameNS(DS_NS, 'Signature').item(0);
    const verifier = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
    verifier.loadSignature(signature as unknown as Node);
    try {
      return { valid: verifier.checkSignature(xml), signed: verifier.getSignedReferences() };
    } catch {
      return { valid: false, signed: [] };
    }
  }

  it("verifies with xml-crypto's own verifier and our public certificate; the signature covers the Assertion", () => {
    const signed = createSignedSamlResponse(INPUT, keys);
    const { valid, signed: covered } = verifyWith(keys.certificatePem, signed.xml);
    expect(valid).toBe(true);
    expect(covered).toHaveLength(1);
    expect(covered[0]).toContain(`ID="${signed.assertionId}"`);
    expect(covered[0]).toContain('alice@example.com');
    expect(Buffer.from(signed.base64, 'base64').toString('utf8')).toBe(signed.xml);
  });

  it('is RSA-SHA256, exclusive c14n, enveloped, referencing the Assertion by ID, placed after its Issuer', () => {
    const signed = createSignedSamlResponse(INPUT, keys);
    const doc = parse(signed.xml);
    const signature = one(doc, DS_NS, 'Signature');
    const assertion = one(doc, SAML_NS, 'Assertion');
    expect(signature.parentNode).toBe(assertion);
    expect((signature.previousSibling as Element).localName).toBe('Issuer');
    expect(one(signature, DS_NS, 'SignatureMethod').getAttribute('Algorithm')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(one(signature, DS_NS, 'CanonicalizationMethod').getAttribute('Algorithm')).toBe('http://www.w3.org/2001/10/xml-exc-c14n#');
    expect(one(signature, DS_NS, 'Reference').getAttribute('URI')).toBe(`#${signed.assertionId}`);
    expect(Array.from(signature.getElementsByTagNameNS(DS_NS, 'Transform'), (t) => t.getAttribute('Algorithm'))).toEqual([
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ]);
  });

  it('a changed NameID no longer verifies', () => {
    const signed = createSignedSamlResponse(INPUT, keys);
    expect(verifyWith(keys.certificatePem, signed.xml.replace('alice@example.com', 'bob@example.com')).valid).toBe(false);
  });

  it('does not verify with another certificate', () => {
    expect(verifyWith(other.certificatePem, createSignedSamlResponse(INPUT, keys).xml).valid).toBe(false);
  });
});

describe('loadSigningKeys', () => {
  it('reads inline PEM with \\n escapes, as a .env line carries it', () => {
    const pair = createSelfSignedCertificate('inline');
    const escaped = (pem: string) => pem.trim().replace(/\n/g, '\\n');
    const loaded = loadSigningKeys({ key: escaped(pair.privateKeyPem), cert: escaped(pair.certificatePem) });
    expect(loaded.certificatePem).toBe(pair.certificatePem);
    expect(loaded.nextCertificatePem).toBeUndefined();
  });

  it('names the variable to fix', () => {
    const pair = createSelfSignedCertificate('mismatch');
    expect(() => loadSigningKeys({ key: pair.privateKeyPem, cert: keys.certificatePem })).toThrow(
      /SAML_SIGNING_CERT: is not the certificate of SAML_SIGNING_KEY/,
    );
    expect(() => loadSigningKeys({ key: '/nonexistent/key.pem', cert: pair.certificatePem })).toThrow(SamlKeyError);
    expect(() =>
      loadSigningKeys({ key: pair.privateKeyPem, cert: pair.certificatePem, nextCert: '-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----' }),
    ).toThrow(/SAML_SIGNING_CERT_NEXT/);
  });
});

describe('buildIdpMetadata', () => {
  it('publishes the entity ID, the signing certificate and the next one', () => {
    const xml = buildIdpMetadata({ entityId: INPUT.issuer, ssoUrl: 'https://portal.example.com/', nameIdFormat: 'email' }, keys);
    const doc = parse(xml);
    expect((doc.documentElement as Element).getAttribute('entityID')).toBe(INPUT.issuer);
    const published = Array.from(doc.getElementsByTagNameNS(DS_NS, 'X509Certificate'), (c) => c.textContent);
    const body = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
    expect(published).toEqual([body(keys.certificatePem), body(keys.nextCertificatePem ?? '')]);
    expect(describeCertificate(keys.certificatePem).fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});
