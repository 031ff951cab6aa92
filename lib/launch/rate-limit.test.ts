/** The launch limit per user, in the database every instance shares: SQLite, and PostgreSQL when it answers. */
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDatabaseCases, type TwoConnections } from '../testing/temp-database';
import { createLaunchLimiter } from './rate-limit';

const LIMIT = { points: 3, windowSeconds: 1 };

function contract(name: string, open: (() => Promise<TwoConnections>) | undefined) {
  describe.skipIf(!open)(name, () => {
    let dbs: TwoConnections;
    afterAll(async () => dbs?.close());

    it('counts launches of one user across two instances, refuses past the limit with when to retry, and lets them through after the window', async () => {
      dbs ??= await (open as NonNullable<typeof open>)();
      const [one, two] = [createLaunchLimiter(dbs.a, LIMIT), createLaunchLimiter(dbs.b, LIMIT)];
      expect(await one.consume('Alice@Example.com')).toEqual({ allowed: true });
      expect(await two.consume('alice@example.com')).toEqual({ allowed: true });
      expect(await one.consume('alice@example.com')).toEqual({ allowed: true });
      const refused = await two.consume('alice@example.com');
      expect(refused).toMatchObject({ allowed: false });
      expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(await one.consume('alice@example.com')).toMatchObject({ allowed: false });
      // other users are not affected
      expect(await one.consume('bob@example.com')).toEqual({ allowed: true });

      const audited = await dbs.a.db.selectFrom('audit_events').select(['actor', 'action', 'outcome']).where('action', '=', 'launch.rate-limited').execute();
      expect(audited).toEqual([{ actor: 'alice@example.com', action: 'launch.rate-limited', outcome: 'RATE_LIMITED' }]);

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await two.consume('alice@example.com')).toEqual({ allowed: true });
    });
  });
}

for (const [name, open] of await sharedDatabaseCases('rate')) contract(name, open);
