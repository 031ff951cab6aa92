/**
 * The same store, import and audit code against PostgreSQL (DATABASE_URL=postgres://… for
 * several instances). Uses POSTGRES_TEST_URL (default postgres://postgres@127.0.0.1:5432/test)
 * in a throwaway schema; says clearly that it skipped when no server answers.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listAuditEvents, recordAudit } from '../audit';
import { log } from '../log';
import {
  type AdminContext,
  createMapping,
  deleteMapping,
  exportMappingCsv,
  importMappings,
  listMappings,
  MappingWriteError,
  newMappingRow,
  previewImport,
  updateMapping,
} from '../mappings';
import { ONE_SITE } from '../testing/config';
import { openMigratedDatabase, type Db } from './connection';
import { createMigrator } from './migrations';

const SERVER = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `webex_sso_test_${randomBytes(4).toString('hex')}`;
const url = `${SERVER}${SERVER.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    // pg_trgm is installed once per database: put it in the server's default schema first, or the
    // migration would install it into the throwaway schema and dropping that would take it away.
    await client.query('create extension if not exists pg_trgm').catch(() => undefined);
    await client.query(`create schema ${schema}`);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const available = await reachable();
if (!available) console.warn(`SKIPPED: PostgreSQL tests — no server answered at ${SERVER} (set POSTGRES_TEST_URL to run them)`);

describe.skipIf(!available)('PostgreSQL', () => {
  let store: Db;

  beforeAll(async () => {
    // two instances starting at once must both end up migrated, once
    const [a, b] = await Promise.all([openMigratedDatabase(url), openMigratedDatabase(url)]);
    await b.db.destroy();
    store = a;
  });

  afterAll(async () => {
    await store?.db.destroy();
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    await client.query(`drop schema ${schema} cascade`);
    await client.end();
  });

  it('is the postgres dialect, migrated once', async () => {
    expect(store.dialect).toBe('postgres');
    const migrations = await store.db
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .execute();
    const defined = await createMigrator(store.db as Kysely<unknown>, 'postgres').getMigrations();
    expect(migrations).toHaveLength(defined.length);
    const indexes = await store.db
      .selectFrom('pg_indexes' as never)
      .select('indexname' as never)
      .where('schemaname' as never, '=', schema as never)
      .execute();
    expect(indexes.map((i) => (i as { indexname: string }).indexname)).toEqual(
      expect.arrayContaining(['mappings_search_trgm', 'audit_events_actor_trgm', 'audit_events_target_trgm']),
    );
  });

  it('migrates its own schema, whatever another schema of the database holds', async () => {
    // another application (or test) already keeps Kysely's bookkeeping tables in another schema
    const other = `${schema}_other`;
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    await client.query(`create schema ${other}`);
    try {
      await client.query(`create table ${other}.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`);
      await client.query(`create table ${other}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`);
      await client.query(`insert into ${other}.kysely_migration values ('999_someone_elses', '2020-01-01')`);
      const fresh = `${schema}_fresh`;
      await client.query(`create schema ${fresh}`);
      try {
        const { db } = await openMigratedDatabase(`${SERVER}${SERVER.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${fresh}`)}`);
        try {
          const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
          const defined = await createMigrator(db as Kysely<unknown>, 'postgres').getMigrations();
          expect(applied.rows.map((r) => r.name)).toEqual(defined.map((m) => m.name));
          expect((await sql<{ n: string }>`select count(*) as n from mappings`.execute(db)).rows[0]?.n).toBe('0');
        } finally {
          await db.destroy();
        }
      } finally {
        await client.query(`drop schema ${fresh} cascade`);
      }
    } finally {
      await client.query(`drop schema ${other} cascade`);
      await client.end();
    }
  });

  it('creates, refuses duplicates case-insensitively and stale updates', async () => {
    const created = await createMapping(store.db, { email: 'Pat@Example.com', webexId: 'pat', displayName: 'Pat 100%', sealedCredential: null });
    await expect(createMapping(store.db, { email: 'pat@example.COM', webexId: 'x', displayName: null, sealedCredential: null })).rejects.toMatchObject({
      reason: 'duplicate-email',
    });
    await updateMapping(store.db, created.id, 1, { email: 'pat@example.com', webexId: 'pat2', displayName: 'Pat 100%' });
    const stale = updateMapping(store.db, created.id, 1, { email: 'pat@example.com', webexId: 'lost', displayName: null });
    await expect(stale).rejects.toBeInstanceOf(MappingWriteError);
    await expect(stale).rejects.toMatchObject({ reason: 'stale' });
  });

  it('searches case-insensitively with % and _ taken literally, and counts', async () => {
    await createMapping(store.db, { email: 'quinn@example.com', webexId: 'Q_1', displayName: 'Quinn 1000', sealedCredential: null });
    expect((await listMappings(store.db, { q: 'PAT' })).total).toBe(1);
    expect((await listMappings(store.db, { q: '100%' })).rows.map((r) => r.email)).toEqual(['pat@example.com']);
    expect((await listMappings(store.db, { q: 'q_1' })).rows.map((r) => r.email)).toEqual(['quinn@example.com']);
    expect((await listMappings(store.db, { q: 'p_t' })).total).toBe(0);
    expect((await listMappings(store.db, { sort: 'webex_id', dir: 'desc' })).rows.map((r) => r.webexId)).toEqual(['Q_1', 'pat2']);
  });

  it('imports in one transaction and round-trips through export unchanged', async () => {
    const ctx: AdminContext = { db: store.db, secretKeys: {}, actor: 'cli:test', sites: ONE_SITE };
    const importText = async (csv: string, deleteMissing: boolean) => {
      const preview = await previewImport(ctx, [csv], deleteMissing, 1 << 20);
      expect(preview.problems).toEqual([]);
      return (await importMappings(ctx, preview.pending!, 'test'))?.counts;
    };
    const csv = 'email,webex_id,display_name\r\nrae@example.com,rae,"=Rae, R."\r\npat@example.com,pat2,Pat 100%\r\n';
    expect(await importText(csv, false)).toMatchObject({ creates: 1, updates: 0, unchanged: 1, missing: 1 });
    let exported = '';
    for await (const chunk of exportMappingCsv(store.db, ONE_SITE)) exported += chunk;
    const before = await store.db.selectFrom('mappings').select(['email', 'version', 'updated_at']).orderBy('email').execute();
    expect(await importText(exported, true)).toMatchObject({ creates: 0, updates: 0, unchanged: 3, missing: 0 });
    expect(await store.db.selectFrom('mappings').select(['email', 'version', 'updated_at']).orderBy('email').execute()).toEqual(before);
    // a repeated e-mail is found by the database, at its second line
    const repeated = await previewImport(ctx, ['email,webex_id\na@example.com,a\nb@example.com,b\nA@example.com,a2\n'], false, 1 << 20);
    expect(repeated.problems).toEqual([{ line: 4, column: 'email', message: 'a@example.com already appears on line 2; each e-mail may appear once' }]);
    // imported rows are found through the trigram index at once
    expect((await listMappings(store.db, { q: 'rae, r' })).rows.map((r) => r.email)).toEqual(['rae@example.com']);
  });

  it('finds substrings through the index and short ones by scanning, and pages with cursors', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    // the same name for all: every page boundary falls inside a tie, broken by id
    await store.db
      .insertInto('mappings')
      .values(
        Array.from({ length: 30 }, (_, i) =>
          newMappingRow({ email: `tie${String(i).padStart(2, '0')}@corp.example`, webexId: `t${i}`, displayName: 'Same Name' }, at),
        ),
      )
      .execute();
    expect((await listMappings(store.db, { q: 'CORP.EX' })).total).toBe(30);
    expect((await listMappings(store.db, { q: 'e n' })).total).toBe(30);
    expect((await listMappings(store.db, { q: 'IE' })).total).toBe(30); // under 3 characters: a scan
    const all = (await listMappings(store.db, { q: 'corp', sort: 'display_name', dir: 'desc', pageSize: 100 })).rows.map((r) => r.id);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    const paged: number[] = [];
    let after: string | undefined;
    do {
      const page = await listMappings(store.db, { q: 'corp', sort: 'display_name', dir: 'desc', pageSize: 7, after });
      paged.push(...page.rows.map((r) => r.id));
      after = page.next;
    } while (after);
    expect(paged).toEqual(all);
    const last = await listMappings(store.db, { q: 'corp', sort: 'display_name', dir: 'desc', pageSize: 7, before: undefined, after: undefined, page: 5 });
    expect(last.rows.map((r) => r.id)).toEqual(all.slice(28));
    const back = await listMappings(store.db, { q: 'corp', sort: 'display_name', dir: 'desc', pageSize: 7, before: last.previous });
    expect(back.rows.map((r) => r.id)).toEqual(all.slice(21, 28));
    const gone = await listMappings(store.db, { q: 'tie07' });
    await deleteMapping(store.db, gone.rows[0]!.id, 1);
    expect((await listMappings(store.db, { q: 'tie07' })).total).toBe(0);
  });

  it('records and lists audit events newest first', async () => {
    await recordAudit(store.db, { actor: 'a@example.com', action: 'launch', outcome: 'OK' }, new Date('2026-01-01T00:00:00Z'));
    await recordAudit(store.db, { actor: 'b@example.com', action: 'launch', outcome: 'WEBEX_TIMEOUT' }, new Date('2026-01-02T00:00:00Z'));
    const { rows, total } = await listAuditEvents(store.db, { action: 'launch' });
    expect(total).toBe(2);
    expect(rows.map((r) => r.outcome)).toEqual(['WEBEX_TIMEOUT', 'OK']);
    expect((await listAuditEvents(store.db, { user: 'B@EXAMPLE' })).rows.map((r) => r.outcome)).toEqual(['WEBEX_TIMEOUT']);
    expect((await listAuditEvents(store.db, { user: 'b@', action: 'launch' })).total).toBe(1);
  });
});

// Where pg_trgm cannot be installed (no contrib, or a user without CREATE on the database), the
// migration must still succeed and say so, and search must still answer (by scanning).
describe.skipIf(!available)('PostgreSQL without pg_trgm', () => {
  const name = `webex_sso_notrgm_${randomBytes(4).toString('hex')}`;
  const server = new URL(SERVER);

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`drop role if exists ${name}`);
    await admin.end();
  });

  it('migrates, warns once, and searches by scanning', async () => {
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`create role ${name} login`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const owner = new pg.Client({ connectionString: Object.assign(new URL(SERVER), { pathname: `/${name}` }).toString() });
    await owner.connect();
    await owner.query(`create schema app authorization ${name}`); // its tables, but no CREATE on the database
    await owner.end();

    const asRole = Object.assign(new URL(SERVER), { username: name, pathname: `/${name}`, search: `?options=${encodeURIComponent('-c search_path=app')}` });
    expect(asRole.host).toBe(server.host);
    const warned = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    const { db } = await openMigratedDatabase(asRole.toString());
    try {
      expect(warned).toHaveBeenCalledTimes(1);
      expect(String(warned.mock.calls[0]?.[1])).toMatch(/^pg_trgm is not available/);
      await createMapping(db, { email: 'scan@example.com', webexId: 'scan', displayName: 'Found By Scanning', sealedCredential: null });
      expect((await listMappings(db, { q: 'by scan' })).rows.map((r) => r.email)).toEqual(['scan@example.com']);
      const indexes = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = 'app'`.execute(db);
      expect(indexes.rows.map((i) => i.indexname)).not.toContain('mappings_search_trgm');
    } finally {
      warned.mockRestore();
      await db.destroy();
    }
  });
});
