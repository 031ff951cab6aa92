import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql, type Compilable } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { listAuditEvents, rebuildLaunchRollup } from '../audit';
import { listMappings } from '../mappings';
import { createMigrator, migrateToLatest } from './migrations';
import type { Dialect } from './dialect';
import type { Database } from './schema';
import { addUnsearchedRows, openTempPostgresSchema } from '../testing/temp-database';

const dir = mkdtempSync(join(tmpdir(), 'webex-sso-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(name: string): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(join(dir, name)) }) });
}

/** Every schema object (tables, indexes, their SQL) and every row of every table; SQLite's
 * planner statistics (sqlite_stat*, refreshed by PRAGMA optimize on every run) are not data. */
async function snapshot(db: Kysely<Database>) {
  const schema = await sql<{ type: string; name: string; tbl_name: string; sql: string | null }>`
    select type, name, tbl_name, sql from sqlite_master order by type, name`.execute(db);
  const data: Record<string, unknown[]> = {};
  for (const { name } of schema.rows.filter((r) => r.type === 'table' && !r.name.startsWith('sqlite_stat'))) {
    // sorted here, not by rowid: some tables are WITHOUT ROWID
    const rows = (await sql`select * from ${sql.table(name)}`.execute(db)).rows;
    data[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return { schema: schema.rows, data };
}

describe('migrations', () => {
  it('are idempotent: a second run changes nothing', async () => {
    const db = open('twice.sqlite');
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    // data written between the runs must come through a second run untouched, as must the schema
    await sql`insert into mappings (email, webex_id, display_name, credential, version, created_at, updated_at, search_text)
              values ('emile@example.com', 'Emile.Z', 'Émile Zola', 'sealed', 3, '2025-01-01', '2025-01-02', 'stale on purpose')`.execute(db);
    await sql`insert into audit_events (at, actor, action, target, outcome) values ('2025-01-01', 'a', 'launch', 'x', 'OK')`.execute(db);
    const before = await snapshot(db);
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    expect(await snapshot(db)).toEqual(before);
    expect(before.data.mappings).toHaveLength(1);

    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    // every migration the app defines, each applied once
    expect(applied.rows.map((r) => r.name)).toEqual((await createMigrator(db as Kysely<unknown>, 'sqlite').getMigrations()).map((m) => m.name));
    await db.destroy();
  });

  it('009 backfills the launch rollup from the launches audited before it, as the live rebuild counts them', async () => {
    const db = open('upgrade-009.sqlite');
    expect((await createMigrator(db as Kysely<unknown>, 'sqlite').migrateTo('008_launch_rate_limits')).error).toBeUndefined();
    for (const [at, outcome, duration] of [
      ['2026-11-01T09:00:00Z', 'OK', 80],
      ['2026-11-01T10:00:00Z', 'OK', 300],
      ['2026-11-01T11:00:00Z', 'WEBEX_TIMEOUT', 12_000],
      ['2026-11-02T09:00:00Z', 'OK', null],
    ] as const) {
      await sql`insert into audit_events (at, actor, action, target, outcome, duration_ms) values (${at}, 'a@example.com', 'launch', 'a', ${outcome}, ${duration})`.execute(
        db,
      );
    }
    await sql`insert into audit_events (at, actor, action, target, outcome) values ('2026-11-01T12:00:00Z', 'admin@example.com', 'mapping.create', 'x', 'OK')`.execute(
      db,
    );
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    const rollup = async () => (await sql`select * from launch_daily order by day, outcome`.execute(db)).rows;
    const backfilled = await rollup();
    expect(backfilled).toEqual([
      expect.objectContaining({ day: '2026-11-01', outcome: 'OK', launches: 2, d_le_100: 1, d_le_500: 1 }),
      expect.objectContaining({ day: '2026-11-01', outcome: 'WEBEX_TIMEOUT', launches: 1, d_over: 1 }),
      expect.objectContaining({ day: '2026-11-02', outcome: 'OK', launches: 1, d_le_100: 1 }),
    ]);
    await rebuildLaunchRollup(db);
    expect(await rollup()).toEqual(backfilled);
    await db.destroy();
  });

  it('003 backfills search_text for mappings written before it, so old rows are found', async () => {
    const db = open('upgrade.sqlite');
    const migrator = createMigrator(db as Kysely<unknown>, 'sqlite');
    expect((await migrator.migrateTo('002_admin_search_and_imports')).error).toBeUndefined();
    await sql`insert into mappings (email, webex_id, display_name, credential, version, created_at, updated_at)
              values ('emile@example.com', 'Emile.Z', 'Émile Zola', null, 1, '2025-01-01', '2025-01-01')`.execute(db);

    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    const { rows } = await listMappings(db, { q: 'ÉMILE' });
    expect(rows.map((r) => r.email)).toEqual(['emile@example.com']);
    expect((await listMappings(db, { q: 'emile.z' })).total).toBe(1);
    await db.destroy();
  });

  /**
   * A database migrated to `version`, where Émile's mapping and an audit event about `target` are
   * written (after `before`), then migrated to the latest version: its FTS indexes must hold exactly
   * the rows of their tables (FTS5's own check against the content).
   */
  async function upgradeFrom(name: string, version: string, target: string, before?: (db: Kysely<Database>) => Promise<void>): Promise<Kysely<Database>> {
    const db = open(name);
    expect((await createMigrator(db as Kysely<unknown>, 'sqlite').migrateTo(version)).error).toBeUndefined();
    await before?.(db);
    await sql`insert into mappings (email, webex_id, display_name, credential, version, created_at, updated_at, search_text)
              values ('emile@example.com', 'Emile.Z', 'Émile Zola', null, 1, '2025-01-01', '2025-01-01', ${'emile@example.com\u0001emile.z\u0001émile zola'})`.execute(
      db,
    );
    await sql`insert into audit_events (at, actor, action, target, outcome) values ('2025-01-01T00:00:00.000Z', 'Admin@Example.com', 'mapping.create', ${target}, 'OK')`.execute(
      db,
    );
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    await sql`insert into mappings_fts(mappings_fts, rank) values ('integrity-check', 1)`.execute(db);
    await sql`insert into audit_events_fts(audit_events_fts, rank) values ('integrity-check', 1)`.execute(db);
    return db;
  }

  it('005 indexes mappings and audit events written before it, so trigram search finds them', async () => {
    const db = await upgradeFrom('upgrade-005.sqlite', '003_mappings_search_text', 'emile@example.com');
    expect((await sql<{ n: number }>`select count(*) as n from mappings_fts where mappings_fts match '"zola"'`.execute(db)).rows[0]?.n).toBe(1);
    expect((await listMappings(db, { q: 'ÉMILE ZO' })).rows.map((r) => r.email)).toEqual(['emile@example.com']);
    expect((await listAuditEvents(db, { user: 'admin@EXAMPLE' })).rows.map((r) => r.target)).toEqual(['emile@example.com']);
    await db.destroy();
  });

  it('011 re-indexes the rows written before it, so 1–2 character searches find the ends of their text', async () => {
    // with enough other rows that short searches go through the index
    const db = await upgradeFrom('upgrade-011.sqlite', '010_audit_action_outcome', 'Émile', (old) => addUnsearchedRows(old, 40_000));
    // the last characters of each text now start trigrams, with the padding
    const trigrams = async (table: string, terms: string[]) =>
      (await sql<{ term: string }>`select term from ${sql.table(`${table}_fts_vocab`)} where term in (${sql.join(terms)}) order by term`.execute(db)).rows.map(
        (r) => r.term,
      );
    expect(await trigrams('mappings', ['la\u0001', 'a\u0001\u0001'])).toEqual(['a\u0001\u0001', 'la\u0001']);
    expect(await trigrams('audit_events', ['om\u0001', 'le\u0001', 'e\u0001\u0001'])).toEqual(['e\u0001\u0001', 'le\u0001', 'om\u0001']);
    expect((await listMappings(db, { q: 'la' })).rows.map((r) => r.email)).toEqual(['emile@example.com']);
    expect((await listAuditEvents(db, { user: 'om' })).rows.map((r) => r.target)).toEqual(['Émile']);
    expect((await listAuditEvents(db, { user: 'le' })).rows.map((r) => r.target)).toEqual(['Émile']);
    await db.destroy();
  }, 30_000);

  it('012 keeps session revocations by subject, read by primary key and pruned through an index of their expiry', async () => {
    const db = open('upgrade-012.sqlite');
    expect((await createMigrator(db as Kysely<unknown>, 'sqlite').migrateTo('011_short_search')).error).toBeUndefined();
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    await db
      .insertInto('portal_session_revocations')
      .values({ subject: 'session:abc', ended_at: '2026-01-01T00:00:00.000Z', expires_at: '2026-01-01T08:00:00.000Z' })
      .execute();
    await expect(db.insertInto('portal_session_revocations').values({ subject: 'session:abc', ended_at: 'x', expires_at: 'y' }).execute()).rejects.toThrow(
      /UNIQUE/,
    );
    const plan = async (query: Compilable) => {
      const { sql: text, parameters } = query.compile();
      return (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]))).rows.map((r) => r.detail).join('; ');
    };
    // the proxy's read on every request with a session: one probe of the key's b-tree
    expect(
      await plan(db.selectFrom('portal_session_revocations').select(['subject', 'ended_at']).where('subject', 'in', ['session:abc', 'user:a@example.com'])),
    ).toBe('SEARCH portal_session_revocations USING PRIMARY KEY (subject=?)');
    expect(await plan(db.deleteFrom('portal_session_revocations').where('expires_at', '<', '2026-01-01T00:00:00.000Z'))).toMatch(
      /USING (COVERING )?INDEX portal_session_revocations_expires_at \(expires_at<\?\)/,
    );
    await db.destroy();
  });
});

const postgres = await openTempPostgresSchema('migration-013');
afterAll(async () => {
  await postgres?.drop();
});

describe('013 session tickets by credential', () => {
  /**
   * A ticket cached by WebEx ID alone before 013 says nothing of the credential it came from: it is
   * gone after; the new table keeps one ticket per portal user, with its WebEx ID and binding.
   */
  async function upgrade(db: Kysely<Database>, dialect: Dialect, schema?: string) {
    const migrator = createMigrator(db as Kysely<unknown>, dialect, schema);
    expect((await migrator.migrateTo('011_short_search')).error).toBeUndefined();
    await sql`insert into webex_session_tickets (webex_id, sealed, use_until, created_at) values ('shared', 'sealed-by-webex-id', '2999-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`.execute(
      db,
    );
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await db.selectFrom('webex_session_tickets').selectAll().execute()).toEqual([]);
    const row = {
      email: 'alice@example.com',
      webex_id: 'shared',
      binding: 'saml:alice@example.com',
      sealed: 'sealed',
      use_until: '2999-01-01T00:00:00.000Z',
      created_at: '2025-01-01T00:00:00.000Z',
    };
    await db.insertInto('webex_session_tickets').values(row).execute();
    await expect(
      db
        .insertInto('webex_session_tickets')
        .values({ ...row, webex_id: 'other' })
        .execute(),
    ).rejects.toThrow();
    // since 014 a ticket is also keyed by its site (the default site's: '')
    expect(await db.selectFrom('webex_session_tickets').selectAll().execute()).toEqual([{ ...row, site: '' }]);
  }

  it('SQLite', async () => {
    const db = open('upgrade-013.sqlite');
    await upgrade(db, 'sqlite');
    await db.destroy();
  });

  it.skipIf(!postgres)('PostgreSQL', async () => {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgres?.url, max: 1 }) }) });
    try {
      const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
      await upgrade(db, 'postgres', schema);
    } finally {
      await db.destroy();
    }
  });
});

const postgres014 = await openTempPostgresSchema('migration-014');
afterAll(async () => {
  await postgres014?.drop();
});

describe('014 sites', () => {
  /**
   * The rows of a one-site company become the default site's (''); after it an employee may have
   * one mapping and one OAuth grant per site, never two on one site; the grants are kept.
   */
  async function upgrade(db: Kysely<Database>, dialect: Dialect, schema?: string) {
    const migrator = createMigrator(db as Kysely<unknown>, dialect, schema);
    expect((await migrator.migrateTo('013_session_tickets_by_credential')).error).toBeUndefined();
    const at = '2025-01-01T00:00:00.000Z';
    await sql`insert into mappings (email, webex_id, version, search_text, created_at, updated_at) values ('ana@example.com', 'ana', 1, 'ana', ${at}, ${at})`.execute(
      db,
    );
    await sql`insert into webex_oauth_tokens (email, webex_id, sealed, status, version, connected_at, updated_at) values ('ana@example.com', 'ana', 'sealed-grant', 'connected', 3, ${at}, ${at})`.execute(
      db,
    );
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    expect(await db.selectFrom('mappings').select(['email', 'site', 'webex_id']).execute()).toEqual([{ email: 'ana@example.com', site: '', webex_id: 'ana' }]);
    expect(await db.selectFrom('webex_oauth_tokens').select(['email', 'site', 'sealed', 'version']).execute()).toEqual([
      { email: 'ana@example.com', site: '', sealed: 'sealed-grant', version: 3 },
    ]);
    const mapping = { email: 'ana@example.com', webex_id: 'ana.eu', version: 1, search_text: 'ana', created_at: at, updated_at: at };
    await db
      .insertInto('mappings')
      .values({ ...mapping, site: 'acme-eu' })
      .execute();
    await expect(
      db
        .insertInto('mappings')
        .values({ ...mapping, site: 'acme-eu', webex_id: 'other' })
        .execute(),
    ).rejects.toThrow();
    await expect(db.insertInto('mappings').values(mapping).execute()).rejects.toThrow();
    const grant = { email: 'ana@example.com', webex_id: 'ana.eu', status: 'connected', version: 1, connected_at: at, updated_at: at };
    await db
      .insertInto('webex_oauth_tokens')
      .values({ ...grant, site: 'acme-eu' })
      .execute();
    await expect(db.insertInto('webex_oauth_tokens').values(grant).execute()).rejects.toThrow();
  }

  it('SQLite', async () => {
    const db = open('upgrade-014.sqlite');
    await upgrade(db, 'sqlite');
    await db.destroy();
  });

  it.skipIf(!postgres014)('PostgreSQL', async () => {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgres014?.url, max: 1 }) }) });
    try {
      const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
      await upgrade(db, 'postgres', schema);
    } finally {
      await db.destroy();
    }
  });
});

const postgres015 = await openTempPostgresSchema('migration-015');
afterAll(async () => {
  await postgres015?.drop();
});

describe('015 the launch rollup by site', () => {
  /** The rollup is rebuilt from the audit log: each launch under the site its detail names, SITE_UNKNOWN's under the default. */
  async function upgrade(db: Kysely<Database>, dialect: Dialect, schema?: string) {
    const migrator = createMigrator(db as Kysely<unknown>, dialect, schema);
    expect((await migrator.migrateTo('014_sites')).error).toBeUndefined();
    const launch = (outcome: string, detail: object | null) =>
      sql`insert into audit_events (at, actor, action, target, outcome, detail, duration_ms)
          values ('2026-12-01T10:00:00.000Z', 'ana@example.com', 'launch', 'ana', ${outcome}, ${detail && JSON.stringify(detail)}, 120)`.execute(db);
    await launch('OK', null);
    await launch('OK', { api: 'xml', site: 'acme-eu' });
    await launch('WEBEX_TIMEOUT', { site: 'acme-eu' });
    await launch('SITE_UNKNOWN', { site: 'made-up-site' });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    const rows = await db.selectFrom('launch_daily').select(['day', 'site', 'outcome', 'launches', 'd_le_250']).orderBy('site').orderBy('outcome').execute();
    expect(rows.map((r) => ({ ...r, launches: Number(r.launches), d_le_250: Number(r.d_le_250) }))).toEqual([
      { day: '2026-12-01', site: '', outcome: 'OK', launches: 1, d_le_250: 1 },
      { day: '2026-12-01', site: '', outcome: 'SITE_UNKNOWN', launches: 1, d_le_250: 1 },
      { day: '2026-12-01', site: 'acme-eu', outcome: 'OK', launches: 1, d_le_250: 1 },
      { day: '2026-12-01', site: 'acme-eu', outcome: 'WEBEX_TIMEOUT', launches: 1, d_le_250: 1 },
    ]);
    // one row per day, site and outcome
    await expect(sql`insert into launch_daily (day, site, outcome, launches) values ('2026-12-01', 'acme-eu', 'OK', 1)`.execute(db)).rejects.toThrow();
  }

  it('SQLite', async () => {
    const db = open('upgrade-015.sqlite');
    await upgrade(db, 'sqlite');
    await db.destroy();
  });

  it.skipIf(!postgres015)('PostgreSQL', async () => {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgres015?.url, max: 1 }) }) });
    try {
      const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
      await upgrade(db, 'postgres', schema);
    } finally {
      await db.destroy();
    }
  });
});
