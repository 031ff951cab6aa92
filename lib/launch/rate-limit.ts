import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { recordAudit } from '../audit';
import type { Db } from '../db';
import { normalizeEmail } from '../identity';

/** Launches allowed per portal user in each window. */
export interface LaunchRateLimit {
  points: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LaunchLimiter {
  /** Counts one launch for the user; refused past the limit, with when to try again. */
  consume(email: string): Promise<RateDecision>;
}

/**
 * Launches per portal user, counted by rate-limiter-flexible in the app's own database
 * (launch_rate_limits), so the limit holds across every instance that shares it.
 */
export function createLaunchLimiter(store: Db, limit: LaunchRateLimit): LaunchLimiter {
  const common = { tableName: 'launch_rate_limits', tableCreated: true, points: limit.points, duration: limit.windowSeconds, keyPrefix: 'launch' };
  const limiter: RateLimiterAbstract =
    store.driver.kind === 'postgres'
      ? new RateLimiterPostgres({ ...common, storeClient: store.driver.pool, storeType: 'pool' })
      : new RateLimiterSQLite({ ...common, storeClient: store.driver.database, storeType: 'better-sqlite3' });

  return {
    async consume(email) {
      try {
        await limiter.consume(normalizeEmail(email));
        return { allowed: true };
      } catch (refusal) {
        // the library rejects with a RateLimiterRes when over the limit, with an Error when its store fails
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        // the first refusal of a window is audited; the rest would only let one user flood the log
        if (refusal.consumedPoints === limit.points + 1) {
          await recordAudit(store.db, {
            actor: normalizeEmail(email),
            action: 'launch.rate-limited',
            target: null,
            outcome: 'RATE_LIMITED',
            detail: { retryAfterSeconds, limit },
          });
        }
        return { allowed: false, retryAfterSeconds };
      }
    },
  };
}
