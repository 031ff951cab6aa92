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

describe('migrations', () => {
  it('are idempotent: a second run changes nothing', async () => {
    const db = open('twice.sqlite');
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual(['001_mappings_and_audit', '002_admin_search_and_imports', '003_mappings_search_text', '005_search_trigram']);
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
