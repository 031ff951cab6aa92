import { Migrator, type RawBuilder, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { log } from '../log';
import type { Dialect } from './dialect';
import { searchTextOf } from './search-text';
import { refreshPlannerStatistics } from './statistics';

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
        await db.schema
          .createIndex('mappings_display_name_ci')
          .on('mappings')
          .expression(sql`lower(display_name)`)
          .execute();
        await db.schema
          .createIndex('mappings_webex_id_ci')
          .on('mappings')
          .expression(sql`lower(webex_id)`)
          .execute();
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
        await db.schema
          .alterTable('mappings')
          .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
        // Backfill with the same function the store writes with, so search folds case the same way.
        const rows = await db
          .selectFrom('mappings' as never)
          .select(['id', 'email', 'webex_id', 'display_name'] as never[])
          .execute();
        for (const row of rows as { id: number; email: string; webex_id: string; display_name: string | null }[]) {
          await db
            .updateTable('mappings' as never)
            .set({ search_text: searchTextOf(row.email, row.webex_id, row.display_name) } as never)
            .where('id' as never, '=', row.id as never)
            .execute();
        }
      },
    },
    '005_search_trigram': {
      async up(db) {
        // Sort keys with the id as tie-breaker, so a page can start after a (key, id) cursor from the index.
        // Display names sort with '' for "no name" on both databases (PostgreSQL put NULL last, SQLite first).
        // (nothing looks a mapping up by its exact WebEx ID: mappings_webex_id only cost every write)
        for (const old of ['mappings_display_name_ci', 'mappings_webex_id_ci', 'mappings_updated_at', 'mappings_webex_id'])
          await db.schema.dropIndex(old).execute();
        await db.schema
          .createIndex('mappings_webex_id_sort')
          .on('mappings')
          .expression(sql`lower(webex_id), id`)
          .execute();
        await db.schema
          .createIndex('mappings_display_name_sort')
          .on('mappings')
          .expression(sql`lower(coalesce(display_name, '')), id`)
          .execute();
        await db.schema.createIndex('mappings_updated_at_sort').on('mappings').columns(['updated_at', 'id']).execute();
        if (dialect === 'sqlite') await createFtsIndexes(db);
        else await createTrigramIndexes(db);

        // A preview's validated rows wait in import_rows (one row per CSV line) instead of one JSON string,
        // so a million-row import never sits in memory; the previews of the old shape are dropped (they live an hour).
        await db.schema.dropTable('pending_imports').execute();
        await id(db, 'pending_imports')
          .addColumn('token', 'text', (c) => c.notNull().unique())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('delete_missing', 'integer', (c) => c.notNull())
          .addColumn('row_count', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('import_rows')
          // PostgreSQL: no WAL for rows that are re-uploaded if lost; SQLite: the rows live in the key's b-tree
          .$call((t) => (dialect === 'postgres' ? t.modifyFront(sql`unlogged`) : t.modifyEnd(sql`without rowid`)))
          .addColumn('import_id', 'integer', (c) => c.notNull())
          .addColumn('line', 'integer', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('webex_id', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text')
          .addColumn('search_text', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('import_rows_pkey', ['import_id', 'line'])
          .execute();
        await db.schema.createIndex('import_rows_email').on('import_rows').columns(['import_id', 'email']).execute();
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
        let table = db.schema
          .createTable('launch_daily')
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('launches', 'integer', (c) => c.notNull().defaultTo(0));
        for (const column of ROLLUP_COLUMNS) table = table.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
        await table.addPrimaryKeyConstraint('launch_daily_pk', ['day', 'outcome']).execute();
        // the launches audited before the rollup existed
        await backfillLaunchRollup(db);
      },
    },
    '010_audit_action_outcome': {
      async up(db) {
        // the dashboard's link to one failure code's launches (action and outcome together): with an
        // index per column, counting them walked much of the log (docs/performance.md §5.7); this is direct
        await db.schema.createIndex('audit_events_action_outcome_at').on('audit_events').columns(['action', 'outcome', 'at']).execute();
      },
    },
    '011_short_search': {
      async up(db) {
        // SQLite: 1–2 character searches through the FTS indexes too (lib/db/substring-search.ts);
        // PostgreSQL's short searches still scan (a GIN index of bigrams would slow every import)
        if (dialect === 'sqlite') await db.transaction().execute(padFtsIndexes);
      },
    },
    '012_session_revocations': {
      async up(db) {
        // portal sessions ended server-side (lib/identity/session-revocations.ts): `session:<id>` by a sign-out,
        // `user:<email>` by an admin's End sessions; the proxy reads one of them per request by key
        await db.schema
          .createTable('portal_session_revocations')
          // SQLite: the rows live in the key's b-tree, so the read is one probe
          .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
          .addColumn('subject', 'text', (c) => c.primaryKey())
          .addColumn('ended_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('portal_session_revocations_expires_at').on('portal_session_revocations').column('expires_at').execute();
      },
    },
    '013_session_tickets_by_credential': {
      async up(db) {
        // A session ticket is kept per portal user, beside what it came from (lib/credentials/session-tickets.ts),
        // no longer per WebEx ID: one host's ticket served anyone resolved to that ID. The cached tickets
        // are dropped (they say nothing of their credential); each host authenticates once more.
        await db.schema.dropTable('webex_session_tickets').execute();
        await db.schema
          .createTable('webex_session_tickets')
          .addColumn('email', 'text', (c) => c.primaryKey())
          .addColumn('webex_id', 'text', (c) => c.notNull())
          .addColumn('binding', 'text', (c) => c.notNull())
          .addColumn('sealed', 'text', (c) => c.notNull())
          .addColumn('use_until', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '014_sites': {
      async up(db) {
        // Several WebEx sites (docs/operations.md §4.1): every row a host has is kept per site, '' the
        // default site, so the rows already here are the default site's and a one-site company sees no change.
        // One transaction (PostgreSQL's migrator gives each migration one; SQLite's here): a crash half-way
        // leaves the tables as they were.
        if (dialect === 'sqlite') await db.transaction().execute(keepPerSite);
        else await keepPerSite(db);
      },
    },
    '015_launch_daily_site': {
      async up(db) {
        // The dashboard by site: the rollup counts each launch under its site ('' the default site), rebuilt
        // from the audit log, where a launch on another site names it (detail.site, since 014). A derived
        // table, so it is made again rather than altered (SQLite cannot change a primary key), in one transaction.
        const rebuild = async <DB>(trx: Kysely<DB>) => {
          await trx.schema.dropTable('launch_daily').execute();
          let table = trx.schema
            .createTable('launch_daily')
            .addColumn('day', 'text', (c) => c.notNull())
            .addColumn('site', 'text', (c) => c.notNull().defaultTo(''))
            .addColumn('outcome', 'text', (c) => c.notNull())
            .addColumn('launches', 'integer', (c) => c.notNull().defaultTo(0));
          for (const column of ROLLUP_COLUMNS) table = table.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
          await table.addPrimaryKeyConstraint('launch_daily_site_pk', ['day', 'site', 'outcome']).execute();
          await backfillLaunchRollup(trx, launchSiteOf(dialect));
        };
        if (dialect === 'sqlite') await db.transaction().execute(rebuild);
        else await rebuild(db);
      },
    },
  };
}

/** Migration 014: mappings, staged import rows, session tickets and OAuth grants keyed by site too. */
async function keepPerSite<DB>(trx: Kysely<DB>): Promise<void> {
  // an employee may have one mapping per site
  await trx.schema
    .alterTable('mappings')
    .addColumn('site', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await trx.schema.dropIndex('mappings_email_key').execute();
  await trx.schema.createIndex('mappings_email_site_key').on('mappings').columns(['email', 'site']).unique().execute();
  // a staged CSV row names its site
  await trx.schema
    .alterTable('import_rows')
    .addColumn('site', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // session tickets: a cache, dropped (each host authenticates once more), keyed by user and site from now on
  await trx.schema.dropTable('webex_session_tickets').execute();
  await trx.schema
    .createTable('webex_session_tickets')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('webex_id', 'text', (c) => c.notNull())
    .addColumn('binding', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('use_until', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webex_session_tickets_pkey', ['email', 'site'])
    .execute();
  // OAuth grants are the employees' own authorisations: kept, each becoming the default site's
  await trx.schema
    .createTable('webex_oauth_tokens_by_site')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull().defaultTo(''))
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
    .addPrimaryKeyConstraint('webex_oauth_tokens_by_site_pkey', ['email', 'site'])
    .execute();
  await sql`insert into webex_oauth_tokens_by_site
                    (email, site, webex_id, sealed, status, access_expires_at, refresh_expires_at, version, lock_owner, lock_until, connected_at, updated_at)
                  select email, '', webex_id, sealed, status, access_expires_at, refresh_expires_at, version, lock_owner, lock_until, connected_at, updated_at
                  from webex_oauth_tokens`.execute(trx);
  await trx.schema.dropTable('webex_oauth_tokens').execute();
  await trx.schema.alterTable('webex_oauth_tokens_by_site').renameTo('webex_oauth_tokens').execute();
}

/**
 * SQLite: FTS5 trigram indexes over the searched text, kept in sync by triggers and filled from the
 * rows already there. Mappings index search_text as written (already lower-cased by JavaScript);
 * the audit index folds case itself.
 */
async function createFtsIndexes(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`create virtual table mappings_fts using fts5(search_text, content='mappings', content_rowid='id', tokenize='trigram case_sensitive 1', columnsize=0)`,
    sql`create trigger mappings_fts_insert after insert on mappings begin
          insert into mappings_fts(rowid, search_text) values (new.id, new.search_text); end`,
    sql`create trigger mappings_fts_delete after delete on mappings begin
          insert into mappings_fts(mappings_fts, rowid, search_text) values ('delete', old.id, old.search_text); end`,
    sql`create trigger mappings_fts_update after update on mappings begin
          insert into mappings_fts(mappings_fts, rowid, search_text) values ('delete', old.id, old.search_text);
          insert into mappings_fts(rowid, search_text) values (new.id, new.search_text); end`,
    sql`insert into mappings_fts(mappings_fts) values ('rebuild')`,
    sql`create virtual table audit_events_fts using fts5(actor, target, content='audit_events', content_rowid='id', tokenize='trigram', columnsize=0)`,
    sql`create trigger audit_events_fts_insert after insert on audit_events begin
          insert into audit_events_fts(rowid, actor, target) values (new.id, new.actor, new.target); end`,
    sql`create trigger audit_events_fts_delete after delete on audit_events begin
          insert into audit_events_fts(audit_events_fts, rowid, actor, target) values ('delete', old.id, old.actor, old.target); end`,
    sql`create trigger audit_events_fts_update after update on audit_events begin
          insert into audit_events_fts(audit_events_fts, rowid, actor, target) values ('delete', old.id, old.actor, old.target);
          insert into audit_events_fts(rowid, actor, target) values (new.id, new.actor, new.target); end`,
    sql`insert into audit_events_fts(audit_events_fts) values ('rebuild')`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/**
 * SQLite: the FTS indexes of migration 005 rebuilt over their text followed by two U+0001, and a
 * fts5vocab table over each, which lists the index's trigrams by range. A text contains a string of
 * 1 or 2 characters exactly where one of its trigrams starts with it, once the text's last two
 * characters start trigrams too. The padded text comes from a view, the FTS tables' content, so
 * FTS5's 'rebuild' and 'integrity-check' read what the triggers index (with the padding in the
 * triggers only, a rebuild would drop it and the check failed: "database disk image is malformed").
 * One transaction: the tables are dropped and filled again, and a crash between the two must not
 * leave them gone.
 */
async function padFtsIndexes<DB>(db: Kysely<DB>): Promise<void> {
  // two U+0001, the separator of search-text.ts, which substringMatch never looks for
  const padded = (column: string) => sql`${sql.ref(column)} || char(1, 1)`;
  // FTS5 writes what it collects in memory as a new segment, and merges segments, each time this
  // much is held (default 1 MiB): at 8 MiB, large imports apply markedly faster, and the rebuild
  // here too (docs/performance.md §5.8). It is memory of the writing connection only while it writes.
  const collectUpTo = (table: string) => sql`insert into ${sql.table(table)}(${sql.ref(table)}, rank) values ('hashsize', ${sql.lit(8 * 1024 * 1024)})`;
  const statements = [
    ...['insert', 'delete', 'update'].flatMap((event) => [
      sql`drop trigger mappings_fts_${sql.raw(event)}`,
      sql`drop trigger audit_events_fts_${sql.raw(event)}`,
    ]),
    sql`drop table mappings_fts`,
    sql`drop table audit_events_fts`,

    sql`create view mappings_fts_content as select id, ${padded('search_text')} as search_text from mappings`,
    sql`create virtual table mappings_fts using fts5(search_text, content='mappings_fts_content', content_rowid='id', tokenize='trigram case_sensitive 1', columnsize=0)`,
    collectUpTo('mappings_fts'),
    sql`create virtual table mappings_fts_vocab using fts5vocab(mappings_fts, 'row')`,
    sql`create trigger mappings_fts_insert after insert on mappings begin
          insert into mappings_fts(rowid, search_text) values (new.id, ${padded('new.search_text')}); end`,
    sql`create trigger mappings_fts_delete after delete on mappings begin
          insert into mappings_fts(mappings_fts, rowid, search_text) values ('delete', old.id, ${padded('old.search_text')}); end`,
    sql`create trigger mappings_fts_update after update on mappings begin
          insert into mappings_fts(mappings_fts, rowid, search_text) values ('delete', old.id, ${padded('old.search_text')});
          insert into mappings_fts(rowid, search_text) values (new.id, ${padded('new.search_text')}); end`,
    sql`insert into mappings_fts(mappings_fts) values ('rebuild')`,

    // a NULL target stays NULL (nothing to find in it)
    sql`create view audit_events_fts_content as select id, ${padded('actor')} as actor, ${padded('target')} as target from audit_events`,
    sql`create virtual table audit_events_fts using fts5(actor, target, content='audit_events_fts_content', content_rowid='id', tokenize='trigram', columnsize=0)`,
    collectUpTo('audit_events_fts'),
    sql`create virtual table audit_events_fts_vocab using fts5vocab(audit_events_fts, 'row')`,
    sql`create trigger audit_events_fts_insert after insert on audit_events begin
          insert into audit_events_fts(rowid, actor, target) values (new.id, ${padded('new.actor')}, ${padded('new.target')}); end`,
    sql`create trigger audit_events_fts_delete after delete on audit_events begin
          insert into audit_events_fts(audit_events_fts, rowid, actor, target) values ('delete', old.id, ${padded('old.actor')}, ${padded('old.target')}); end`,
    sql`create trigger audit_events_fts_update after update on audit_events begin
          insert into audit_events_fts(audit_events_fts, rowid, actor, target) values ('delete', old.id, ${padded('old.actor')}, ${padded('old.target')});
          insert into audit_events_fts(rowid, actor, target) values (new.id, ${padded('new.actor')}, ${padded('new.target')}); end`,
    sql`insert into audit_events_fts(audit_events_fts) values ('rebuild')`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/**
 * PostgreSQL: pg_trgm GIN indexes, which LIKE '%…%' uses by itself (rows are rechecked, so results
 * are exact). pg_trgm ships in PostgreSQL's contrib; where it cannot be installed, search still works
 * by scanning, and this says so once.
 */
async function createTrigramIndexes(db: Kysely<unknown>): Promise<void> {
  // Migrations run in one transaction on PostgreSQL: a failed CREATE EXTENSION must not abort it.
  await sql`savepoint pg_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`release savepoint pg_trgm`.execute(db);
  } catch (err) {
    await sql`rollback to savepoint pg_trgm`.execute(db);
    log.warn(
      { err },
      'pg_trgm is not available (install PostgreSQL contrib, or have a superuser run CREATE EXTENSION pg_trgm): mapping search and the audit user filter scan their tables instead of using trigram indexes',
    );
    return;
  }
  // The extension may live in another schema than ours (it is installed once per database).
  const { rows } = await sql<{
    schema: string;
  }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  const ops = sql.id(rows[0]?.schema ?? 'public', 'gin_trgm_ops');
  await sql`create index mappings_search_trgm on mappings using gin (search_text ${ops})`.execute(db);
  await sql`create index audit_events_actor_trgm on audit_events using gin (lower(actor) ${ops})`.execute(db);
  await sql`create index audit_events_target_trgm on audit_events using gin (lower(target) ${ops})`.execute(db);
}

/** The migrator over this app's migrations (tests use it to stop at an older version). */
export function createMigrator(db: Kysely<unknown>, dialect: Dialect, schema?: string): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

/**
 * PostgreSQL: the schema our tables go to (the first of search_path). Kysely's migrator, told no
 * schema, takes its bookkeeping tables in ANY schema of the database for its own: with another
 * application's (or another test's) kysely_migration_lock elsewhere, it skipped creating ours and
 * failed ("relation kysely_migration_lock does not exist"), or could have skipped our migrations.
 */
async function migrationSchema(db: Kysely<unknown>, dialect: Dialect): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  return (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ?? undefined;
}

/** Applies every pending migration; safe to call on every start and from several processes. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const { error, results } = await createMigrator(db, dialect, await migrationSchema(db, dialect)).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`webex-sso: database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // SQLite: let the planner know the new indexes' shape.
  await refreshPlannerStatistics(db);
}

// Migration 009's own copy of the launch rollup (lib/audit/launch-rollup.ts, rebuildLaunchRollup): a
// migration is a snapshot of the schema it made, so it does not follow later changes to the live code,
// and lib/db imports no domain module.
const ROLLUP_BOUNDS_MS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000] as const;
const ROLLUP_COLUMNS = ['d_le_100', 'd_le_250', 'd_le_500', 'd_le_1000', 'd_le_2500', 'd_le_5000', 'd_le_10000', 'd_over'] as const;

/**
 * The site an audited launch counts under, as SQL: detail.site, '' when it names none (the default
 * site) or when the launch named a site that is not configured (SITE_UNKNOWN: the default site
 * refused it, and the rollup's sites stay the configured ones). Migration 015's copy.
 */
function launchSiteOf(dialect: Dialect): RawBuilder<string> {
  const named = dialect === 'sqlite' ? sql`json_extract(detail, '$.site')` : sql`(detail::jsonb ->> 'site')`;
  return sql<string>`case when outcome = 'SITE_UNKNOWN' then '' else coalesce(${named}, '') end`;
}

/** The rollup rebuilt from the audit log: migration 009's backfill, and (with `site`, the column 015 added) 015's. */
async function backfillLaunchRollup<DB>(db: Kysely<DB>, site?: RawBuilder<string>): Promise<void> {
  const bucketSums = ROLLUP_COLUMNS.map((column, i) => {
    const low = i === 0 ? undefined : ROLLUP_BOUNDS_MS[i - 1];
    const high = ROLLUP_BOUNDS_MS[i];
    const condition =
      high === undefined
        ? sql`coalesce(duration_ms, 0) > ${sql.lit(low ?? 0)}`
        : low === undefined
          ? sql`coalesce(duration_ms, 0) <= ${sql.lit(high)}`
          : sql`coalesce(duration_ms, 0) > ${sql.lit(low)} and coalesce(duration_ms, 0) <= ${sql.lit(high)}`;
    return sql`sum(case when ${condition} then 1 else 0 end) as ${sql.ref(column)}`;
  });
  // 015's site column, between the day and the outcome, in the columns, the values and the grouping alike
  const siteColumn = site ? sql`site, ` : sql``;
  const siteValue = site ? sql`${site} as site, ` : sql``;
  const siteGroup = site ? sql`${site}, ` : sql``;
  await sql`delete from launch_daily`.execute(db);
  await sql`insert into launch_daily (day, ${siteColumn}outcome, launches, ${sql.join(ROLLUP_COLUMNS.map((c) => sql.ref(c)))})
    select substr(at, 1, 10) as day, ${siteValue}outcome, count(*) as launches, ${sql.join(bucketSums)}
    from audit_events where action = 'launch' group by substr(at, 1, 10), ${siteGroup}outcome`.execute(db);
}
