import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { listAuditEvents, listAuditFacets, pruneAudit, recordAudit, recordLaunch, type AuditEvent } from './events';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { log } from '../log';

let store: TempDatabase;

beforeAll(async () => {
  store = await openTempDatabase('audit');
});

beforeEach(async () => {
  await store.db.deleteFrom('audit_events').execute();
});

afterAll(async () => {
  await store.remove();
});

const NOW = new Date('2025-06-30T12:00:00.000Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

describe('recordAudit', () => {
  it('stores every field, with detail as JSON and the duration rounded', async () => {
    await recordAudit(
      store.db,
      { actor: 'a@example.com', action: 'launch', target: 'alice', outcome: 'OK', detail: { source: 'mapping' }, durationMs: 12.6, requestId: 'r1' },
      NOW,
    );
    await recordAudit(store.db, { actor: 'cli:ops', action: 'mapping.import', outcome: 'OK' }, NOW);
    expect(await store.db.selectFrom('audit_events').selectAll().orderBy('id').execute()).toEqual([
      {
        id: expect.any(Number),
        at: NOW.toISOString(),
        actor: 'a@example.com',
        action: 'launch',
        target: 'alice',
        outcome: 'OK',
        detail: '{"source":"mapping"}',
        duration_ms: 13,
        request_id: 'r1',
      },
      {
        id: expect.any(Number),
        at: NOW.toISOString(),
        actor: 'cli:ops',
        action: 'mapping.import',
        target: null,
        outcome: 'OK',
        detail: null,
        duration_ms: null,
        request_id: null,
      },
    ]);
  });

  it('logs a failed write instead of throwing', async () => {
    const logged = vi.spyOn(log, 'error').mockImplementation(() => undefined);
    try {
      // actor is NOT NULL in the table: the insert fails
      const broken = { actor: null, action: 'launch', outcome: 'OK', requestId: 'req-broken' } as unknown as AuditEvent;
      await expect(recordAudit(store.db, broken, NOW)).resolves.toBeUndefined();
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged.mock.calls[0]?.[0]).toMatchObject({ action: 'launch', requestId: 'req-broken' });
      expect(await store.db.selectFrom('audit_events').selectAll().execute()).toEqual([]);
    } finally {
      logged.mockRestore();
    }
  });

  it('a launch that cannot be recorded throws (its URL must not leave), and counts nowhere: no row, no dashboard count', async () => {
    await store.db.deleteFrom('launch_daily').execute();
    const broken = { actor: null, outcome: 'OK', requestId: 'req-unrecorded' } as unknown as Omit<AuditEvent, 'action'>;
    await expect(recordLaunch(store.db, broken, NOW)).rejects.toThrow();
    expect(await store.db.selectFrom('audit_events').selectAll().execute()).toEqual([]);
    expect(await store.db.selectFrom('launch_daily').selectAll().execute()).toEqual([]);
    await recordLaunch(store.db, { actor: 'a@example.com', target: 'alice', outcome: 'OK', requestId: 'req-recorded' }, NOW);
    expect(await store.db.selectFrom('audit_events').select(['action', 'request_id']).execute()).toEqual([{ action: 'launch', request_id: 'req-recorded' }]);
    expect(await store.db.selectFrom('launch_daily').select(['outcome', 'launches']).execute()).toEqual([{ outcome: 'OK', launches: 1 }]);
  });
});

describe('listAuditEvents and listAuditFacets', () => {
  // [days ago, actor, action, target, outcome]; recorded out of time order on purpose.
  const EVENTS: [number, string, string, string | null, string][] = [
    [3, 'Jane@Example.com', 'launch', 'jane', 'OK'],
    [1, 'admin@example.com', 'mapping.update', 'jane@example.com', 'OK'],
    [5, 'bob@example.com', 'launch', 'bob', 'WEBEX_BAD_CREDENTIALS'],
    [2, 'admin@example.com', 'mapping.create', '100%@example.com', 'REFUSED'],
    [4, 'cli:ops', 'mapping.import', 'mappings.csv', 'OK'],
    [0, 'x_y@example.com', 'launch', null, 'MAPPING_MISSING'],
    [6, 'admin@example.com', 'mapping.create', '1000@example.com', 'OK'],
  ];

  beforeEach(async () => {
    for (const [days, actor, action, target, outcome] of EVENTS) await recordAudit(store.db, { actor, action, target, outcome }, daysAgo(days));
  });

  /** The events a filter should give, newest first, worked out from EVENTS. */
  function expected(keep: (e: (typeof EVENTS)[number]) => boolean): string[] {
    return EVENTS.filter(keep)
      .sort((a, b) => a[0] - b[0])
      .map((e) => daysAgo(e[0]).toISOString());
  }

  it('lists newest first with the total', async () => {
    const { rows, total } = await listAuditEvents(store.db, {});
    expect(total).toBe(EVENTS.length);
    expect(rows.map((r) => r.at)).toEqual(expected(() => true));
    expect(rows[0]).toEqual({
      id: expect.any(Number),
      at: NOW.toISOString(),
      actor: 'x_y@example.com',
      action: 'launch',
      target: null,
      outcome: 'MAPPING_MISSING',
      detail: null,
      durationMs: null,
      requestId: null,
    });
  });

  it('breaks ties in time by the latest recorded first', async () => {
    await store.db.deleteFrom('audit_events').execute();
    for (const actor of ['first', 'second', 'third']) await recordAudit(store.db, { actor, action: 'launch', outcome: 'OK' }, NOW);
    expect((await listAuditEvents(store.db, {})).rows.map((r) => r.actor)).toEqual(['third', 'second', 'first']);
  });

  it('parses the stored detail', async () => {
    await recordAudit(
      store.db,
      { actor: 'a', action: 'webex.check', outcome: 'OK', detail: { autoLogin: true, nested: { n: 1 } }, durationMs: 4 },
      new Date(NOW.getTime() + 1),
    );
    expect((await listAuditEvents(store.db, { action: 'webex.check' })).rows[0]).toMatchObject({
      detail: { autoLogin: true, nested: { n: 1 } },
      durationMs: 4,
    });
  });

  it.each<[string, string, (e: (typeof EVENTS)[number]) => boolean]>([
    ['an e-mail in another case, as actor or target', 'JANE@example', (e) => [e[1], e[3]].some((v) => v?.toLowerCase().includes('jane@example'))],
    ['an actor or a target', 'jane', (e) => [e[1], e[3]].some((v) => v?.toLowerCase().includes('jane'))],
    ['an actor only', 'bob@', (e) => e[1] === 'bob@example.com'],
    ['a target only', 'mappings.csv', (e) => e[3] === 'mappings.csv'],
    ['% as a literal (100% must not match 1000)', '100%', (e) => e[3] === '100%@example.com'],
    ['_ as a literal', 'x_y', (e) => e[1] === 'x_y@example.com'],
    ['a padded value', '  cli:ops ', (e) => e[1] === 'cli:ops'],
    ['nothing that matches', 'nobody', () => false],
  ])('filters by user: %s', async (_name, user, keep) => {
    const { rows, total } = await listAuditEvents(store.db, { user });
    expect(rows.map((r) => r.at)).toEqual(expected(keep));
    expect(total).toBe(rows.length);
  });

  it('filters by action and outcome, alone and together', async () => {
    const byAction = await listAuditEvents(store.db, { action: 'launch' });
    expect(byAction.rows.map((r) => r.at)).toEqual(expected((e) => e[2] === 'launch'));
    const byOutcome = await listAuditEvents(store.db, { outcome: 'OK' });
    expect(byOutcome.rows.map((r) => r.at)).toEqual(expected((e) => e[4] === 'OK'));
    const both = await listAuditEvents(store.db, { user: 'admin', action: 'mapping.create', outcome: 'OK' });
    expect(both.rows.map((r) => r.target)).toEqual(['1000@example.com']);
    expect(both.total).toBe(1);
    // exact match, not a prefix
    expect((await listAuditEvents(store.db, { action: 'mapping' })).total).toBe(0);
  });

  it('pages newest first with the total of the filter', async () => {
    const all = (await listAuditEvents(store.db, {})).rows;
    const pages = await Promise.all([1, 2, 3].map((page) => listAuditEvents(store.db, { page, pageSize: 3 })));
    expect(pages.map((p) => p.rows.length)).toEqual([3, 3, 1]);
    expect(pages.every((p) => p.total === EVENTS.length)).toBe(true);
    expect(pages.flatMap((p) => p.rows)).toEqual(all);
    const launches = await listAuditEvents(store.db, { action: 'launch', page: 2, pageSize: 2 });
    expect(launches).toMatchObject({ total: 3, rows: [{ at: expected((e) => e[2] === 'launch')[2] }] });
    expect((await listAuditEvents(store.db, { page: 0, pageSize: 0 })).rows.map((r) => r.at)).toEqual([all[0]?.at]);
  });

  it('lists the distinct actions and outcomes, sorted', async () => {
    expect(await listAuditFacets(store.db)).toEqual({
      actions: [...new Set(EVENTS.map((e) => e[2]))].sort(),
      outcomes: [...new Set(EVENTS.map((e) => e[4]))].sort(),
    });
  });
});

describe('pruneAudit', () => {
  it('deletes only events older than the retention period', async () => {
    const at: [string, Date][] = [
      ['ancient', daysAgo(400)],
      ['just too old', new Date(daysAgo(30).getTime() - 1)],
      ['exactly at the cutoff', daysAgo(30)],
      ['recent', daysAgo(29)],
      ['now', NOW],
    ];
    for (const [actor, when] of at) await recordAudit(store.db, { actor, action: 'launch', outcome: 'OK' }, when);
    expect(await pruneAudit(store.db, 30, NOW)).toBe(2);
    expect((await listAuditEvents(store.db, {})).rows.map((r) => r.actor)).toEqual(['now', 'recent', 'exactly at the cutoff']);
    expect(await pruneAudit(store.db, 30, NOW)).toBe(0);
    // a later "now" moves the cutoff
    expect(await pruneAudit(store.db, 30, new Date(NOW.getTime() + 2 * DAY))).toBe(2);
    expect((await listAuditEvents(store.db, {})).rows.map((r) => r.actor)).toEqual(['now']);
  });
});

describe('listAuditEvents with cursors and the search index', () => {
  it('pages newest first with cursors, each event once, ties in time broken by the latest recorded first', async () => {
    // 25 events at 5 instants: every page boundary falls inside a tie
    for (let i = 0; i < 25; i += 1) await recordAudit(store.db, { actor: `user${i}@example.com`, action: 'launch', outcome: 'OK' }, daysAgo(Math.floor(i / 5)));
    const all = (await listAuditEvents(store.db, { pageSize: 100 })).rows.map((r) => r.id);
    const seen: number[] = [];
    let page = await listAuditEvents(store.db, { pageSize: 4 });
    seen.push(...page.rows.map((r) => r.id));
    while (page.next) {
      page = await listAuditEvents(store.db, { pageSize: 4, after: page.next });
      seen.push(...page.rows.map((r) => r.id));
    }
    expect(seen).toEqual(all);
    const back = await listAuditEvents(store.db, { pageSize: 4, before: page.previous });
    expect(back.rows.map((r) => r.id)).toEqual(all.slice(-5, -1));
    // newest first; within an instant, the latest recorded first
    const rows = (await listAuditEvents(store.db, { pageSize: 100 })).rows;
    expect(rows.map((r) => r.actor).slice(0, 5)).toEqual([
      'user4@example.com',
      'user3@example.com',
      'user2@example.com',
      'user1@example.com',
      'user0@example.com',
    ]);
  });

  it('keeps the user search index in step with recording and pruning', async () => {
    await recordAudit(store.db, { actor: 'Old.Timer@example.com', action: 'launch', target: 'oldtimer', outcome: 'OK' }, daysAgo(400));
    await recordAudit(store.db, { actor: 'Émilie@example.com', action: 'launch', target: 'emilie', outcome: 'OK' }, NOW);
    expect((await listAuditEvents(store.db, { user: 'old.timer' })).total).toBe(1);
    // the index folds case beyond ASCII (SQLite's lower() does not)
    expect((await listAuditEvents(store.db, { user: 'ÉMILIE@' })).rows.map((r) => r.target)).toEqual(['emilie']);
    await pruneAudit(store.db, 365, NOW);
    expect((await listAuditEvents(store.db, { user: 'old.timer' })).total).toBe(0);
    await sql`insert into audit_events_fts(audit_events_fts, rank) values ('integrity-check', 1)`.execute(store.db);
  });
});
