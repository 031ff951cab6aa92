/**
 * A value kept once per process. Next builds lib/ into several server bundles, each with its own
 * module instances, so a module-level `let` exists once per bundle; what must exist once per
 * process (the database pool, the WebEx connection pool, the metrics registry, the shutdown
 * count) lives on globalThis under one key. Only for values that no `instanceof` check reads
 * across bundles: a class from one bundle fails another's check.
 */
export interface ProcessSlot<T> {
  get(): T | undefined;
  set(value: T | undefined): void;
  /** the value, made by `create` on first use */
  getOrCreate(create: () => T): T;
}

const slots = globalThis as typeof globalThis & { __webexSso?: Map<string, unknown> };

export function processSlot<T>(name: string): ProcessSlot<T> {
  const all = (slots.__webexSso ??= new Map());
  return {
    get: () => all.get(name) as T | undefined,
    set: (value) => void (value === undefined ? all.delete(name) : all.set(name, value)),
    getOrCreate(create) {
      if (!all.has(name)) all.set(name, create());
      return all.get(name) as T;
    },
  };
}
