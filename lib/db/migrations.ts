import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './connection';
import { BUCKET_COLUMNS, rebuildLaunchRollup } from '../dashboard';
import { searchTextOf } from './search-text';

// Migrations live in code (not files) so the bundled server and the CLI apply the same list.
function migrations(dialect: Dialect): Record<string, Migration> {
  // SQLite and PostgreSQL spell an auto-incrementing key differently.
  const id = <T extends Parameters<Kysely<unknown>['schema']['createTable']>[0]>(db: Kysely<unknown>, table: T) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn('id', 'serial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    '001_mappings_and_audit': {
      async up(db) {
        await id(db, 'mappings')
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('webex_id', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text')
          .addColumn('credential', 'text')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('mappings_email_key').on('mappings').column('email').unique().execute();
        await db.schema.createIndex('mappings_webex_id').on('mappings').column('webex_id').execute();

        await id(db, 'audit_events')
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text')
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .addColumn('duration_ms', 'integer')
          .addColumn('request_id', 'text')
          .execute();
        await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
        await db.schema.createIndex('audit_events_actor_at').on('audit_events').columns(['actor', 'at']).execute();
      },
    },
    '002_admin_search_and_imports': {
      async up(db) {
        // sort columns of the admin list, and the audit page's filters
        await db.schema.createIndex('mappings_display_name_ci').on('mappings').expression(sql`lower(display_name)`).execute();
        await db.schema.createIndex('mappings_webex_id_ci').on('mappings').expression(sql`lower(webex_id)`).execute();
        await db.schema.createIndex('mappings_updated_at').on('mappings').column('updated_at').execute();
        await db.schema.createIndex('audit_events_action_at').on('audit_events').columns(['action', 'at']).execute();
        await db.schema.createIndex('audit_events_outcome_at').on('audit_events').columns(['outcome', 'at']).execute();
        // a validated CSV waiting for the admin's "apply" (previews are short-lived)
        await db.schema
          .createTable('pending_imports')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('delete_missing', 'integer', (c) => c.notNull())
          .addColumn('row_count', 'integer', (c) => c.notNull())
          .addColumn('rows', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '003_mappings_search_text': {
      async up(db) {
        await db.schema.alterTable('mappings').addColumn('search_text', 'text', (c) => c.notNull().defaultTo('')).execute();
        // Backfill with the same function the store writes with, so search folds case the same way.
        const rows = await db.selectFrom('mappings' as never).select(['id', 'email', 'webex_id', 'display_name'] as never[]).execute();
        for (const row of rows as { id: number; email: string; webex_id: string; display_name: string | null }[]) {
          await db
            .updateTable('mappings' as never)
            .set({ search_text: searchTextOf(row.email, row.webex_id, row.display_name) } as never)
            .where('id' as never, '=', row.id as never)
            .execute();
        }
      },
    },
    '004_passwordless_credentials': {
      async up(db) {
        await db.schema
          .createTable('webex_session_tickets')
          .addColumn('webex_id', 'text', (c) => c.primaryKey())
          .addColumn('sealed', 'text', (c) => c.notNull())
          .addColumn('use_until', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('webex_oauth_tokens')
          .addColumn('email', 'text', (c) => c.primaryKey())
          .addColumn('webex_id', 'text', (c) => c.notNull())
          .addColumn('sealed', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('access_expires_at', 'text')
          .addColumn('refresh_expires_at', 'text')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('lock_owner', 'text')
          .addColumn('lock_until', 'text')
          .addColumn('connected_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '007_portal_id_tokens': {
      async up(db) {
        // the identity provider's ID token of each portal session, for RP-initiated logout's
        // id_token_hint; kept here, not in the session cookie, which it would make too large
        await db.schema
          .createTable('portal_id_tokens')
          .addColumn('ref', 'text', (c) => c.primaryKey())
          .addColumn('sealed', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('portal_id_tokens_expires_at').on('portal_id_tokens').column('expires_at').execute();
      },
    },
    '008_launch_rate_limits': {
      async up(db) {
        // rate-limiter-flexible's own table layout (RateLimiterSQLite / RateLimiterPostgres), created
        // here so every instance finds it at start; `expire` is epoch milliseconds
        await db.schema
          .createTable('launch_rate_limits')
          .addColumn('key', dialect === 'postgres' ? 'varchar(255)' : 'text', (c) => c.primaryKey())
          .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('expire', dialect === 'postgres' ? 'bigint' : 'integer')
          .execute();
      },
    },
    '009_launch_rollup': {
      async up(db) {
        let table = db.schema.createTable('launch_daily').addColumn('day', 'text', (c) => c.notNull()).addColumn('outcome', 'text', (c) => c.notNull()).addColumn('launches', 'integer', (c) => c.notNull().defaultTo(0));
        for (const column of BUCKET_COLUMNS) table = table.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
        await table.addPrimaryKeyConstraint('launch_daily_pk', ['day', 'outcome']).execute();
        // the launches audited before the rollup existed
        await rebuildLaunchRollup(db);
      },
    },
  };
}

/** The migrator over this app's migrations (tests use it to stop at an older version). */
export function createMigrator(db: Kysely<unknown>, dialect: Dialect): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  return new Migrator({ db, provider });
}

/** Applies every pending migration; safe to call on every start and from several processes. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const { error, results } = await createMigrator(db, dialect).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`webex-sso: database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // SQLite: let the planner know the new indexes' shape.
  if (dialect === 'sqlite') await sql`PRAGMA optimize`.execute(db);
}
