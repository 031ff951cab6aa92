import type { Generated } from 'kysely';

/** One portal user's link to their WebEx host account. */
export interface MappingsTable {
  id: Generated<number>;
  /** the portal e-mail, stored lower-cased so uniqueness is case-insensitive */
  email: string;
  webex_id: string;
  display_name: string | null;
  /** the sealed WebEx credential (iron-session seal), never the clear value */
  credential: string | null;
  /** bumped on every change: optimistic concurrency for admin edits */
  version: number;
  /** e-mail, WebEx ID and display name, lower-cased by JavaScript (SQLite's lower() folds ASCII only) */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  /** ISO-8601 UTC */
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  /** JSON, never secrets */
  detail: string | null;
  duration_ms: number | null;
  request_id: string | null;
}

export interface PendingImportsTable {
  id: Generated<number>;
  /** what the admin's browser holds to apply it (unguessable) */
  token: string;
  actor: string;
  created_at: string;
  /** 1: delete mappings whose e-mail is not in the file */
  delete_missing: number;
  row_count: number;
}

/** The validated rows of a pending import, one per CSV line (no credentials: the CSV format has none). */
export interface ImportRowsTable {
  import_id: number;
  line: number;
  /** normalised, as it will be stored */
  email: string;
  webex_id: string;
  display_name: string | null;
  search_text: string;
}

export interface Database {
  mappings: MappingsTable;
  audit_events: AuditEventsTable;
  pending_imports: PendingImportsTable;
  import_rows: ImportRowsTable;
}
