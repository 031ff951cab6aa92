/**
 * The same store, import and audit code against PostgreSQL (DATABASE_URL=postgres://… for
 * several instances). Uses POSTGRES_TEST_URL (default postgres://postgres@127.0.0.1:5432/test)
 * in a throwaway schema; says clearly that it skipped when no server answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents, recordAudit } from '../audit';
import { applyImport, exportMappingCsv, readMappingCsv } from '../mappings/import';
import { createMapping, listMappings, MappingWriteError, updateMapping } from '../mappings/store';
import type { Kysely } from 'kysely';
import { openMigratedDatabase, type Db } from './connection';
import { createMigrator } from './migrations';
import { openTempPostgresSchema } from './temp-database';

const pgSchema = await openTempPostgresSchema('store');

describe.skipIf(!pgSchema)('PostgreSQL', () => {
  let store: Db;

  beforeAll(async () => {
    // two instances starting at once must both end up migrated, once
    const url = pgSchema?.url ?? '';
    const [a, b] = await Promise.all([openMigratedDatabase(url), openMigratedDatabase(url)]);
    await b.db.destroy();
    store = a;
  });

  afterAll(async () => {
    await store?.db.destroy();
    await pgSchema?.drop();
  });

  it('is the postgres dialect, migrated once', async () => {
    expect(store.dialect).toBe('postgres');
    const migrations = await store.db.selectFrom('kysely_migration' as never).selectAll().execute();
    const defined = await createMigrator(store.db as Kysely<unknown>, 'postgres').getMigrations();
    expect(migrations).toHaveLength(defined.length);
    expect(defined.every((m) => m.executedAt !== undefined)).toBe(true);
  });

  it('creates, refuses duplicates case-insensitively and stale updates', async () => {
    const created = await createMapping(store.db, { email: 'Pat@Example.com', webexId: 'pat', displayName: 'Pat 100%', sealedCredential: null });
    await expect(createMapping(store.db, { email: 'pat@example.COM', webexId: 'x', displayName: null, sealedCredential: null })).rejects.toMatchObject({ reason: 'duplicate-email' });
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
    const csv = 'email,webex_id,display_name\r\nrae@example.com,rae,"=Rae, R."\r\npat@example.com,pat2,Pat 100%\r\n';
    const parsed = await readMappingCsv([csv], 1 << 20);
    expect(parsed.problemCount).toBe(0);
    expect(await applyImport(store.db, parsed.rows, false)).toMatchObject({ creates: 1, updates: 0, unchanged: 1, missing: 1 });

    let exported = '';
    for await (const chunk of exportMappingCsv(store.db)) exported += chunk;
    const again = await readMappingCsv([exported], 1 << 20);
    const before = await store.db.selectFrom('mappings').select(['email', 'version', 'updated_at']).orderBy('email').execute();
    expect(await applyImport(store.db, again.rows, true)).toMatchObject({ creates: 0, updates: 0, unchanged: 3, missing: 0 });
    expect(await store.db.selectFrom('mappings').select(['email', 'version', 'updated_at']).orderBy('email').execute()).toEqual(before);
  });

  it('records and lists audit events newest first', async () => {
    await recordAudit(store.db, { actor: 'a@example.com', action: 'launch', outcome: 'OK' }, new Date('2026-01-01T00:00:00Z'));
    await recordAudit(store.db, { actor: 'b@example.com', action: 'launch', outcome: 'WEBEX_TIMEOUT' }, new Date('2026-01-02T00:00:00Z'));
    const { rows, total } = await listAuditEvents(store.db, { action: 'launch' });
    expect(total).toBe(2);
    expect(rows.map((r) => r.outcome)).toEqual(['WEBEX_TIMEOUT', 'OK']);
  });
});
