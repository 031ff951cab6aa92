/**
 * A stored time (ISO 8601, UTC) as the admin pages show it: `2026-12-02 13:05 UTC`, to the second
 * where a log needs it; '—' for none. Always labelled UTC: the database keeps UTC, and an admin
 * reading it must not take it for their own zone.
 */
export function utcTime(iso: string | null | undefined, precision: 'minute' | 'second' = 'minute'): string {
  if (!iso) return '—';
  return `${iso.slice(0, precision === 'second' ? 19 : 16).replace('T', ' ')} UTC`;
}
