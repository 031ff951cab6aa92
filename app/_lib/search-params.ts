/** A page's searchParams as Next hands them over. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of a query parameter, or '' when absent. */
export function firstParam(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** A 1-based page number from the query string; anything else is page 1. */
export function pageParam(value: string | string[] | undefined): number {
  return Math.max(1, Math.floor(Number(firstParam(value)) || 1));
}

/** The query value when it is one of `allowed`, otherwise `fallback`: outside input never picks anything else. */
export function firstOf<T extends string>(value: string | string[] | undefined, allowed: readonly T[], fallback: T): T {
  const first = firstParam(value);
  return (allowed as readonly string[]).includes(first) ? (first as T) : fallback;
}

/** A paging cursor from the query string (opaque; the list ignores one it did not make). */
export function cursorParam(value: string | string[] | undefined): string | undefined {
  return firstParam(value).slice(0, 2000) || undefined;
}

/** "1 mapping", "2 mappings", "more than 10,000 mappings". */
export function countText(total: number, exact: boolean, noun: string): string {
  return exact ? `${total} ${noun}${total === 1 ? '' : 's'}` : `more than ${total.toLocaleString('en')} ${noun}s`;
}
