export { type AssertionInput, createSignedSamlResponse, SAML_NS } from './assertion';
export { describeCertificate, loadSigningKeys, SamlKeyError, type SamlSigningKeys } from './keys';
export { buildIdpMetadata } from './metadata';
