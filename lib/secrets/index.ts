/**
 * Secrets at rest, sealed in one place (iron-session): WebEx passwords, session tickets, OAuth
 * tokens and ID tokens under CREDENTIAL_KEYS (the highest id seals, every listed id opens), and
 * short-lived cookie values under NEXTAUTH_SECRET.
 */
export { sealCredential, unsealCredential } from './host-credential';
export { SealedSecretError, sealSecret, sealShortLived, type SecretKeys, unsealSecret, unsealShortLived } from './seal';
