import { describe, expect, it, vi } from 'vitest';
import { SealedSecretError, sealCredential, unsealCredential } from '.';

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

  it('a removed key or an altered seal → SealedSecretError, not an empty credential', async () => {
    const sealed = await sealCredential({ kind: 'password', password: 'p' }, { '1': K1 });
    await expect(unsealCredential(sealed, { '2': K2 })).rejects.toBeInstanceOf(SealedSecretError);
    await expect(unsealCredential(sealed.replace(/.{4}~2$/, 'AAAA~2'), { '1': K1 })).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('opened once per key set, then from memory: a copy each time, and never for a key set that cannot open it', async () => {
    const keys = { '1': K1 };
    const sealed = await sealCredential({ kind: 'password', password: 'kept' }, keys);
    const notOpenedYet = await sealCredential({ kind: 'password', password: 'other' }, keys);
    const first = await unsealCredential(sealed, keys);
    if (first.kind === 'password') first.password = 'changed by a caller';
    const opening = vi.spyOn(globalThis.crypto.subtle, 'deriveBits');
    try {
      await expect(unsealCredential(sealed, keys)).resolves.toEqual({ kind: 'password', password: 'kept' });
      expect(opening).not.toHaveBeenCalled();
      // another key set (CREDENTIAL_KEYS without the sealing key) opens nothing, kept or not
      await expect(unsealCredential(sealed, { '2': K2 })).rejects.toBeInstanceOf(SealedSecretError);
      // and a secret not opened before is opened for real (the spy sees key derivation)
      await expect(unsealCredential(notOpenedYet, keys)).resolves.toEqual({ kind: 'password', password: 'other' });
      expect(opening).toHaveBeenCalled();
    } finally {
      opening.mockRestore();
    }
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
