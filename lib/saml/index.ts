/**
 * The portal as the WebEx site's SAML identity provider: signing keys, the signed assertion
 * AuthenticateUser takes, the IdP metadata.
 */
export { type AssertionInput, createSignedSamlResponse, SAML_NS } from './assertion';
export { describeCertificate, loadSigningKeys, SamlKeyError, type SamlSigningKeys } from './keys';
export { buildIdpMetadata } from './metadata';
