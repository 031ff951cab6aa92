import { getDb, requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { loadLaunchDashboard, type LaunchDashboard } from '@/lib/audit';
import { describeLaunchFailure } from '@/lib/launch';

export const dynamic = 'force-dynamic';

const OK_COLOR = '#1b7f3b';
// Distinguishable for the common colour-vision deficiencies, and dark enough on white.
const FAILURE_COLORS = ['#b3261e', '#8a5a00', '#6b3fa0', '#0b6bcb', '#9c2f6b'];
const OTHER_COLOR = '#5b6675';
const SHOWN_FAILURES = FAILURE_COLORS.length;

const percent = (share: number | undefined) => (share === undefined ? '—' : `${(share * 100).toFixed(1)} %`);
const bound = (ms: number | undefined) =>
  ms === undefined ? '—' : ms === Number.POSITIVE_INFINITY ? 'over 10 s' : ms >= 1_000 ? `≤ ${ms / 1_000} s` : `≤ ${ms} ms`;

/** The series of the chart: OK, the most frequent failures, and everything else. */
function seriesOf(board: LaunchDashboard): { key: string; label: string; color: string; codes: ReadonlySet<string> | 'rest' }[] {
  const shown = board.failures.slice(0, SHOWN_FAILURES);
  return [
    { key: 'OK', label: 'OK', color: OK_COLOR, codes: new Set(['OK']) },
    ...shown.map((f, i) => ({ key: f.code, label: f.code, color: FAILURE_COLORS[i] ?? OTHER_COLOR, codes: new Set([f.code]) })),
    ...(board.failures.length > SHOWN_FAILURES ? [{ key: 'other', label: 'other failures', color: OTHER_COLOR, codes: 'rest' as const }] : []),
  ];
}

function countFor(byOutcome: Map<string, number>, codes: ReadonlySet<string> | 'rest', named: ReadonlySet<string>): number {
  let sum = 0;
  for (const [outcome, n] of byOutcome) if (codes === 'rest' ? !named.has(outcome) : codes.has(outcome)) sum += n;
  return sum;
}

/** Launches per day, stacked by outcome: an SVG drawn here, readable without scripts. */
function LaunchChart({ board }: { board: LaunchDashboard }) {
  const series = seriesOf(board);
  const named = new Set(series.flatMap((s) => (s.codes === 'rest' ? [] : [...s.codes])));
  const width = 720;
  const height = 220;
  const top = 10;
  const bottom = 24;
  const left = 40;
  const max = Math.max(1, ...board.days.map((d) => d.total));
  const slot = (width - left) / board.days.length;
  const scale = (n: number) => (n / max) * (height - top - bottom);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="chart-title chart-desc" width="100%">
        <title id="chart-title">Launches per day, last {board.days.length} days</title>
        <desc id="chart-desc">
          Stacked bars, one per day, from {board.days[0]?.day} to {board.days.at(-1)?.day}; the most launches in a day: {max}. The same numbers are in the table
          below.
        </desc>
        <line x1={left} y1={height - bottom} x2={width} y2={height - bottom} stroke="#5b6675" />
        <text x={left - 6} y={top + 4} textAnchor="end" fontSize="11" fill="#1c2430">
          {max}
        </text>
        <text x={left - 6} y={height - bottom} textAnchor="end" fontSize="11" fill="#1c2430">
          0
        </text>
        {board.days.map((day, i) => {
          let y = height - bottom;
          return (
            <g key={day.day}>
              {series.map((s) => {
                const n = countFor(day.byOutcome, s.codes, named);
                if (n === 0) return null;
                const h = scale(n);
                y -= h;
                return (
                  <rect key={s.key} x={left + i * slot + 1} y={y} width={Math.max(1, slot - 2)} height={h} fill={s.color}>
                    <title>{`${day.day}: ${n} ${s.label}`}</title>
                  </rect>
                );
              })}
              {i % 5 === 0 && (
                <text x={left + i * slot + slot / 2} y={height - 6} textAnchor="middle" fontSize="11" fill="#1c2430">
                  {day.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend">
          {series.map((s) => (
            <li key={s.key}>
              <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/** Is Join working today? Launches, success rate, latency and the failures that matter, at a glance. */
export default async function DashboardPage() {
  await requireAdmin('read');
  const { db } = await getDb();
  const board = await loadLaunchDashboard(db);
  const config = getConfig();
  const support = config.supportContact;
  const today = board.days.at(-1);
  return (
    <>
      <section className="card">
        <h1>Launches</h1>
        <dl className="tiles">
          <div>
            <dt>Launches, last 30 days</dt>
            <dd data-testid="total">{board.total}</dd>
          </div>
          <div>
            <dt>Today</dt>
            <dd>{today?.total ?? 0}</dd>
          </div>
          <div>
            <dt>Success rate</dt>
            <dd data-testid="success-rate">{percent(board.successRate)}</dd>
          </div>
          <div>
            <dt>Launch time p50 / p95</dt>
            <dd>
              {bound(board.p50Ms)} / {bound(board.p95Ms)}
            </dd>
          </div>
        </dl>
        {board.total === 0 ? <p>No launches in the last 30 days.</p> : <LaunchChart board={board} />}
      </section>
      {config.sites.length > 1 && (
        <section className="card" aria-labelledby="by-site-title">
          <h2 id="by-site-title">By site</h2>
          <table data-testid="by-site">
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">Launches</th>
                <th scope="col">Success rate</th>
              </tr>
            </thead>
            <tbody>
              {config.sites.map((site) => {
                const counted = board.bySite.find((s) => s.site === site.key);
                return (
                  <tr key={site.key}>
                    <td>
                      {site.displayName} <span className="muted">({site.siteName})</span>
                    </td>
                    <td>{counted?.launches ?? 0}</td>
                    <td>{percent(counted && counted.ok / counted.launches)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
      <section className="card">
        <h2>Top failures</h2>
        {board.failures.length === 0 ? (
          <p>No failed launches in the last 30 days.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Launches</th>
                <th scope="col">What the employee was told</th>
              </tr>
            </thead>
            <tbody>
              {board.failures.slice(0, 10).map((f) => {
                const problem = describeLaunchFailure(f.code, support);
                return (
                  <tr key={f.code}>
                    <td>
                      <a href={`/admin/audit?action=launch&outcome=${encodeURIComponent(f.code)}`}>
                        <code>{f.code}</code>
                      </a>
                    </td>
                    <td>{f.launches}</td>
                    <td>
                      <strong>{problem.title}.</strong> {problem.what}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {board.total > 0 && (
        <section className="card">
          <details>
            <summary>The chart as a table</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Launches</th>
                  <th scope="col">OK</th>
                  <th scope="col">Failed</th>
                </tr>
              </thead>
              <tbody>
                {board.days.map((d) => (
                  <tr key={d.day}>
                    <td>{d.day}</td>
                    <td>{d.total}</td>
                    <td>{d.byOutcome.get('OK') ?? 0}</td>
                    <td>{d.total - (d.byOutcome.get('OK') ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </section>
      )}
    </>
  );
}
