import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { containsPattern, COUNT_LIMIT, searchTextOf } from '../db';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import {
  createMapping,
  deleteMapping,
  findMappingByEmail,
  getMapping,
  listMappings,
  MAPPING_SORTS,
  MappingWriteError,
  newMappingRow,
  updateMapping,
  upsertMapping,
  type Mapping,
  type MappingQuery,
  type MappingSort,
} from './store';

let store: TempDatabase;

beforeAll(async () => {
  store = await openTempDatabase('store');
});

beforeEach(async () => {
  await store.db.deleteFrom('mappings').execute();
});

afterAll(async () => {
  await store.remove();
});

const T0 = new Date('2025-01-01T00:00:00.000Z');
const T1 = new Date('2025-01-02T00:00:00.000Z');
const T2 = new Date('2025-01-03T00:00:00.000Z');

/** Runs a write that must be refused and returns the error. */
async function refusal(write: Promise<unknown>): Promise<MappingWriteError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MappingWriteError);
  return error as MappingWriteError;
}

async function rawRow(id: number) {
  return store.db.selectFrom('mappings').selectAll().where('id', '=', id).executeTakeFirst();
}

describe('createMapping', () => {
  it('stores the e-mail lower-cased at version 1, and reports whether a credential is set', async () => {
    const created = await createMapping(store.db, { email: ' Jane@Example.COM ', webexId: 'jane', displayName: 'Jane', sealedCredential: 'sealed' }, T0);
    expect(created).toEqual({
      id: expect.any(Number),
      email: 'jane@example.com',
      site: '',
      webexId: 'jane',
      displayName: 'Jane',
      hasCredential: true,
      version: 1,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    expect(created).not.toHaveProperty('sealedCredential');
    expect(await findMappingByEmail(store.db, 'JANE@example.com')).toEqual({ ...created, sealedCredential: 'sealed' });
  });

  it('refuses a second mapping for the same e-mail in another case', async () => {
    const first = await createMapping(store.db, { email: 'jane@example.com', webexId: 'jane', displayName: null, sealedCredential: null });
    const error = await refusal(createMapping(store.db, { email: 'JANE@Example.com', webexId: 'other', displayName: 'X', sealedCredential: 'y' }));
    expect(error.reason).toBe('duplicate-email');
    expect(error.message).toBe('jane@example.com already has a mapping');
    expect(await store.db.selectFrom('mappings').selectAll().execute()).toEqual([
      expect.objectContaining({ id: first.id, email: 'jane@example.com', webex_id: 'jane', credential: null }),
    ]);
  });
});

describe('updateMapping', () => {
  let original: Mapping;

  beforeEach(async () => {
    original = await createMapping(store.db, { email: 'jane@example.com', webexId: 'jane', displayName: 'Jane', sealedCredential: 'sealed-1' }, T0);
  });

  it('bumps the version on every change and keeps createdAt', async () => {
    const v2 = await updateMapping(store.db, original.id, 1, { email: 'Jane@Example.com', webexId: 'jane2', displayName: 'Jane D' }, T1);
    expect(v2).toMatchObject({
      id: original.id,
      email: 'jane@example.com',
      webexId: 'jane2',
      displayName: 'Jane D',
      version: 2,
      createdAt: T0.toISOString(),
      updatedAt: T1.toISOString(),
    });
    const v3 = await updateMapping(store.db, original.id, 2, { email: 'jane@example.com', webexId: 'jane3', displayName: null }, T2);
    expect(v3).toMatchObject({ version: 3, webexId: 'jane3', displayName: null, updatedAt: T2.toISOString() });
    expect(await getMapping(store.db, original.id)).toEqual(v3);
  });

  it('refuses a stale version and leaves the row exactly as the other admin saved it (no lost update)', async () => {
    // Two admins open version 1; the first saves.
    const first = await updateMapping(
      store.db,
      original.id,
      1,
      { email: 'jane@example.com', webexId: 'first-admin', displayName: 'First', sealedCredential: 'sealed-2' },
      T1,
    );
    const before = await rawRow(original.id);

    const error = await refusal(
      updateMapping(store.db, original.id, 1, { email: 'jane@example.com', webexId: 'second-admin', displayName: 'Second', sealedCredential: null }, T2),
    );
    expect(error.reason).toBe('stale');
    expect(error.message).toContain('now version 2');
    expect(await rawRow(original.id)).toEqual(before);
    expect(before).toMatchObject({ webex_id: 'first-admin', credential: 'sealed-2', version: first.version });
  });

  it('refuses an id that no longer exists', async () => {
    await deleteMapping(store.db, original.id, 1);
    const error = await refusal(updateMapping(store.db, original.id, 1, { email: 'jane@example.com', webexId: 'x', displayName: null }));
    expect(error.reason).toBe('not-found');
    expect(await store.db.selectFrom('mappings').selectAll().execute()).toEqual([]);
  });

  it("refuses taking another mapping's e-mail (in any case)", async () => {
    const other = await createMapping(store.db, { email: 'bob@example.com', webexId: 'bob', displayName: null, sealedCredential: null });
    const error = await refusal(updateMapping(store.db, other.id, 1, { email: 'JANE@example.com', webexId: 'bob', displayName: null }));
    expect(error.reason).toBe('duplicate-email');
    expect(await getMapping(store.db, other.id)).toEqual(other);
  });

  it.each<[string, string | null | undefined, string | null]>([
    ['keeps the credential when sealedCredential is undefined', undefined, 'sealed-1'],
    ['clears the credential with null', null, null],
    ['replaces the credential with a new seal', 'sealed-new', 'sealed-new'],
  ])('%s', async (_name, sealedCredential, stored) => {
    const updated = await updateMapping(store.db, original.id, 1, { email: 'jane@example.com', webexId: 'jane', displayName: 'Jane', sealedCredential });
    expect(updated.hasCredential).toBe(stored !== null);
    expect((await rawRow(original.id))?.credential).toBe(stored);
  });

  // issue 16 finding 8: the old account's password followed the mapping to a new WebEx ID
  it.each<[string, string, string | null | undefined, string | null]>([
    ['a new WebEx ID clears the stored password', 'jane.doe', undefined, null],
    ['a new WebEx ID with a new password stores that one', 'jane.doe', 'sealed-new', 'sealed-new'],
    ['the same WebEx ID in another case is the same account: the password stays', 'JANE', undefined, 'sealed-1'],
  ])('%s', async (_name, webexId, sealedCredential, stored) => {
    const updated = await updateMapping(store.db, original.id, 1, { email: 'jane@example.com', webexId, displayName: 'Jane', sealedCredential });
    expect(updated).toMatchObject({ webexId, hasCredential: stored !== null });
    expect((await rawRow(original.id))?.credential).toBe(stored);
  });
});

describe('upsertMapping', () => {
  it('creates, then replaces by e-mail with a version bump, keeping the credential when undefined', async () => {
    const created = await upsertMapping(store.db, { email: 'Jane@example.com', webexId: 'jane', sealedCredential: 'sealed' }, T0);
    const replaced = await upsertMapping(store.db, { email: 'jane@EXAMPLE.com', webexId: 'Jane', displayName: 'Jane' }, T1);
    expect(replaced).toMatchObject({
      id: created.id,
      webexId: 'Jane',
      displayName: 'Jane',
      version: 2,
      hasCredential: true,
      createdAt: T0.toISOString(),
      updatedAt: T1.toISOString(),
    });
    const cleared = await upsertMapping(store.db, { email: 'jane@example.com', webexId: 'Jane', sealedCredential: null });
    expect(cleared).toMatchObject({ version: 3, hasCredential: false });
  });

  it('a new WebEx ID clears the stored password, unless the same call gives one (issue 16 finding 8)', async () => {
    await upsertMapping(store.db, { email: 'jane@example.com', webexId: 'jane', sealedCredential: 'sealed' }, T0);
    expect(await upsertMapping(store.db, { email: 'jane@example.com', webexId: 'jane2' }, T1)).toMatchObject({ webexId: 'jane2', hasCredential: false });
    expect(await upsertMapping(store.db, { email: 'jane@example.com', webexId: 'jane3', sealedCredential: 'sealed-3' }, T1)).toMatchObject({
      webexId: 'jane3',
      hasCredential: true,
    });
  });
});

describe('deleteMapping', () => {
  it('deletes at the current version and returns what was deleted', async () => {
    const m = await createMapping(store.db, { email: 'jane@example.com', webexId: 'jane', displayName: null, sealedCredential: null });
    const v2 = await updateMapping(store.db, m.id, 1, { email: 'jane@example.com', webexId: 'jane2', displayName: null });
    expect(await deleteMapping(store.db, m.id, 2)).toEqual(v2);
    expect(await getMapping(store.db, m.id)).toBeUndefined();
    expect((await refusal(deleteMapping(store.db, m.id, 2))).reason).toBe('not-found');
  });

  it('refuses a stale version and keeps the row', async () => {
    const m = await createMapping(store.db, { email: 'jane@example.com', webexId: 'jane', displayName: null, sealedCredential: null });
    const v2 = await updateMapping(store.db, m.id, 1, { email: 'jane@example.com', webexId: 'changed', displayName: null });
    const error = await refusal(deleteMapping(store.db, m.id, 1));
    expect(error.reason).toBe('stale');
    expect(await getMapping(store.db, m.id)).toEqual(v2);
  });
});

describe('containsPattern', () => {
  it.each([
    ['Jane', '%jane%'],
    ['a_b', '%a\\_b%'],
    ['100%', '%100\\%%'],
    ['C:\\x', '%c:\\\\x%'],
  ])('%j → %j', (text, pattern) => {
    expect(containsPattern(text)).toBe(pattern);
  });
});

describe('listMappings', () => {
  // [email, webexId, displayName]; stored in this order, on shuffled days, so no column (updated_at included) sorts like the ids.
  const SEED: [string, string, string | null][] = [
    ['thousand@example.com', 'h1000', 'Growth 1000'],
    ['alice@example.com', 'alice', 'Alice Liddell'],
    ['axb@example.com', 'axb', 'axb corp'],
    ['bob@corp.example', 'BOB.Corp', 'Robert'],
    ['a_b@example.com', 'ab', null],
    ['100pct@example.com', 'h100', 'Growth 100%'],
    ['back@example.com', 'back', 'C:\\Users\\x'],
  ];

  async function seed(): Promise<Mapping[]> {
    const out: Mapping[] = [];
    for (const [i, [email, webexId, displayName]] of SEED.entries()) {
      out.push(
        await createMapping(store.db, { email, webexId, displayName, sealedCredential: null }, new Date(T0.getTime() + ((i * 3) % SEED.length) * 86_400_000)),
      );
    }
    return out;
  }

  const emails = (rows: Mapping[]) => rows.map((r) => r.email).sort();

  it.each<[string, string, string[]]>([
    ['an e-mail in another case', 'ALICE@', ['alice@example.com']],
    ['a display name only', 'liddell', ['alice@example.com']],
    ['a WebEx ID in another case', 'bob.corp', ['bob@corp.example']],
    ['the same word in any column', 'corp', ['axb@example.com', 'bob@corp.example']],
    ['_ as a literal (a_b must not match axb)', 'a_b', ['a_b@example.com']],
    ['a lone _', '_', ['a_b@example.com']],
    ['% as a literal (100% must not match 1000)', '100%', ['100pct@example.com']],
    ['a lone %', '%', ['100pct@example.com']],
    ['a backslash', '\\', ['back@example.com']],
    ['a backslash sequence', 'c:\\users\\', ['back@example.com']],
    ['a query padded with spaces', '  robert ', ['bob@corp.example']],
    ['nothing that matches', 'zzz', []],
  ])('searches %s', async (_name, q, expected) => {
    await seed();
    const { rows, total } = await listMappings(store.db, { q });
    expect(emails(rows)).toEqual(expected);
    expect(total).toBe(expected.length);
  });

  it('lists everything for an empty or blank query', async () => {
    await seed();
    for (const q of [undefined, '', '   ']) expect((await listMappings(store.db, { q })).total).toBe(SEED.length);
  });

  // Regression: SQLite's lower() and LIKE fold ASCII only, so "Émile" once missed "Émile Zola";
  // search now runs on search_text, lower-cased by JavaScript on write.
  it('searches display names with non-ASCII capitals case-insensitively', async () => {
    await createMapping(store.db, { email: 'emile@example.com', webexId: 'emile', displayName: 'Émile Zola', sealedCredential: null });
    expect((await listMappings(store.db, { q: 'Émile' })).total).toBe(1);
  });

  // WebEx IDs and display names sort case-insensitively ("bob" next to "Bob"); e-mails are stored lower-cased.
  const sortValue: Record<MappingSort, (m: Mapping) => string | null> = {
    email: (m) => m.email,
    webex_id: (m) => m.webexId.toLowerCase(),
    display_name: (m) => m.displayName?.toLowerCase() ?? null,
    updated_at: (m) => m.updatedAt,
  };
  // SQLite: binary text order, NULL before any text; ties by id.
  const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

  it.each(MAPPING_SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((dir) => [sort, dir] as const)))('sorts by %s %s', async (sort, dir) => {
    const seeded = await seed();
    const value = sortValue[sort];
    const expected = [...seeded].sort((a, b) => compare(value(a), value(b)) * (dir === 'asc' ? 1 : -1)).map((m) => m.id);
    const { rows } = await listMappings(store.db, { sort, dir });
    expect(rows.map((m) => m.id)).toEqual(expected);
  });

  it('sorts WebEx IDs and display names case-insensitively, not capitals first', async () => {
    await seed();
    expect((await listMappings(store.db, { sort: 'webex_id' })).rows.map((m) => m.webexId)).toEqual([
      'ab',
      'alice',
      'axb',
      'back',
      'BOB.Corp',
      'h100',
      'h1000',
    ]);
    expect((await listMappings(store.db, { sort: 'display_name', dir: 'desc' })).rows.map((m) => m.displayName).slice(0, 3)).toEqual([
      'Robert',
      'Growth 1000',
      'Growth 100%',
    ]);
    expect((await listMappings(store.db, { sort: 'display_name' })).rows.map((m) => m.displayName).slice(0, 3)).toEqual([null, 'Alice Liddell', 'axb corp']);
  });

  it('has seed data that orders differently by each column (so each sort case can fail)', async () => {
    const seeded = await seed();
    const orders = MAPPING_SORTS.map((s) =>
      [...seeded]
        .sort((a, b) => compare(sortValue[s](a), sortValue[s](b)))
        .map((m) => m.id)
        .join(),
    );
    expect(new Set([...orders, seeded.map((m) => m.id).join()]).size).toBe(MAPPING_SORTS.length + 1);
  });

  it('sorts by e-mail ascending by default', async () => {
    await seed();
    const { rows } = await listMappings(store.db, {});
    expect(rows.map((r) => r.email)).toEqual(SEED.map(([email]) => email).sort());
  });

  it('pages through the list with a consistent total', async () => {
    await seed();
    const all = (await listMappings(store.db, { sort: 'webex_id' })).rows;
    const pages = await Promise.all([1, 2, 3, 4].map((page) => listMappings(store.db, { sort: 'webex_id', page, pageSize: 3 })));
    expect(pages.map((p) => p.rows.length)).toEqual([3, 3, 1, 0]);
    expect(pages.every((p) => p.total === SEED.length)).toBe(true);
    expect(pages.flatMap((p) => p.rows)).toEqual(all);
    expect(pages[1]?.rows).toEqual(all.slice(3, 6));
  });

  it('pages a search, counting only its matches', async () => {
    await seed();
    const page2 = await listMappings(store.db, { q: 'example.com', page: 2, pageSize: 2 });
    const matching = SEED.filter(([email]) => email.includes('example.com'))
      .map(([email]) => email)
      .sort();
    expect(page2.total).toBe(matching.length);
    expect(page2.rows.map((r) => r.email)).toEqual(matching.slice(2, 4));
  });

  it('clamps page to at least 1 and pageSize to 1…500', async () => {
    const at = T0.toISOString();
    await store.db
      .insertInto('mappings')
      .values(Array.from({ length: 502 }, (_, i) => newMappingRow({ email: `u${String(i).padStart(4, '0')}@example.com`, webexId: `u${i}` }, at)))
      .execute();
    expect((await listMappings(store.db, { pageSize: 10_000 })).rows).toHaveLength(500);
    expect((await listMappings(store.db, {})).rows).toHaveLength(50);
    expect((await listMappings(store.db, { pageSize: 0 })).rows).toHaveLength(1);
    expect((await listMappings(store.db, { pageSize: -3 })).rows).toHaveLength(1);
    const first = await listMappings(store.db, { pageSize: 2 });
    expect(await listMappings(store.db, { page: 0, pageSize: 2 })).toEqual(first);
    expect(await listMappings(store.db, { page: -1, pageSize: 2 })).toEqual(first);
    expect(first.total).toBe(502);
  });
});

describe('search index (SQLite FTS5 trigram)', () => {
  const ftsMatches = async (text: string) =>
    (await sql<{ id: number }>`select rowid as id from mappings_fts where mappings_fts match ${`"${text}"`} order by rowid`.execute(store.db)).rows.map(
      (r) => r.id,
    );
  // FTS5 compares its index with the mappings table itself
  const checkIntegrity = () => sql`insert into mappings_fts(mappings_fts, rank) values ('integrity-check', 1)`.execute(store.db);

  it('follows every create, update and delete', async () => {
    const jane = await createMapping(store.db, { email: 'jane@example.com', webexId: 'jane.doe', displayName: 'Jane Doe', sealedCredential: null });
    expect(await ftsMatches('jane.doe')).toEqual([jane.id]);
    await updateMapping(store.db, jane.id, 1, { email: 'jane@example.com', webexId: 'j.smith', displayName: 'Jane Smith' });
    expect(await ftsMatches('jane.doe')).toEqual([]);
    expect(await ftsMatches('j.smith')).toEqual([jane.id]);
    await upsertMapping(store.db, { email: 'jane@example.com', webexId: 'jane.upsert', displayName: null });
    expect(await ftsMatches('j.smith')).toEqual([]);
    expect((await listMappings(store.db, { q: 'JANE.UPS' })).rows.map((r) => r.id)).toEqual([jane.id]);
    await checkIntegrity();
    await deleteMapping(store.db, jane.id, 3);
    expect(await ftsMatches('jane')).toEqual([]);
    await checkIntegrity();
  });

  // The index answers 3 characters and more; shorter queries scan. Either way the result must be the
  // plain substring rule on search_text, whatever the characters.
  it('finds exactly the rows whose search text contains the query, through the index or by scanning', async () => {
    const names = ['Zoë Ölund', 'O\'Brien "Bob"', 'x%_y', 'Ünïcode 😀 fan', 'İstanbul', 'a\\b', 'AAA', 'aa', null];
    const created: Mapping[] = [];
    for (const [i, name] of names.entries()) {
      created.push(await createMapping(store.db, { email: `u${i}@ex-${i}.example`, webexId: `id${i}_x`, displayName: name, sealedCredential: null }));
    }
    const queries = [
      'ö',
      'Ö',
      'zoë ö',
      '"',
      '"bob"',
      'n "b',
      'bob"',
      "o'b",
      '%',
      '%_',
      'x%_',
      '😀',
      'e 😀',
      'İ',
      'ist',
      '\\',
      'a\\b',
      'aa',
      'aaa',
      'AAAA',
      '@ex-',
      '.example',
      '_x',
      'u1@',
    ];
    for (const q of queries) {
      const expected = created.filter((m) => searchTextOf(m.email, m.webexId, m.displayName).includes(q.toLowerCase())).map((m) => m.id);
      const { rows, total } = await listMappings(store.db, { q, pageSize: 500 });
      expect(
        rows.map((r) => r.id).sort((a, b) => a - b),
        q,
      ).toEqual(expected);
      expect(total, q).toBe(expected.length);
    }
  });
});

describe('listMappings paging with cursors', () => {
  const AT = '2025-01-01T00:00:00.000Z';

  /** Reads every page forward with `next`, then every page back with `previous`, and checks both against one read. */
  async function pageThrough(query: MappingQuery, pageSize: number): Promise<number[]> {
    const all = (await listMappings(store.db, { ...query, pageSize: 500 })).rows.map((r) => r.id);
    const forward: number[][] = [];
    let page = await listMappings(store.db, { ...query, pageSize });
    expect(page.previous).toBeUndefined();
    forward.push(page.rows.map((r) => r.id));
    while (page.next) {
      page = await listMappings(store.db, { ...query, pageSize, after: page.next });
      forward.push(page.rows.map((r) => r.id));
    }
    expect(forward.flat(), 'forward').toEqual(all);
    const backward: number[][] = [forward[forward.length - 1] ?? []];
    while (page.previous) {
      page = await listMappings(store.db, { ...query, pageSize, before: page.previous });
      backward.unshift(page.rows.map((r) => r.id));
    }
    expect(backward, 'backward').toEqual(forward);
    return all;
  }

  /** `count` mappings named by `name`, all updated at the same instant, a few statements in all. */
  async function insertMany(count: number, name: (i: number) => string | null, email = (i: number) => `user${String(i).padStart(5, '0')}@example.com`) {
    for (let start = 0; start < count; start += 2_000) {
      const part = Array.from({ length: Math.min(2_000, count - start) }, (_, k) => start + k);
      await store.db
        .insertInto('mappings')
        .values(part.map((i) => newMappingRow({ email: email(i), webexId: `W${(i * 7919) % count}`, displayName: name(i) }, AT)))
        .execute();
    }
  }

  it.each(MAPPING_SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((dir) => [sort, dir] as const)))(
    'sorted by %s %s: every row once, ties broken by id in the same direction',
    async (sort, dir) => {
      // a third of the names tie (several empty), and every updated_at is the same: page boundaries fall inside ties
      await insertMany(120, (i) => (i % 3 === 0 ? 'Same' : i % 5 === 0 ? null : `Name ${i}`));
      const ids = await pageThrough({ sort, dir }, 7);
      expect(ids).toHaveLength(120);
      const rows = new Map((await store.db.selectFrom('mappings').selectAll().execute()).map((r) => [r.id, r]));
      const key = (id: number) => {
        const row = rows.get(id)!;
        return { email: row.email, webex_id: row.webex_id.toLowerCase(), display_name: (row.display_name ?? '').toLowerCase(), updated_at: row.updated_at }[
          sort
        ];
      };
      const expected = [...ids].sort((a, b) => (key(a) === key(b) ? a - b : key(a) < key(b) ? -1 : 1) * (dir === 'asc' ? 1 : -1));
      expect(ids).toEqual(expected);
    },
  );

  it('pages a search the same way, through the index and by scanning', async () => {
    await insertMany(90, (i) => (i % 2 === 0 ? 'Match Me' : 'Other'));
    expect(await pageThrough({ q: 'match me', sort: 'display_name' }, 4)).toHaveLength(45);
    expect(await pageThrough({ q: 'ma', sort: 'updated_at', dir: 'desc' }, 4)).toHaveLength(45);
  });

  it('ignores a cursor it did not make, and reads the first page', async () => {
    await insertMany(10, () => null);
    const first = await listMappings(store.db, { pageSize: 3 });
    for (const cursor of ['garbage', Buffer.from('{"key":1}').toString('base64url'), Buffer.from('["a", 1.5]').toString('base64url')]) {
      expect(await listMappings(store.db, { pageSize: 3, after: cursor })).toEqual(first);
    }
  });

  describe(`more than ${COUNT_LIMIT.toLocaleString('en')} matches`, () => {
    it('says the count stopped, and pages by walking the sort index', async () => {
      await insertMany(15_000, (i) => (i % 4 === 0 ? 'Rare' : 'Common Name')); // 11,250 common, 3,750 rare
      const common = await listMappings(store.db, { q: 'common', sort: 'email', dir: 'desc', pageSize: 50 });
      expect(common).toMatchObject({ total: COUNT_LIMIT, totalExact: false });
      const all = await store.db.selectFrom('mappings').select('id').where('display_name', '=', 'Common Name').orderBy('email', 'desc').execute();
      expect(common.rows.map((r) => r.id)).toEqual(all.slice(0, 50).map((r) => r.id));
      const second = await listMappings(store.db, { q: 'common', sort: 'email', dir: 'desc', pageSize: 50, after: common.next });
      expect(second.rows.map((r) => r.id)).toEqual(all.slice(50, 100).map((r) => r.id));
      expect(await listMappings(store.db, { q: 'rare' })).toMatchObject({ total: 3_750, totalExact: true });
      expect(await listMappings(store.db, {})).toMatchObject({ total: COUNT_LIMIT, totalExact: false });
    });

    // The walk gives up after its budget when the matches all sort at the other end; the sorted matches then answer.
    it('finds matches that all sort far from where the walk starts', async () => {
      const far = COUNT_LIMIT + 10;
      // 30,000 rows: the first 20,000 by e-mail never match, the last COUNT_LIMIT + 10 all do
      await insertMany(20_000 + far, (i) => (i >= 20_000 ? 'Far Away' : 'Near'));
      const page = await listMappings(store.db, { q: 'far away', sort: 'email', pageSize: 5 });
      expect(page.totalExact).toBe(false);
      expect(page.rows.map((r) => r.email)).toEqual([
        'user20000@example.com',
        'user20001@example.com',
        'user20002@example.com',
        'user20003@example.com',
        'user20004@example.com',
      ]);
      const next = await listMappings(store.db, { q: 'far away', sort: 'email', pageSize: 5, after: page.next });
      expect(next.rows.map((r) => r.email)[0]).toBe('user20005@example.com');
    });
  });
});
