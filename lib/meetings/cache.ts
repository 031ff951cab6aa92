/**
 * What the portal keeps of each employee's list: in memory only (it is a view of WebEx, not a
 * record), for a short time, under a key that names the employee, their zone and their day, so two
 * employees never share an entry. Concurrent reads of one key while it is being fetched wait for
 * that one fetch instead of each calling WebEx.
 */
export interface ViewCache<T> {
  /** the value kept under `key`, else `fetch`'s: kept for the lifetime it returns (0: not kept) */
  read(key: string, fetch: () => Promise<{ value: T; keepMs: number }>): Promise<{ value: T; cached: boolean }>;
  /** how many entries it holds now (tests, metrics) */
  size(): number;
}

/** Enough for every employee of a large site at once; beyond it the oldest entries go first. */
export const DEFAULT_MAX_ENTRIES = 10_000;

export function createViewCache<T>(options: { now: () => number; maxEntries?: number }): ViewCache<T> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  // a Map keeps insertion order: its first key is the oldest entry
  const entries = new Map<string, { value: T; expiresAt: number }>();
  const inFlight = new Map<string, Promise<{ value: T; keepMs: number }>>();

  function keep(key: string, value: T, keepMs: number): void {
    entries.delete(key);
    if (keepMs <= 0) return;
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
    entries.set(key, { value, expiresAt: options.now() + keepMs });
  }

  return {
    async read(key, fetch) {
      const kept = entries.get(key);
      if (kept && kept.expiresAt > options.now()) return { value: kept.value, cached: true };
      if (kept) entries.delete(key);
      let pending = inFlight.get(key);
      const shared = pending !== undefined;
      if (!pending) {
        pending = fetch();
        inFlight.set(key, pending);
        pending
          .then(
            ({ value, keepMs }) => keep(key, value, keepMs),
            () => undefined,
          )
          .finally(() => inFlight.delete(key));
      }
      const { value } = await pending;
      return { value, cached: shared };
    },
    size: () => entries.size,
  };
}
