/**
 * What mapping search matches against: e-mail, WebEx ID and display name, lower-cased by
 * JavaScript so "Émile" finds "émile" on SQLite too (its lower() and LIKE fold ASCII only).
 * The separator keeps a query from matching across two fields.
 */
export function searchTextOf(email: string, webexId: string, displayName: string | null): string {
  return [email, webexId, displayName ?? ''].join('\u0001').toLowerCase();
}

/**
 * Trigram indexes (SQLite FTS5 trigram, PostgreSQL pg_trgm) answer substrings of 3 characters or
 * more; shorter queries are answered by scanning, which is correct but grows with the table.
 */
export function usesTrigramIndex(query: string): boolean {
  return [...query].length >= 3;
}

/** An FTS5 query that matches `text` as one literal substring (a quoted phrase; `"` doubles). */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}
