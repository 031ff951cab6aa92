import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ONE_SITE, TWO_SITES } from '../testing/config';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { unsealCredential } from '../secrets';
import { adminNotice, importMappings, previewImport, removeMapping, saveMapping, type AdminContext } from './changes';
import { formatCsvRow } from './csv';
import { findMappingByEmail, upsertMapping } from './store';

const KEYS: Record<string, string> = { '1': 'admin-test-key-0123456789abcdef012345' };
const PASSWORD = 'Host-Pa55word!';
const ACTOR = 'admin@example.com';

let store: TempDatabase;
let ctx: AdminContext;

beforeAll(async () => {
  store = await openTempDatabase('admin');
  ctx = { db: store.db, secretKeys: KEYS, actor: ACTOR, requestId: 'req-admin-1', sites: ONE_SITE };
});

beforeEach(async () => {
  await store.db.deleteFrom('mappings').execute();
  await store.db.deleteFrom('audit_events').execute();
});

afterAll(async () => {
  await store.remove();
});

async function auditRows() {
  const rows = await store.db.selectFrom('audit_events').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) }));
}

async function rawAudit(): Promise<string> {
  return JSON.stringify(await store.db.selectFrom('audit_events').selectAll().execute());
}

async function storedCredential(email: string): Promise<string | null | undefined> {
  return (await findMappingByEmail(store.db, email))?.sealedCredential;
}

/** Creates jane@example.com with a password and returns the mapping. */
async function createJane() {
  const result = await saveMapping(ctx, { email: 'Jane@Example.com', webexId: 'jane', displayName: 'Jane', credential: 'replace', password: PASSWORD });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('saveMapping: create', () => {
  it('refuses a password where the portal stores none (saml/oauth modes, or the REST path), saving nothing and keeping the password out of the audit', async () => {
    const result = await saveMapping(
      { ...ctx, acceptsPasswords: false },
      { email: 'jane@example.com', webexId: 'jane', credential: 'replace', password: PASSWORD },
    );
    expect(result).toMatchObject({ ok: false, fieldErrors: { password: [expect.stringContaining('WEBEX_LAUNCH_API=rest')] } });
    expect(await findMappingByEmail(store.db, 'jane@example.com')).toBeUndefined();
    expect(await rawAudit()).not.toContain(PASSWORD);
    // the same portal still links without a password
    expect(await saveMapping({ ...ctx, acceptsPasswords: false }, { email: 'jane@example.com', webexId: 'jane', credential: 'keep' })).toMatchObject({
      ok: true,
      value: { hasCredential: false },
    });
  });

  it('creates a mapping with a sealed password and audits whether a credential is set, never the credential', async () => {
    const result = await saveMapping(ctx, { email: ' Jane@Example.com ', webexId: 'jane', displayName: ' Jane ', credential: 'replace', password: PASSWORD });
    expect(result).toMatchObject({
      ok: true,
      message: 'Linked jane@example.com to WebEx jane.',
      value: { email: 'jane@example.com', hasCredential: true, version: 1 },
    });

    const sealed = await storedCredential('jane@example.com');
    expect(sealed).toEqual(expect.any(String));
    expect(sealed).not.toContain(PASSWORD);
    expect(await unsealCredential(sealed ?? '', KEYS)).toEqual({ kind: 'password', password: PASSWORD });

    expect(await auditRows()).toEqual([
      expect.objectContaining({
        actor: ACTOR,
        action: 'mapping.create',
        target: 'jane@example.com',
        outcome: 'OK',
        request_id: 'req-admin-1',
        detail: { after: { email: 'jane@example.com', webexId: 'jane', displayName: 'Jane', credential: 'set', version: 1 } },
      }),
    ]);
    const everything = await rawAudit();
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(sealed);
  });

  it.each(['keep', 'clear'])('creates a mapping without credential for "%s", audited as not set', async (credential) => {
    const result = await saveMapping(ctx, { email: 'bob@example.com', webexId: 'bob', displayName: '', credential, password: 'ignored-password' });
    expect(result).toMatchObject({ ok: true, value: { hasCredential: false, displayName: null } });
    expect(await storedCredential('bob@example.com')).toBeNull();
    expect((await auditRows())[0]?.detail).toEqual({
      after: { email: 'bob@example.com', webexId: 'bob', displayName: null, credential: 'not set', version: 1 },
    });
    expect(await rawAudit()).not.toContain('ignored-password');
  });

  it('refuses invalid fields with field errors, writing and auditing nothing', async () => {
    const result = await saveMapping(ctx, { email: 'nope', webexId: '=cmd', credential: 'replace', password: '' });
    expect(result).toEqual({
      ok: false,
      message: 'Not saved: check the highlighted fields.',
      fieldErrors: {
        email: ['Enter a valid e-mail address, like name@example.com'],
        webexId: [expect.stringContaining('starting with a letter or digit')],
        password: [expect.stringContaining('password')],
      },
    });
    expect(await store.db.selectFrom('mappings').selectAll().execute()).toEqual([]);
    expect(await auditRows()).toEqual([]);
  });

  it('refuses a duplicate e-mail (in another case) with a field error on email, and audits the refusal', async () => {
    await createJane();
    const result = await saveMapping(ctx, {
      email: 'JANE@example.COM',
      webexId: 'other',
      displayName: 'Other',
      credential: 'replace',
      password: 'Other-Pass-9',
    });
    expect(result).toEqual({ ok: false, message: 'Not saved.', fieldErrors: { email: ['jane@example.com already has a mapping; edit that one instead'] } });
    expect(await findMappingByEmail(store.db, 'jane@example.com')).toMatchObject({ webexId: 'jane', version: 1 });
    const refused = (await auditRows())[1];
    expect(refused).toMatchObject({ action: 'mapping.create', target: 'jane@example.com', outcome: 'REFUSED', actor: ACTOR });
    expect(await rawAudit()).not.toContain('Other-Pass-9');
  });
});

describe('saveMapping: several sites (issue 20)', () => {
  it('refuses a site that is not configured with a field error on site, writing and auditing nothing', async () => {
    const result = await saveMapping({ ...ctx, sites: TWO_SITES }, { email: 'jane@example.com', webexId: 'jane', site: 'acme-us' });
    expect(result).toEqual({
      ok: false,
      message: 'Not saved: check the highlighted fields.',
      fieldErrors: { site: ['Unknown WebEx site "acme-us": the sites are acme, acme-eu (empty: acme)'] },
    });
    expect(await store.db.selectFrom('mappings').selectAll().execute()).toEqual([]);
    expect(await auditRows()).toEqual([]);
  });

  it("stores one e-mail's mapping on each site, named by site name, and refuses a second on one site", async () => {
    const two = { ...ctx, sites: TWO_SITES };
    expect(await saveMapping(two, { email: 'jane@example.com', webexId: 'jane', site: 'acme' })).toMatchObject({ ok: true, value: { site: '' } });
    expect(await saveMapping(two, { email: 'jane@example.com', webexId: 'jane.eu', site: 'ACME-EU' })).toMatchObject({ ok: true, value: { site: 'acme-eu' } });
    expect(await saveMapping(two, { email: 'jane@example.com', webexId: 'again', site: 'acme-eu' })).toMatchObject({
      ok: false,
      fieldErrors: { email: ['jane@example.com already has a mapping on site acme-eu; edit that one instead'] },
    });
    expect(await findMappingByEmail(store.db, 'jane@example.com', 'acme-eu')).toMatchObject({ webexId: 'jane.eu' });
  });
});

describe('saveMapping: update', () => {
  it('updates at the form\'s version, keeps the credential on "keep", and audits before → after', async () => {
    const jane = await createJane();
    const sealed = await storedCredential('jane@example.com');
    const result = await saveMapping(ctx, { email: 'jane@example.com', webexId: 'jane', displayName: 'Jane Doe', credential: 'keep', version: '1' }, jane.id);
    expect(result).toMatchObject({
      ok: true,
      message: 'Saved jane@example.com.',
      value: { id: jane.id, webexId: 'jane', version: 2, hasCredential: true, passwordCleared: false },
    });
    expect(await storedCredential('jane@example.com')).toBe(sealed);

    const update = (await auditRows())[1];
    expect(update).toMatchObject({ action: 'mapping.update', target: 'jane@example.com', outcome: 'OK' });
    expect(update?.detail).toEqual({
      before: { email: 'jane@example.com', webexId: 'jane', displayName: 'Jane', credential: 'set', version: 1 },
      after: { email: 'jane@example.com', webexId: 'jane', displayName: 'Jane Doe', credential: 'set', version: 2 },
    });
  });

  // issue 16 finding 8: the old account's password followed the mapping to a new WebEx ID
  it('a new WebEx ID on "keep" clears the stored password and says so; the audit shows it cleared', async () => {
    const jane = await createJane();
    const result = await saveMapping(ctx, { email: 'jane@example.com', webexId: 'jane.doe', displayName: 'Jane', credential: 'keep', version: '1' }, jane.id);
    expect(result).toMatchObject({
      ok: true,
      message: 'Saved jane@example.com. Its stored WebEx password was cleared because the WebEx ID changed (jane → jane.doe): set the password again.',
      value: { webexId: 'jane.doe', hasCredential: false, passwordCleared: true },
    });
    expect(await storedCredential('jane@example.com')).toBeNull();
    expect((await auditRows())[1]?.detail).toMatchObject({
      before: { webexId: 'jane', credential: 'set' },
      after: { webexId: 'jane.doe', credential: 'not set' },
    });
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['a new WebEx ID with a new password stores the new one', { webexId: 'jane.doe', credential: 'replace', password: 'New-Pass-2' }, true],
    ['the same WebEx ID in another case keeps the password', { webexId: 'JANE', credential: 'keep' }, true],
    ['a mapping without a password has none to clear', { webexId: 'jane.doe', credential: 'clear' }, false],
  ])('%s, and says nothing of clearing', async (_name, change, has) => {
    const jane = await createJane();
    const result = await saveMapping(ctx, { email: 'jane@example.com', displayName: 'Jane', version: '1', ...change }, jane.id);
    expect(result).toMatchObject({ ok: true, message: 'Saved jane@example.com.', value: { hasCredential: has, passwordCleared: false } });
    if (change.password)
      expect(await unsealCredential((await storedCredential('jane@example.com')) ?? '', KEYS)).toEqual({ kind: 'password', password: change.password });
  });

  it.each<[string, Record<string, string>, boolean, string | undefined]>([
    ['clears the credential', { credential: 'clear' }, false, undefined],
    ['replaces the credential', { credential: 'replace', password: 'New-Pass-2' }, true, 'New-Pass-2'],
  ])('%s', async (_name, change, has, password) => {
    const jane = await createJane();
    const result = await saveMapping(ctx, { email: 'jane@example.com', webexId: 'jane', version: '1', ...change }, jane.id);
    expect(result).toMatchObject({ ok: true, value: { hasCredential: has } });
    const sealed = await storedCredential('jane@example.com');
    if (password === undefined) expect(sealed).toBeNull();
    else expect(await unsealCredential(sealed ?? '', KEYS)).toEqual({ kind: 'password', password });
    expect((await auditRows())[1]?.detail).toMatchObject({ before: { credential: 'set' }, after: { credential: has ? 'set' : 'not set' } });
    expect(await rawAudit()).not.toContain('New-Pass-2');
  });

  it("refuses a stale version with a clear message, audits REFUSED and keeps the other admin's change", async () => {
    const jane = await createJane();
    const first = await saveMapping(ctx, { email: 'jane@example.com', webexId: 'first', version: '1' }, jane.id);
    expect(first.ok).toBe(true);
    const second = await saveMapping({ ...ctx, actor: 'other-admin@example.com' }, { email: 'jane@example.com', webexId: 'second', version: '1' }, jane.id);
    expect(second).toEqual({
      ok: false,
      message: 'Someone else changed this mapping (now version 2) after you opened it. Reload to see their change, then edit again.',
    });
    expect(await findMappingByEmail(store.db, 'jane@example.com')).toMatchObject({ webexId: 'first', version: 2 });
    expect((await auditRows()).at(-1)).toMatchObject({
      actor: 'other-admin@example.com',
      action: 'mapping.update',
      target: 'jane@example.com',
      outcome: 'REFUSED',
      detail: { reason: second.message },
    });
  });

  it('refuses an update of a deleted mapping', async () => {
    const jane = await createJane();
    await removeMapping(ctx, jane.id, 1);
    expect(await saveMapping(ctx, { email: 'jane@example.com', webexId: 'x', version: '1' }, jane.id)).toEqual({
      ok: false,
      message: 'This mapping no longer exists (someone deleted it).',
    });
    expect(await findMappingByEmail(store.db, 'jane@example.com')).toBeUndefined();
  });

  it('refuses an update without a version, writing nothing', async () => {
    const jane = await createJane();
    const result = await saveMapping(ctx, { email: 'jane@example.com', webexId: 'changed' }, jane.id);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('did not say which version') });
    expect(await findMappingByEmail(store.db, 'jane@example.com')).toMatchObject({ webexId: 'jane', version: 1 });
  });

  it("refuses taking another mapping's e-mail with a field error on email", async () => {
    await createJane();
    const bob = await saveMapping(ctx, { email: 'bob@example.com', webexId: 'bob' });
    if (!bob.ok) throw new Error(bob.message);
    const result = await saveMapping(ctx, { email: 'Jane@example.com', webexId: 'bob', version: '1' }, bob.value.id);
    expect(result).toMatchObject({ ok: false, fieldErrors: { email: ['jane@example.com already has a mapping; edit that one instead'] } });
    expect((await auditRows()).at(-1)).toMatchObject({ action: 'mapping.update', outcome: 'REFUSED', target: 'jane@example.com' });
  });
});

describe('removeMapping', () => {
  it('deletes at the confirmed version and audits what was deleted', async () => {
    const jane = await createJane();
    expect(await removeMapping(ctx, jane.id, 1)).toMatchObject({ ok: true, message: 'Removed the mapping of jane@example.com.', value: { id: jane.id } });
    expect(await findMappingByEmail(store.db, 'jane@example.com')).toBeUndefined();
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'mapping.delete',
      target: 'jane@example.com',
      outcome: 'OK',
      detail: { before: { email: 'jane@example.com', webexId: 'jane', displayName: 'Jane', credential: 'set', version: 1 } },
    });
  });

  it('refuses a stale version and keeps the mapping', async () => {
    const jane = await createJane();
    await saveMapping(ctx, { email: 'jane@example.com', webexId: 'jane2', version: '1' }, jane.id);
    const result = await removeMapping(ctx, jane.id, 1);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('Someone else changed this mapping (now version 2)') });
    expect(await findMappingByEmail(store.db, 'jane@example.com')).toMatchObject({ webexId: 'jane2' });
  });
});

describe('previewImport and importMappings', () => {
  type ImportRow = { email: string; webexId: string; displayName: string | null };
  const csv = (rows: ImportRow[]) =>
    [formatCsvRow(['email', 'webex_id', 'display_name']), ...rows.map((r) => formatCsvRow([r.email, r.webexId, r.displayName]))].join('');

  async function previewed(rows: ImportRow[], deleteMissing: boolean) {
    const preview = await previewImport(ctx, [csv(rows)], deleteMissing, 1 << 20);
    if (!preview.pending) throw new Error(`unexpected problems: ${JSON.stringify(preview.problems)}`);
    return preview.pending;
  }

  it('applies the rows and audits the counts', async () => {
    await upsertMapping(store.db, { email: 'same@example.com', webexId: 'same' });
    await upsertMapping(store.db, { email: 'changed@example.com', webexId: 'old' });
    await upsertMapping(store.db, { email: 'gone1@example.com', webexId: 'gone1' });
    await upsertMapping(store.db, { email: 'gone2@example.com', webexId: 'gone2' });
    const rows = [
      { email: 'same@example.com', webexId: 'same', displayName: null },
      { email: 'changed@example.com', webexId: 'new', displayName: null },
      { email: 'new1@example.com', webexId: 'new1', displayName: 'N1' },
      { email: 'new2@example.com', webexId: 'new2', displayName: null },
      { email: 'new3@example.com', webexId: 'new3', displayName: null },
    ];
    const result = await importMappings(ctx, await previewed(rows, true), 'mappings.csv');
    expect(result).toEqual({
      message: 'Imported 5 rows: 3 created, 1 updated, 1 unchanged, 2 deleted.',
      counts: { creates: 3, updates: 1, unchanged: 1, missing: 2, passwordsCleared: 0 },
      deleted: 2,
      eventId: expect.any(Number),
    });
    const [event] = await auditRows();
    expect(event?.id).toBe(result?.eventId);
    expect(event).toMatchObject({
      actor: ACTOR,
      action: 'mapping.import',
      target: 'mappings.csv',
      outcome: 'OK',
      request_id: 'req-admin-1',
      detail: { rows: 5, created: 3, updated: 1, unchanged: 1, deleted: 2, deleteMissing: true },
    });
    expect(event?.duration_ms).toEqual(expect.any(Number));
    expect((await store.db.selectFrom('mappings').select('email').execute()).map((r) => r.email).sort()).toEqual(rows.map((r) => r.email).sort());
  });

  // issue 16 finding 8: an import moved a mapping to another WebEx ID with the old account's password
  it('clears the stored passwords of mappings the file gives another WebEx ID, and says so in the preview, the result and the audit', async () => {
    await saveMapping(ctx, { email: 'moved@example.com', webexId: 'old-id', credential: 'replace', password: PASSWORD });
    await saveMapping(ctx, { email: 'stays@example.com', webexId: 'stays', credential: 'replace', password: PASSWORD });
    const rows = [
      { email: 'moved@example.com', webexId: 'new-id', displayName: null },
      { email: 'stays@example.com', webexId: 'STAYS', displayName: 'Same account' },
    ];
    const preview = await previewImport(ctx, [csv(rows)], false, 1 << 20);
    expect(preview.counts).toEqual({ creates: 0, updates: 2, unchanged: 0, missing: 0, passwordsCleared: 1 });
    const result = await importMappings(ctx, preview.pending!, 'mappings.csv');
    expect(result?.message).toBe(
      'Imported 2 rows: 0 created, 2 updated, 0 unchanged, 0 deleted. 1 stored WebEx password was cleared because its WebEx ID changed: set it again.',
    );
    expect(await storedCredential('moved@example.com')).toBeNull();
    expect(await storedCredential('stays@example.com')).not.toBeNull();
    expect((await auditRows()).at(-1)?.detail).toMatchObject({ updated: 2, passwordsCleared: 1 });
  });

  it('reports 0 deleted and keeps missing mappings without deleteMissing', async () => {
    await upsertMapping(store.db, { email: 'kept@example.com', webexId: 'kept' });
    const result = await importMappings(ctx, await previewed([{ email: 'new@example.com', webexId: 'new', displayName: null }], false), 'cli:ops');
    expect(result).toMatchObject({
      deleted: 0,
      counts: { creates: 1, missing: 1 },
      message: expect.stringContaining('1 created, 0 updated, 0 unchanged, 0 deleted.'),
    });
    expect(await findMappingByEmail(store.db, 'kept@example.com')).toBeDefined();
    expect((await auditRows())[0]?.detail).toMatchObject({ deleted: 0, deleteMissing: false });
  });

  it('previews the counts without writing, and applies a preview once', async () => {
    await upsertMapping(store.db, { email: 'kept@example.com', webexId: 'kept' });
    const preview = await previewImport(ctx, [csv([{ email: 'new@example.com', webexId: 'new', displayName: null }])], false, 1 << 20);
    expect(preview).toMatchObject({ rowCount: 1, problems: [], problemCount: 0, counts: { creates: 1, updates: 0, unchanged: 0, missing: 1 } });
    expect(await findMappingByEmail(store.db, 'new@example.com')).toBeUndefined();
    expect(await importMappings(ctx, preview.pending!, 'upload')).toBeDefined();
    expect(await importMappings(ctx, preview.pending!, 'upload')).toBeUndefined();
    expect(await store.db.selectFrom('import_rows').selectAll().execute()).toEqual([]);
    expect((await auditRows()).filter((e) => e.action === 'mapping.import')).toHaveLength(1);
  });

  it('keeps nothing of a file with problems', async () => {
    const preview = await previewImport(ctx, ['email,webex_id\nok@example.com,ok\nbad,x\n'], false, 1 << 20);
    expect(preview).toEqual({ rowCount: 1, problems: [{ line: 3, column: 'email', message: expect.any(String) }], problemCount: 1 });
    expect(await store.db.selectFrom('import_rows').selectAll().execute()).toEqual([]);
    expect(await store.db.selectFrom('pending_imports').selectAll().execute()).toEqual([]);
  });
});

describe('adminNotice: what the mappings page says after a delete or an import', () => {
  // issue 16 finding 9: the page names only what the portal recorded for this admin, never text from its URL
  it("is read from the audit event of this admin's delete or import, by its id", async () => {
    const jane = await upsertMapping(store.db, { email: 'jane@example.com', webexId: 'jane' });
    const removed = await removeMapping(ctx, jane.id, jane.version);
    expect(removed).toMatchObject({ ok: true, eventId: expect.any(Number) });
    const deletedEvent = removed.ok ? removed.eventId : undefined;
    expect(await adminNotice(store.db, ACTOR, deletedEvent)).toBe('Removed the mapping of jane@example.com.');

    const csv = [formatCsvRow(['email', 'webex_id', 'display_name']), formatCsvRow(['kim@example.com', 'kim', 'Kim']), ''].join('\n');
    const preview = await previewImport(ctx, [csv], false, 1_000_000);
    const imported = preview.pending && (await importMappings(ctx, preview.pending, 'upload'));
    expect(await adminNotice(store.db, ACTOR, imported?.eventId)).toBe('Imported: 1 created, 0 updated, 0 unchanged, 0 deleted.');
  });

  it("says nothing for another admin's event, another action, a refusal, an unknown id or none", async () => {
    const jane = await upsertMapping(store.db, { email: 'jane@example.com', webexId: 'jane' });
    const removed = await removeMapping(ctx, jane.id, jane.version);
    const eventId = removed.ok ? removed.eventId : undefined;
    expect(await adminNotice(store.db, 'eve@example.com', eventId)).toBeUndefined();
    const saved = await saveMapping(ctx, { email: 'lee@example.com', webexId: 'lee' });
    expect(saved.ok).toBe(true);
    const created = await store.db.selectFrom('audit_events').select('id').where('action', '=', 'mapping.create').executeTakeFirstOrThrow();
    expect(await adminNotice(store.db, ACTOR, created.id)).toBeUndefined();
    await removeMapping(ctx, 999_999, 1);
    const refused = await store.db.selectFrom('audit_events').select('id').where('outcome', '=', 'REFUSED').executeTakeFirstOrThrow();
    expect(await adminNotice(store.db, ACTOR, refused.id)).toBeUndefined();
    expect(await adminNotice(store.db, ACTOR, 987_654)).toBeUndefined();
    expect(await adminNotice(store.db, ACTOR, undefined)).toBeUndefined();
  });
});
