/** The launch dashboard's rollup: kept with every audited launch, rebuilt from the log the same, on SQLite and PostgreSQL. */
import { afterAll, describe, expect, it } from 'vitest';
import { recordAudit, recordLaunch } from './events';
import { bucketOf, loadLaunchDashboard, rebuildLaunchRollup } from './launch-rollup';
import { sharedDatabaseCases, type TwoConnections } from '../testing/temp-database';

const NOW = new Date('2026-11-29T12:00:00Z');
const daysAgo = (n: number, hour = 10) => new Date(Date.UTC(2026, 10, 29 - n, hour));

describe('bucketOf', () => {
  it('puts a duration in the first bucket whose bound it does not exceed', () => {
    expect(bucketOf(0)).toBe('d_le_100');
    expect(bucketOf(100)).toBe('d_le_100');
    expect(bucketOf(101)).toBe('d_le_250');
    expect(bucketOf(10_000)).toBe('d_le_10000');
    expect(bucketOf(10_001)).toBe('d_over');
  });
});

for (const [name, open] of await sharedDatabaseCases('dashboard')) {
  describe.skipIf(!open)(name, () => {
    let dbs: TwoConnections | undefined;
    afterAll(async () => dbs?.close());

    it('counts every audited launch by day and outcome, with success rate, latency percentiles and the top failures', async () => {
      dbs = await (open as NonNullable<typeof open>)();
      const { db } = dbs.a;
      const launches: [number, string, number][] = [
        [0, 'OK', 40],
        [0, 'OK', 60],
        [0, 'OK', 90],
        [0, 'WEBEX_TIMEOUT', 2_100],
        [1, 'OK', 200],
        [1, 'MAPPING_MISSING', 5],
        [1, 'WEBEX_TIMEOUT', 2_200],
        [29, 'OK', 80],
        [30, 'OK', 80], // outside the 30 days
      ];
      for (const [ago, outcome, durationMs] of launches) await recordAudit(db, { actor: 'a@example.com', action: 'launch', outcome, durationMs }, daysAgo(ago));
      await recordAudit(db, { actor: 'admin@example.com', action: 'mapping.create', outcome: 'OK' }, daysAgo(0));

      const board = await loadLaunchDashboard(dbs.b.db, NOW);
      expect(board.days).toHaveLength(30);
      expect(board.days[0]?.day).toBe('2026-10-31');
      expect(board.days.at(-1)).toMatchObject({ day: '2026-11-29', total: 4 });
      expect(Object.fromEntries(board.days.at(-1)?.byOutcome ?? [])).toEqual({ OK: 3, WEBEX_TIMEOUT: 1 });
      expect(board.days.filter((d) => d.total === 0)).toHaveLength(27);
      expect(board).toMatchObject({ total: 8, ok: 5, successRate: 5 / 8, p50Ms: 100, p95Ms: 2_500 });
      expect(board.failures).toEqual([
        { code: 'WEBEX_TIMEOUT', launches: 2 },
        { code: 'MAPPING_MISSING', launches: 1 },
      ]);

      // rebuilt from the audit log alone, it says the same
      await rebuildLaunchRollup(db);
      expect(await loadLaunchDashboard(db, NOW)).toEqual(board);
    });

    it('counts by site: a launch on another site under its key, the live count and the rebuild from the log alike', async () => {
      const { db } = dbs?.a ?? (await (open as NonNullable<typeof open>)()).a;
      const at = new Date('2026-06-15T10:00:00Z');
      const eu = { actor: 'eva@eu.example.com', outcome: 'OK', durationMs: 50, detail: { site: 'acme-eu' }, site: 'acme-eu' };
      await recordLaunch(db, eu, at);
      await recordLaunch(db, { ...eu, outcome: 'WEBEX_TIMEOUT', durationMs: 2_100 }, at);
      await recordLaunch(db, { actor: 'ana@example.com', outcome: 'OK', durationMs: 40 }, at);
      // a site name that is not configured, refused by the default site: counted there, never as a site of its own
      await recordLaunch(db, { actor: 'ana@example.com', outcome: 'SITE_UNKNOWN', durationMs: 1, detail: { site: 'made-up-site' } }, at);

      const board = await loadLaunchDashboard(db, new Date('2026-06-15T12:00:00Z'));
      expect(board.bySite).toEqual([
        { site: '', launches: 2, ok: 1 },
        { site: 'acme-eu', launches: 2, ok: 1 },
      ]);
      await rebuildLaunchRollup(db);
      expect(await loadLaunchDashboard(db, new Date('2026-06-15T12:00:00Z'))).toEqual(board);
    });

    it('an empty log is an empty board, not an error', async () => {
      const board = await loadLaunchDashboard((dbs as TwoConnections).a.db, new Date('2020-01-01T00:00:00Z'));
      expect(board).toMatchObject({ total: 0, successRate: undefined, p50Ms: undefined, failures: [], bySite: [] });
    });
  });
}
