import type { Generated } from 'kysely';

/** One portal user's link to their WebEx host account. */
export interface MappingsTable {
  id: Generated<number>;
  /** the portal e-mail, stored lower-cased so uniqueness (per site) is case-insensitive */
  email: string;
  /** the site the mapping is for: '' the default site, else its site name (migration 014) */
  site: Generated<string>;
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
  /** the site the row is for: '' the default site (migration 014) */
  site: Generated<string>;
  webex_id: string;
  display_name: string | null;
  search_text: string;
}

/**
 * A portal user's WebEx session ticket from AuthenticateUser, shared by every instance until shortly
 * before it runs out, and used only while the credential it came from is the host's (`binding`).
 */
export interface WebexSessionTicketsTable {
  /** the portal user whose host it acts as, lower-cased */
  email: string;
  /** the site it was issued by: '' the default site (migration 014) */
  site: Generated<string>;
  /** the WebEx ID it was issued for, lower-cased (WebEx IDs are case-insensitive) */
  webex_id: string;
  /** what it came from, never a secret: lib/credentials/session-tickets.ts ticketBinding */
  binding: string;
  /** the sealed ticket (iron-session seal under CREDENTIAL_KEYS), never the clear value */
  sealed: string;
  /** ISO-8601 UTC: stop using it from then on */
  use_until: string;
  created_at: string;
}

/** A portal user's "Connect WebEx" grant: sealed access and refresh tokens, refreshed under a row lease. */
export interface WebexOAuthTokensTable {
  /** the portal e-mail that connected, lower-cased */
  email: string;
  /** the site the grant is for: '' the default site (migration 014) */
  site: Generated<string>;
  /** the WebEx ID the tokens were proven to belong to at connect time */
  webex_id: string;
  /** sealed { accessToken, refreshToken }; null once the grant is known to be dead */
  sealed: string | null;
  /** connected | reconnect (the refresh token was refused: the employee must connect again) */
  status: string;
  access_expires_at: string | null;
  refresh_expires_at: string | null;
  /** bumped on every change: refreshers compare it to know someone else already refreshed */
  version: number;
  /** the refresh lease: only its holder may spend the refresh token */
  lock_owner: string | null;
  lock_until: string | null;
  connected_at: string;
  updated_at: string;
}

/** A portal session's ID token, for id_token_hint at sign-out; the session cookie holds only `ref`. */
export interface PortalIdTokensTable {
  /** random, in the session's token as idTokenRef */
  ref: string;
  /** the sealed ID token (iron-session seal under CREDENTIAL_KEYS) */
  sealed: string;
  /** ISO-8601 UTC: when the session ends at the latest; the row is pruned after */
  expires_at: string;
}

/** A portal session ended on the server: the proxy refuses its cookie on every instance until the session would have ended anyway. */
export interface PortalSessionRevocationsTable {
  /** `session:<sessionId>` (a sign-out) or `user:<email>` (an admin ended all of one employee's sessions) */
  subject: string;
  /** ISO-8601 UTC: when it was ended; a `user:` row ends the sessions signed in until then */
  ended_at: string;
  /** ISO-8601 UTC: when every session it ends is over anyway; the row is pruned after */
  expires_at: string;
}

/** Launches per day, site and outcome with a latency histogram: the dashboard reads this, not the audit log. */
export interface LaunchDailyTable {
  /** YYYY-MM-DD, UTC */
  day: string;
  /** the site's key, '' the default site (migration 015) */
  site: Generated<string>;
  outcome: string;
  launches: number;
  d_le_100: number;
  d_le_250: number;
  d_le_500: number;
  d_le_1000: number;
  d_le_2500: number;
  d_le_5000: number;
  d_le_10000: number;
  d_over: number;
}

export interface Database {
  launch_daily: LaunchDailyTable;
  mappings: MappingsTable;
  audit_events: AuditEventsTable;
  pending_imports: PendingImportsTable;
  webex_session_tickets: WebexSessionTicketsTable;
  webex_oauth_tokens: WebexOAuthTokensTable;
  portal_id_tokens: PortalIdTokensTable;
  portal_session_revocations: PortalSessionRevocationsTable;
  import_rows: ImportRowsTable;
}
