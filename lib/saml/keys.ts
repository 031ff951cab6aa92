import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The portal's SAML signing material: the key and certificate that sign, and the one published next. */
export interface SamlSigningKeys {
  /** PEM of the private key (PKCS#8 or PKCS#1) */
  privateKeyPem: string;
  /** PEM of the certificate WebEx verifies with today */
  certificatePem: string;
  /** PEM of the certificate that signs after the next rotation, published in metadata before it signs */
  nextCertificatePem: string | undefined;
}

/** What the settings page shows about a certificate. */
export interface CertificateFacts {
  pem: string;
  subject: string;
  /** SHA-256 fingerprint, colon-separated, as WebEx's SSO page and openssl show it */
  fingerprint256: string;
  validFrom: Date;
  validTo: Date;
  /** past validTo: WebEx may refuse assertions it signs */
  expired: boolean;
}

export class SamlKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamlKeyError';
  }
}

/**
 * Reads a PEM value given inline (a `.env` line with `\n` escapes, or real newlines) or as the
 * path of a file holding it.
 */
export function readPem(value: string, variable: string): string {
  const inline = value.includes('-----BEGIN');
  let pem: string;
  if (inline) {
    pem = value.replace(/\\n/g, '\n');
  } else {
    try {
      pem = readFileSync(value, 'utf8');
    } catch {
      throw new SamlKeyError(`${variable}: is neither a PEM value (-----BEGIN …) nor a readable file path`);
    }
  }
  return `${pem.trim()}\n`;
}

function parseCertificate(pem: string, variable: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new SamlKeyError(`${variable}: is not a PEM X.509 certificate`);
  }
}

function parsePrivateKey(pem: string, variable: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new SamlKeyError(`${variable}: is not a PEM private key (unencrypted PKCS#8 or PKCS#1)`);
  }
}

/**
 * Loads and cross-checks the signing material: an RSA key (the assertion is signed RSA-SHA256)
 * whose certificate is the one we publish. Throws SamlKeyError naming the variable to fix.
 */
export function loadSigningKeys(env: { key: string; cert: string; nextCert?: string }): SamlSigningKeys {
  const privateKeyPem = readPem(env.key, 'SAML_SIGNING_KEY');
  const certificatePem = readPem(env.cert, 'SAML_SIGNING_CERT');
  const key = parsePrivateKey(privateKeyPem, 'SAML_SIGNING_KEY');
  if (key.asymmetricKeyType !== 'rsa') throw new SamlKeyError('SAML_SIGNING_KEY: must be an RSA key (assertions are signed RSA-SHA256)');
  const certificate = parseCertificate(certificatePem, 'SAML_SIGNING_CERT');
  if (!certificate.checkPrivateKey(key)) throw new SamlKeyError('SAML_SIGNING_CERT: is not the certificate of SAML_SIGNING_KEY');
  const nextCertificatePem = env.nextCert ? readPem(env.nextCert, 'SAML_SIGNING_CERT_NEXT') : undefined;
  if (nextCertificatePem) parseCertificate(nextCertificatePem, 'SAML_SIGNING_CERT_NEXT');
  return { privateKeyPem, certificatePem, nextCertificatePem };
}

/** Subject, fingerprint and validity of a PEM certificate. */
export function describeCertificate(pem: string, now = new Date()): CertificateFacts {
  const certificate = new X509Certificate(pem);
  const validTo = new Date(certificate.validTo);
  return {
    expired: validTo.getTime() < now.getTime(),
    pem,
    subject: certificate.subject.replace(/\n/g, ', '),
    fingerprint256: certificate.fingerprint256,
    validFrom: new Date(certificate.validFrom),
    validTo,
  };
}

/** The base64 body of a PEM certificate, as `<ds:X509Certificate>` carries it. */
export function certificateBody(pem: string): string {
  return new X509Certificate(pem).raw.toString('base64');
}
