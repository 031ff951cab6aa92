import { type RawBuilder, sql, type Kysely } from 'kysely';
import { type Database, type Dialect, dialectOf } from '../db';

/**
 * The launch dashboard's numbers, from a daily rollup (launch_daily) kept beside the audit log:
 * one row per day, site and outcome with a count and a latency histogram, so 30 days read a few
 * hundred rows whatever the audit log holds (a million launches included).
 */

/** Upper bounds of the latency buckets, in milliseconds; the last bucket is everything above. */
export const DURATION_BOUNDS_MS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000] as const;
export const BUCKET_COLUMNS = ['d_le_100', 'd_le_250', 'd_le_500', 'd_le_1000', 'd_le_2500', 'd_le_5000', 'd_le_10000', 'd_over'] as const;
type BucketColumn = (typeof BUCKET_COLUMNS)[number];

/** The histogram column a launch of this duration counts in. */
export function bucketOf(durationMs: number): BucketColumn {
  const index = DURATION_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return BUCKET_COLUMNS[index === -1 ? BUCKET_COLUMNS.length - 1 : index] as BucketColumn;
}

/** Counts one launch in the rollup (called with its audit event), under its site's key ('' the default site). */
export async function countLaunch(db: Kysely<Database>, at: Date, outcome: string, durationMs: number, site = ''): Promise<void> {
  const day = at.toISOString().slice(0, 10);
  const bucket = bucketOf(durationMs);
  const zeros = Object.fromEntries(BUCKET_COLUMNS.map((c) => [c, c === bucket ? 1 : 0])) as Record<BucketColumn, number>;
  await db
    .insertInto('launch_daily')
    .values({ day, site, outcome, launches: 1, ...zeros })
    .onConflict((oc) =>
      oc.columns(['day', 'site', 'outcome']).doUpdateSet((eb) => ({
        launches: eb('launch_daily.launches', '+', 1),
        [bucket]: eb(`launch_daily.${bucket}`, '+', 1),
      })),
    )
    .execute();
}

export interface DayOfLaunches {
  day: string;
  /** outcome → launches that day */
  byOutcome: Map<string, number>;
  total: number;
}

export interface LaunchDashboard {
  days: DayOfLaunches[];
  total: number;
  ok: number;
  /** 0..1, undefined without launches */
  successRate: number | undefined;
  /** the bucket bound under which half (and 95 %) of the launches finished; undefined without launches; Infinity past the last bound */
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  /** the failure codes by count, most frequent first */
  failures: { code: string; launches: number }[];
  /** per site key ('' the default site) with launches: launches, of them OK; the default site first, then by key */
  bySite: { site: string; launches: number; ok: number }[];
}

function percentile(histogram: number[], total: number, share: number): number | undefined {
  if (total === 0) return undefined;
  let seen = 0;
  for (const [i, count] of histogram.entries()) {
    seen += count;
    if (seen >= share * total) return DURATION_BOUNDS_MS[i] ?? Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

/** The last `days` days up to `now` (UTC days), every day present even without launches. */
export async function loadLaunchDashboard(db: Kysely<Database>, now = new Date(), days = 30): Promise<LaunchDashboard> {
  const first = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const rows = await db.selectFrom('launch_daily').selectAll().where('day', '>=', first).orderBy('day').execute();
  const byDay = new Map<string, DayOfLaunches>();
  for (let i = days - 1; i >= 0; i -= 1) {
    const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    byDay.set(day, { day, byOutcome: new Map(), total: 0 });
  }
  const histogram = BUCKET_COLUMNS.map(() => 0);
  const failures = new Map<string, number>();
  const bySite = new Map<string, { site: string; launches: number; ok: number }>();
  let total = 0;
  let ok = 0;
  for (const row of rows) {
    const launches = Number(row.launches);
    const entry = byDay.get(row.day);
    if (!entry) continue;
    const site = bySite.get(row.site) ?? { site: row.site, launches: 0, ok: 0 };
    bySite.set(row.site, site);
    site.launches += launches;
    if (row.outcome === 'OK') site.ok += launches;
    entry.byOutcome.set(row.outcome, (entry.byOutcome.get(row.outcome) ?? 0) + launches);
    entry.total += launches;
    total += launches;
    if (row.outcome === 'OK') ok += launches;
    else failures.set(row.outcome, (failures.get(row.outcome) ?? 0) + launches);
    BUCKET_COLUMNS.forEach((column, i) => {
      histogram[i] = (histogram[i] ?? 0) + Number(row[column]);
    });
  }
  return {
    days: [...byDay.values()],
    total,
    ok,
    successRate: total === 0 ? undefined : ok / total,
    p50Ms: percentile(histogram, total, 0.5),
    p95Ms: percentile(histogram, total, 0.95),
    failures: [...failures].map(([code, launches]) => ({ code, launches })).sort((a, b) => b.launches - a.launches || a.code.localeCompare(b.code)),
    bySite: [...bySite.values()].sort((a, b) => a.site.localeCompare(b.site)),
  };
}

/** Drops rollup days past the audit retention, as the audit log drops its events. */
export async function pruneLaunchRollup(db: Kysely<Database>, retentionDays: number, now = new Date()): Promise<void> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString().slice(0, 10);
  await db.deleteFrom('launch_daily').where('day', '<', cutoff).execute();
}

/**
 * The site an audited launch counts under, as SQL: detail.site (a launch on a site other than the
 * default names it), '' for none, and '' for SITE_UNKNOWN (a name that is not configured, refused
 * by the default site: the rollup's sites stay the configured ones, as countLaunch's do).
 */
function launchSiteOf(dialect: Dialect): RawBuilder<string> {
  const named = dialect === 'sqlite' ? sql`json_extract(detail, '$.site')` : sql`(detail::jsonb ->> 'site')`;
  return sql<string>`case when outcome = 'SITE_UNKNOWN' then '' else coalesce(${named}, '') end`;
}

/** The rollup rebuilt from the audit log (a repair, and the benchmarks' seeding). */
export async function rebuildLaunchRollup<DB>(db: Kysely<DB>): Promise<void> {
  const site = launchSiteOf(dialectOf(db));
  const bucketSums = BUCKET_COLUMNS.map((column, i) => {
    const low = i === 0 ? undefined : DURATION_BOUNDS_MS[i - 1];
    const high = DURATION_BOUNDS_MS[i];
    const condition =
      high === undefined
        ? sql`coalesce(duration_ms, 0) > ${sql.lit(low ?? 0)}`
        : low === undefined
          ? sql`coalesce(duration_ms, 0) <= ${sql.lit(high)}`
          : sql`coalesce(duration_ms, 0) > ${sql.lit(low)} and coalesce(duration_ms, 0) <= ${sql.lit(high)}`;
    return sql`sum(case when ${condition} then 1 else 0 end) as ${sql.ref(column)}`;
  });
  await sql`delete from launch_daily`.execute(db);
  await sql`insert into launch_daily (day, site, outcome, launches, ${sql.join(BUCKET_COLUMNS.map((c) => sql.ref(c)))})
    select substr(at, 1, 10) as day, ${site} as site, outcome, count(*) as launches, ${sql.join(bucketSums)}
    from audit_events where action = 'launch' group by substr(at, 1, 10), ${site}, outcome`.execute(db);
}
