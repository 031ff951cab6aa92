import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyAndCertificate {
  privateKeyPem: string;
  certificatePem: string;
}

/**
 * A fresh RSA key and self-signed certificate, made by openssl (node:crypto makes keys but not
 * certificates). For the demo's and the tests' SAML signing only: made per run, never checked in.
 */
export function createSelfSignedCertificate(commonName: string, days = 30): KeyAndCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'webex-sso-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-subj', `/CN=${commonName}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return { privateKeyPem: readFileSync(key, 'utf8'), certificatePem: readFileSync(cert, 'utf8') };
  } catch (err) {
    throw new Error(`could not make a test certificate with openssl (is it installed?): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
