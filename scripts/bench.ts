/**
 * npm run bench — what the product promises at company scale, measured on this machine:
 *
 *  1-3. The data half (scripts/bench-data.ts), on SQLite and PostgreSQL: CSV import of BENCH_ROWS
 *     mappings (preview + apply, in a child process so its peak RSS is its own), mapping search and
 *     the audit user filter (p50/p95 per kind of query), CSV export. Writes bench/results.json.
 *  4. The launch (scripts/bench-launch.ts; needs `npm run build` first): the portal on a core of its
 *     own, against a bare node:http 302, a Next route that only redirects and one that reads the
 *     session, in the same run so the ratios mean something; CPU per launch, the overhead at
 *     concurrency 1 over the simulator's own GetLoginTicket, upstream connections, cold start.
 *     Writes the launch section of bench/results.json.
 *
 * Absolute numbers drift between machines and runs; compare numbers from one run.
 * BENCH_ROWS overrides the row count (default 100,000); BENCH_ONLY=data or BENCH_ONLY=launch runs one half.
 */
import { benchData, importChild } from './bench-data';
import { benchLaunch } from './bench-launch';

// BENCH_ONLY=data or BENCH_ONLY=launch runs one half (the launch half needs a production build).
const only = process.env.BENCH_ONLY;
if (process.argv[2] === 'import-child') {
  await importChild(process.argv[3] ?? '', process.argv[4] ?? '');
} else {
  if (only !== 'launch') await benchData();
  if (only !== 'data') await benchLaunch();
}
