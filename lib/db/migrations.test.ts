import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect, sql } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit';
import { listMappings } from '../mappings/store';
import { createMigrator, migrateToLatest } from './migrations';
import type { Database } from './schema';

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

  it('005 indexes mappings and audit events written before it, so trigram search finds them', async () => {
    const db = open('upgrade-005.sqlite');
    const migrator = createMigrator(db as Kysely<unknown>, 'sqlite');
    expect((await migrator.migrateTo('003_mappings_search_text')).error).toBeUndefined();
    await sql`insert into mappings (email, webex_id, display_name, credential, version, created_at, updated_at, search_text)
              values ('emile@example.com', 'Emile.Z', 'Émile Zola', null, 1, '2025-01-01', '2025-01-01', ${'emile@example.com\u0001emile.z\u0001émile zola'})`.execute(db);
    await sql`insert into audit_events (at, actor, action, target, outcome) values ('2025-01-01T00:00:00.000Z', 'Admin@Example.com', 'mapping.create', 'emile@example.com', 'OK')`.execute(db);
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    // the FTS indexes hold exactly the rows of their tables (FTS5's own check against the content)
    await sql`insert into mappings_fts(mappings_fts, rank) values ('integrity-check', 1)`.execute(db);
    await sql`insert into audit_events_fts(audit_events_fts, rank) values ('integrity-check', 1)`.execute(db);
    expect((await sql<{ n: number }>`select count(*) as n from mappings_fts where mappings_fts match '"zola"'`.execute(db)).rows[0]?.n).toBe(1);
    expect((await listMappings(db, { q: 'ÉMILE ZO' })).rows.map((r) => r.email)).toEqual(['emile@example.com']);
    expect((await listAuditEvents(db, { user: 'admin@EXAMPLE' })).rows.map((r) => r.target)).toEqual(['emile@example.com']);
    await db.destroy();
  });
});
