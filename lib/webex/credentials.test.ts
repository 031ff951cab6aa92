import { describe, expect, it, vi } from 'vitest';
import { buildSecurityContext, CredentialError, sealCredential, unsealCredential } from './credentials';

const K1 = 'k1-0123456789abcdef0123456789abcdef';
const K2 = 'k2-0123456789abcdef0123456789abcdef';

describe('sealed credentials', () => {
  it('round-trips and never contains the clear password', async () => {
    const sealed = await sealCredential({ kind: 'password', password: 'Hunter2-secret' }, { '1': K1 });
    expect(sealed).not.toContain('Hunter2');
    await expect(unsealCredential(sealed, { '1': K1 })).resolves.toEqual({ kind: 'password', password: 'Hunter2-secret' });
  });

  it('rotates: the highest key id seals, older seals still open while their key is listed', async () => {
    const old = await sealCredential({ kind: 'password', password: 'old' }, { '1': K1 });
    const fresh = await sealCredential({ kind: 'password', password: 'new' }, { '1': K1, '2': K2 });
    await expect(unsealCredential(old, { '1': K1, '2': K2 })).resolves.toEqual({ kind: 'password', password: 'old' });
    await expect(unsealCredential(fresh, { '2': K2 })).resolves.toEqual({ kind: 'password', password: 'new' });
  });

  it('a removed key or an altered seal → CredentialError, not an empty credential', async () => {
    const sealed = await sealCredential({ kind: 'password', password: 'p' }, { '1': K1 });
    await expect(unsealCredential(sealed, { '2': K2 })).rejects.toBeInstanceOf(CredentialError);
    await expect(unsealCredential(sealed.replace(/.{4}~2$/, 'AAAA~2'), { '1': K1 })).rejects.toBeInstanceOf(CredentialError);
  });

  it('does not expire on its own (a secret at rest, not a session)', async () => {
    const sealed = await sealCredential({ kind: 'password', password: 'p' }, { '1': K1 });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 400 * 24 * 60 * 60 * 1000);
      await expect(unsealCredential(sealed, { '1': K1 })).resolves.toEqual({ kind: 'password', password: 'p' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('buildSecurityContext', () => {
  it('puts exactly one credential next to site and WebEx ID', () => {
    expect(buildSecurityContext('acme', 'h', { kind: 'password', password: 'p' })).toEqual({ siteName: 'acme', webExID: 'h', password: 'p' });
    expect(buildSecurityContext('acme', 'h', { kind: 'sessionTicket', sessionTicket: 's' })).toEqual({ siteName: 'acme', webExID: 'h', sessionTicket: 's' });
    expect(buildSecurityContext('acme', 'h', { kind: 'accessToken', webExAccessToken: 't' })).toEqual({ siteName: 'acme', webExID: 'h', webExAccessToken: 't' });
  });
});
