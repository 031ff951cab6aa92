import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents, pruneAudit, recordAudit } from '../audit';
import {
  applyImport,
  createMapping,
  deleteMapping,
  formatCsvRow,
  listMappings,
  newMappingRow,
  stageMappingCsv,
  updateMapping,
  upsertMapping,
} from '../mappings';
import { ftsHoldsAsIs, prefixEnd, substringMatch, type SearchedTable } from './substring-search';
import { ONE_SITE } from '../testing/config';
import { addUnsearchedRows, openTempDatabase, type TempDatabase } from '../testing/temp-database';

// Enough rows that SQLite answers short searches through its FTS indexes (below, it scans);
// the tests' own rows come after them, and their queries avoid digits, '@' and '.'.
const UNSEARCHED = 40_000;

let store: TempDatabase;

beforeAll(async () => {
  store = await openTempDatabase('short-search');
  await addUnsearchedRows(store.db, UNSEARCHED);
}, 60_000);

afterEach(async () => {
  await store.db.deleteFrom('mappings').where('id', '>', UNSEARCHED).execute();
  await store.db.deleteFrom('audit_events').where('id', '>', UNSEARCHED).execute();
});

afterAll(async () => {
  await store.remove();
});

/** How a search is answered: through the FTS index, by scanning, or not at all (nothing can match). */
async function planOf(table: SearchedTable, query: string): Promise<'index' | 'scan' | 'nothing'> {
  const { sql: text } = (await substringMatch(store.db, table, query)).rows.compile(store.db);
  return text.includes(`${table}_fts`) ? 'index' : text.includes('1 = 0') ? 'nothing' : 'scan';
}

const mappingEmails = async (q: string) => (await listMappings(store.db, { q, pageSize: 500 })).rows.map((r) => r.email).sort();
const auditTargets = async (user: string) => (await listAuditEvents(store.db, { user, pageSize: 500 })).rows.map((r) => r.target).sort();
const checkIntegrity = async () => {
  // FTS5 compares each index with its content (the padded text, migration 011)
  await sql`insert into mappings_fts(mappings_fts, rank) values ('integrity-check', 1)`.execute(store.db);
  await sql`insert into audit_events_fts(audit_events_fts, rank) values ('integrity-check', 1)`.execute(store.db);
};

describe('1–2 character searches on SQLite', () => {
  it.each([
    ['the start of the e-mail', 'ki'],
    ['the first character', 'k'],
    ['the middle of the e-mail', 'ml'],
    ['the end of the e-mail', 'se'],
    ['the start of the WebEx ID', 'jo'],
    ['the middle of the WebEx ID', '-w'],
    ['the end of the WebEx ID', 'wu'],
    ['the start of the display name', 'zo'],
    ['a non-ASCII character', 'é'],
    ['a non-ASCII character in capitals', 'É'],
    ['the end of the display name', 'iy'],
    ['the last character', 'y'],
  ])('finds a mapping by %s (%s), through the index', async (_where, q) => {
    await createMapping(store.db, { email: 'kiml@abba.se', webexId: 'jo-wu', displayName: 'Zoé Ruiy', sealedCredential: null });
    await createMapping(store.db, { email: 'mo@pq.info', webexId: 'other', displayName: 'Nob', sealedCredential: null });
    expect(await planOf('mappings', q)).toBe('index');
    expect(await mappingEmails(q)).toEqual(['kiml@abba.se']);
  });

  it('finds the end of the WebEx ID of a mapping without a display name', async () => {
    await createMapping(store.db, { email: 'kim@abba.se', webexId: 'jo-wu', displayName: null, sealedCredential: null });
    for (const q of ['wu', 'u']) {
      expect(await planOf('mappings', q)).toBe('index');
      expect(await mappingEmails(q), q).toEqual(['kim@abba.se']);
    }
  });

  it.each([
    ['the start of the actor', 'ka'],
    ['the end of the actor', 'se'],
    ['the last character of the actor', 'e'],
    ['the start of the target', 'jo'],
    ['a non-ASCII character in the target', 'é'],
    ['the end of the target', 'uz'],
    ['the last character of the target', 'z'],
    ['capitals', 'UZ'],
  ])('finds an audit event by %s (%s), through the index', async (_where, user) => {
    await recordAudit(store.db, { actor: 'Kaj@Abba.se', action: 'launch', target: 'José Cruz', outcome: 'OK' });
    await recordAudit(store.db, { actor: 'mo@pq.info', action: 'launch', target: 'nobody', outcome: 'OK' });
    expect(await planOf('audit_events', user)).toBe('index');
    expect(await auditTargets(user)).toEqual(['José Cruz']);
  });

  it('answers a query no row contains without reading the table', async () => {
    await createMapping(store.db, { email: 'kim@abba.se', webexId: 'jo-wu', displayName: 'Zoé Ruiz', sealedCredential: null });
    await recordAudit(store.db, { actor: 'kaj@abba.se', action: 'launch', target: 'José Cruz', outcome: 'OK' });
    for (const table of ['mappings', 'audit_events'] as const) expect(await planOf(table, 'qx')).toBe('nothing');
    expect(await listMappings(store.db, { q: 'qx' })).toMatchObject({ rows: [], total: 0, totalExact: true });
    expect(await listAuditEvents(store.db, { user: 'qx' })).toMatchObject({ rows: [], total: 0, totalExact: true });
  });

  it('never matches across two fields, nor the separator itself', async () => {
    // search_text is "ab@cd.ef␁gh␁ij"
    await createMapping(store.db, { email: 'ab@cd.ef', webexId: 'gh', displayName: 'ij', sealedCredential: null });
    await recordAudit(store.db, { actor: 'ab@cd.ef', action: 'launch', target: 'gh', outcome: 'OK' });
    for (const q of ['fg', 'hi', 'f\u0001', '\u0001', 'f\u0001g', 'h\u0001i', 'j\u0001', 'j\u0001\u0001']) {
      expect(await mappingEmails(q), JSON.stringify(q)).toEqual([]);
      expect(await auditTargets(q), JSON.stringify(q)).toEqual([]);
    }
    // while each side alone is found
    expect(await mappingEmails('f')).toEqual(['ab@cd.ef']);
    expect(await mappingEmails('g')).toEqual(['ab@cd.ef']);
  });

  it('follows every create, update, upsert and delete of a mapping', async () => {
    const zoe = await createMapping(store.db, { email: 'zoe@abba.se', webexId: 'zr', displayName: 'Zoé Ruiz', sealedCredential: null });
    expect(await mappingEmails('iz')).toEqual(['zoe@abba.se']);
    await updateMapping(store.db, zoe.id, 1, { email: 'zoe@abba.se', webexId: 'zr', displayName: 'Zoé Ruix' });
    expect(await mappingEmails('iz')).toEqual([]);
    expect(await mappingEmails('ix')).toEqual(['zoe@abba.se']);
    await upsertMapping(store.db, { email: 'zoe@abba.se', webexId: 'zr', displayName: 'Zoé Ruiy' });
    expect(await mappingEmails('ix')).toEqual([]);
    expect(await mappingEmails('iy')).toEqual(['zoe@abba.se']);
    await checkIntegrity();
    await deleteMapping(store.db, zoe.id, 3);
    expect(await mappingEmails('iy')).toEqual([]);
    expect(await planOf('mappings', 'iy')).toBe('nothing');
    await checkIntegrity();
  });

  it('follows every recorded, changed and pruned audit event', async () => {
    // older than the unsearched rows, which pruning keeps
    await recordAudit(store.db, { actor: 'kaj@abba.se', action: 'launch', target: 'old.timer', outcome: 'OK' }, new Date('2019-01-01T00:00:00.000Z'));
    expect(await auditTargets('er')).toEqual(['old.timer']);
    // the app never changes an event; the index would follow if something did
    await sql`update audit_events set target = 'old.timex' where target = 'old.timer'`.execute(store.db);
    expect(await auditTargets('er')).toEqual([]);
    expect(await auditTargets('ex')).toEqual(['old.timex']);
    await checkIntegrity();
    expect(await pruneAudit(store.db, 1, new Date('2020-01-02T00:00:00.000Z'))).toBe(1);
    expect(await auditTargets('ex')).toEqual([]);
    await checkIntegrity();
  });

  it('finds what an import wrote and changed, through the triggers', async () => {
    const csv = (names: string[]) =>
      [formatCsvRow(['email', 'webex_id', 'display_name']), ...names.map((name, i) => formatCsvRow([`imp${i}@abba.se`, `imp${i}`, name]))].join('');
    const importNames = async (names: string[]) => {
      const staged = await stageMappingCsv(store.db, [csv(names)], { maxBytes: 1_000_000, actor: 'test', deleteMissing: false, sites: ONE_SITE });
      expect(staged.problems).toEqual([]);
      await applyImport(store.db, staged.pending);
    };
    await importNames(['Ana Ruiz', 'Bo Kay']);
    expect(await mappingEmails('iz')).toEqual(['imp0@abba.se']);
    expect(await mappingEmails('ay')).toEqual(['imp1@abba.se']);
    await importNames(['Ana Ruix', 'Bo Kay']);
    expect(await mappingEmails('iz')).toEqual([]);
    expect(await mappingEmails('ix')).toEqual(['imp0@abba.se']);
    await checkIntegrity();
  });

  // The old rule, on the same rows: what a scan finds (instr over the searched text, lower-cased as
  // it is written: by JavaScript for mappings, by SQLite's ASCII-only lower() for audit events).
  const scanned = async (table: SearchedTable, query: string) => {
    const q = query.toLowerCase();
    const test = table === 'mappings' ? sql`instr(search_text, ${q}) > 0` : sql`(instr(lower(actor), ${q}) > 0 or instr(lower(target), ${q}) > 0)`;
    const { rows } = await sql<{ id: number }>`select id from ${sql.table(table)} where id > ${UNSEARCHED} and ${test} order by id`.execute(store.db);
    return rows.map((r) => r.id);
  };
  // letters of several kinds: capitals JavaScript folds and SQLite's lower() does not (É), ones the
  // audit index folds and JavaScript does not (ς, ſ, µ), a surrogate pair, LIKE's wildcards, a quote
  const letter = fc.constantFrom('a', 'b', 'A', 'é', 'É', 'e', 's', 'ſ', 'ς', 'σ', 'µ', 'μ', '😀', ' ', '-', '%', '_', '"');
  const text = (maxLength: number) => fc.array(letter, { minLength: 0, maxLength }).map((cs) => cs.join(''));
  const query = fc
    .array(letter, { minLength: 1, maxLength: 2 })
    .map((cs) => cs.join('').trim())
    .filter((q) => q.length > 0);
  /** Rows, and short queries: any, or pieces of the rows' text (which mostly match). */
  const rowsAndQueries = <Row>(row: fc.Arbitrary<Row>, texts: (row: Row) => (string | null)[]) =>
    fc.array(row, { minLength: 1, maxLength: 8 }).chain((rows) => {
      const pieces = rows.flatMap(texts).flatMap((t) =>
        [...(t ?? '')]
          .flatMap((c, i, cs) => [c, c + (cs[i + 1] ?? '')])
          .map((q) => q.trim())
          .filter((q) => q.length > 0),
      );
      return fc.tuple(fc.constant(rows), fc.array(pieces.length > 0 ? fc.oneof(query, fc.constantFrom(...pieces)) : query, { minLength: 1, maxLength: 6 }));
    });

  it('finds exactly what the scan finds, for any short query (mappings)', async () => {
    let indexed = 0;
    await fc.assert(
      fc.asyncProperty(
        rowsAndQueries(fc.tuple(text(6), text(6), fc.option(text(8))), (row) => row),
        async ([rows, queries]) => {
          await store.db.deleteFrom('mappings').where('id', '>', UNSEARCHED).execute();
          const at = new Date().toISOString();
          // the e-mail made unique by its position (digits, which no query holds)
          await store.db
            .insertInto('mappings')
            .values(rows.map(([local, webexId, name], i) => newMappingRow({ email: `${local}${i}@x${i}`, webexId, displayName: name }, at)))
            .execute();
          for (const q of queries) {
            if ((await planOf('mappings', q)) === 'index') indexed += 1;
            const { rows: found, total } = await listMappings(store.db, { q, pageSize: 500 });
            const expected = await scanned('mappings', q);
            expect(
              found.map((r) => r.id).sort((a, b) => a - b),
              JSON.stringify(q),
            ).toEqual(expected);
            expect(total).toBe(expected.length);
          }
        },
      ),
      { numRuns: 60 },
    );
    // most went through the index (the others: characters it holds differently, or no match at all)
    expect(indexed).toBeGreaterThan(60);
  });

  it('finds exactly what the scan finds, for any short query (audit events)', async () => {
    let indexed = 0;
    await fc.assert(
      fc.asyncProperty(
        rowsAndQueries(fc.tuple(text(8), fc.option(text(8))), (event) => event),
        async ([events, queries]) => {
          await store.db.deleteFrom('audit_events').where('id', '>', UNSEARCHED).execute();
          for (const [actor, target] of events) await recordAudit(store.db, { actor, action: 'launch', target, outcome: 'OK' });
          for (const q of queries) {
            if ((await planOf('audit_events', q)) === 'index') indexed += 1;
            const { rows: found, total } = await listAuditEvents(store.db, { user: q, pageSize: 500 });
            const expected = await scanned('audit_events', q);
            expect(
              found.map((r) => r.id).sort((a, b) => a - b),
              JSON.stringify(q),
            ).toEqual(expected);
            expect(total).toBe(expected.length);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(indexed).toBeGreaterThan(60);
  });
});

describe('ftsHoldsAsIs', () => {
  // Every character below U+30000 through each table's own tokenizer (read from its definition):
  // the list in substring-search.ts must be exactly the lower-case characters the index changes.
  it.each(['mappings', 'audit_events'] as const)('names exactly the characters the %s index holds as another', async (table) => {
    const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where name = ${`${table}_fts`}`.execute(store.db);
    const tokenize = /tokenize\s*=\s*'([^']*)'/.exec(rows[0]?.sql ?? '')?.[1];
    expect(tokenize).toMatch(/^trigram/);
    await sql`create virtual table temp.probe using fts5(t, tokenize=${sql.lit(tokenize)})`.execute(store.db);
    await sql`create virtual table temp.probe_terms using fts5vocab(temp, probe, 'instance')`.execute(store.db);
    try {
      await sql`insert into temp.probe(rowid, t)
                with recursive points(p) as (select 32 union all select p + 1 from points where p < ${0x2ffff})
                select p, char(p, p, p) from points where p not between ${0xd800} and ${0xdfff}`.execute(store.db);
      const held = new Map(
        (await sql<{ doc: number; term: string }>`select doc, term from temp.probe_terms`.execute(store.db)).rows.map((r) => [r.doc, r.term]),
      );
      const wrong: string[] = [];
      for (let point = 32; point <= 0x2ffff; point += 1) {
        if (point >= 0xd800 && point <= 0xdfff) continue;
        const c = String.fromCodePoint(point);
        if (c.toLowerCase() !== c) continue; // queries are lower-cased first
        if (ftsHoldsAsIs(table, c) !== (held.get(point) === c.repeat(3))) wrong.push(`U+${point.toString(16).toUpperCase()}`);
      }
      expect(wrong).toEqual([]);
    } finally {
      await sql`drop table temp.probe_terms`.execute(store.db);
      await sql`drop table temp.probe`.execute(store.db);
    }
  });

  it('refuses lone surrogates, which reach SQLite as U+FFFD', () => {
    expect(ftsHoldsAsIs('mappings', 'a\ud800')).toBe(false);
    expect(ftsHoldsAsIs('mappings', '😀')).toBe(true);
  });
});

describe('prefixEnd', () => {
  it.each([
    ['a', 'b'],
    ['ab', 'ac'],
    ['é', 'ê'],
    ['a\ud7ff', 'a\ue000'],
    ['a😀', 'a😁'],
    ['a\u{10ffff}', 'b'],
    ['\u{10ffff}', undefined],
  ])('%j ends before %j', (prefix, end) => {
    expect(prefixEnd(prefix)).toBe(end);
  });
});
