import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

/** Models whose records carry a grantId and die with their grant (see oidc-provider's adapter contract). */
const GRANT_BOUND_MODELS = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** Expired records are swept lazily once the store grows past this; a demo never gets near it. */
const SWEEP_THRESHOLD = 5_000;

interface StoredRecord {
  payload: AdapterPayload;
  /** epoch milliseconds; Infinity when the provider gave no lifetime */
  expiresAt: number;
}

/**
 * Storage for one provider instance, forgotten on restart. oidc-provider's own in-memory adapter
 * is process-global and prints a warning at start; each bundled provider gets its own instead,
 * so tests that start several never see each other's sessions.
 */
export function createMemoryAdapter(): AdapterFactory {
  const records = new Map<string, StoredRecord>();
  const sessionIdByUid = new Map<string, string>();
  const idByUserCode = new Map<string, string>();
  const keysByGrant = new Map<string, Set<string>>();

  const read = (key: string): AdapterPayload | undefined => {
    const record = records.get(key);
    if (!record) return undefined;
    if (record.expiresAt <= Date.now()) {
      records.delete(key);
      return undefined;
    }
    return record.payload;
  };

  const sweep = (): void => {
    const now = Date.now();
    for (const [key, record] of records) {
      if (record.expiresAt <= now) records.delete(key);
    }
  };

  return (model: string): Adapter => {
    const keyFor = (id: string): string => `${model}:${id}`;

    return {
      async upsert(id, payload, expiresIn) {
        if (records.size > SWEEP_THRESHOLD) sweep();
        const key = keyFor(id);
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
        records.set(key, { payload, expiresAt });

        if (model === 'Session' && typeof payload.uid === 'string') sessionIdByUid.set(payload.uid, id);
        if (typeof payload.userCode === 'string') idByUserCode.set(payload.userCode, id);
        if (GRANT_BOUND_MODELS.has(model) && typeof payload.grantId === 'string') {
          const keys = keysByGrant.get(payload.grantId) ?? new Set<string>();
          keys.add(key);
          keysByGrant.set(payload.grantId, keys);
        }
      },

      async find(id) {
        return read(keyFor(id));
      },

      async findByUid(uid) {
        const id = sessionIdByUid.get(uid);
        return id === undefined ? undefined : read(keyFor(id));
      },

      async findByUserCode(userCode) {
        const id = idByUserCode.get(userCode);
        return id === undefined ? undefined : read(keyFor(id));
      },

      async consume(id) {
        const payload = read(keyFor(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },

      async destroy(id) {
        const key = keyFor(id);
        const payload = records.get(key)?.payload;
        records.delete(key);
        if (typeof payload?.uid === 'string' && sessionIdByUid.get(payload.uid) === id) {
          sessionIdByUid.delete(payload.uid);
        }
        if (typeof payload?.userCode === 'string') idByUserCode.delete(payload.userCode);
      },

      async revokeByGrantId(grantId) {
        for (const key of keysByGrant.get(grantId) ?? []) records.delete(key);
        keysByGrant.delete(grantId);
      },
    };
  };
}
