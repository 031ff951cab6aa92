import { DOMImplementation, XMLSerializer, type Element } from '@xmldom/xmldom';
import { add, NAMEID_FORMATS, SAMLP_NS } from './assertion';
import { certificateBody, type SamlSigningKeys } from './keys';

const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const HTTP_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export interface IdpMetadataInput {
  /** SAML_ISSUER */
  entityId: string;
  /** where a sign-in starts: the portal (the portal only sends IdP-initiated assertions) */
  ssoUrl: string;
  nameIdFormat: keyof typeof NAMEID_FORMATS;
}

/**
 * The portal as a SAML IdP, for the WebEx site's SSO configuration: entity ID, the signing
 * certificate, and the next one when a rotation is under way (published before it signs).
 */
export function buildIdpMetadata(input: IdpMetadataInput, keys: SamlSigningKeys): string {
  const doc = new DOMImplementation().createDocument(MD_NS, 'md:EntityDescriptor', null);
  const root = doc.documentElement as Element;
  root.setAttribute('entityID', input.entityId);
  const idp = add(root, MD_NS, 'md:IDPSSODescriptor', { WantAuthnRequestsSigned: 'false', protocolSupportEnumeration: SAMLP_NS });
  for (const pem of [keys.certificatePem, keys.nextCertificatePem]) {
    if (!pem) continue;
    const keyInfo = add(add(idp, MD_NS, 'md:KeyDescriptor', { use: 'signing' }), DS_NS, 'ds:KeyInfo');
    add(add(keyInfo, DS_NS, 'ds:X509Data'), DS_NS, 'ds:X509Certificate', {}, certificateBody(pem));
  }
  add(idp, MD_NS, 'md:NameIDFormat', {}, NAMEID_FORMATS[input.nameIdFormat]);
  add(idp, MD_NS, 'md:SingleSignOnService', { Binding: HTTP_REDIRECT, Location: input.ssoUrl });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}`;
}
