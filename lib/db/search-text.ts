/** Between the fields of search_text, and after the text in the FTS indexes (migration 011): no query contains it. */
export const SEARCH_TEXT_SEPARATOR = '\u0001';

/**
 * What mapping search matches against: e-mail, WebEx ID and display name, lower-cased by
 * JavaScript so "Émile" finds "émile" on SQLite too (its lower() and LIKE fold ASCII only).
 * The separator keeps a query from matching across two fields.
 */
export function searchTextOf(email: string, webexId: string, displayName: string | null): string {
  return [email, webexId, displayName ?? ''].join(SEARCH_TEXT_SEPARATOR).toLowerCase();
}
