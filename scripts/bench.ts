/**
 * npm run bench — what the admin pages promise at company scale, measured on this machine:
 *
 *  1. CSV import of ROWS mappings into an empty SQLite file (parse + validate + one transaction),
 *     in a child process so its peak RSS is its own; then the same file again (all unchanged).
 *  2. Mapping search at ROWS rows: p50/p95 of listMappings for typical admin queries.
 *  3. CSV export of every row.
 *  4. Launch throughput (needs `npm run build` first): the full stack pinned to one core, autocannon
 *     with 10 connections from the other, against a bare node:http 302 and a Next route that only
 *     redirects, measured in the same run so the ratios mean something (STACK-NOTES has the floors).
 *
 * Absolute numbers drift between machines and runs; compare numbers from one run.
 * BENCH_ROWS overrides the row count (default 100,000).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { encode } from 'next-auth/jwt';
import { openMigratedDatabase } from '../lib/db/connection';
import { applyImport, exportMappingCsv, stageMappingCsv } from '../lib/mappings/import';
import { formatCsvRow } from '../lib/mappings/csv';
import { listMappings, type MappingQuery } from '../lib/mappings/store';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const IMPORT_LIMIT = 1 << 30;

function generateCsv(path: string, rows: number): void {
  const lines = [formatCsvRow(['email', 'webex_id', 'display_name'])];
  for (let i = 0; i < rows; i += 1) {
    const n = String(i).padStart(6, '0');
    lines.push(formatCsvRow([`employee${n}@example.com`, `emp${n}`, i % 7 === 0 ? `Smith, Person ${n}` : `Person ${n}`]));
  }
  writeFileSync(path, lines.join(''));
}

/** Child mode: import one file into one database and report time and peak memory. */
async function importChild(file: string, databaseUrl: string): Promise<void> {
  const { db } = await openMigratedDatabase(databaseUrl);
  const started = performance.now();
  const parsed = await stageMappingCsv(db, createReadStream(file), { maxBytes: IMPORT_LIMIT, actor: 'bench', deleteMissing: false });
  const parsedAt = performance.now();
  if (parsed.problemCount > 0) throw new Error(`bench CSV has problems: ${JSON.stringify(parsed.problems.slice(0, 3))}`);
  const counts = await applyImport(db, parsed.pending);
  const done = performance.now();
  await db.destroy();
  console.log(
    JSON.stringify({
      parseMs: parsedAt - started,
      applyMs: done - parsedAt,
      totalMs: done - started,
      counts,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

function runImport(file: string, databaseUrl: string): { parseMs: number; applyMs: number; totalMs: number; counts: unknown; maxRssMiB: number } {
  const child = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/bench.ts', 'import-child', file, databaseUrl], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`import child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'webex-sso-bench-'));
  const file = join(dir, 'mappings.csv');
  const databaseUrl = `file:${join(dir, 'bench.sqlite')}`;
  try {
    generateCsv(file, ROWS);
    const sizeMiB = statSync(file).size / 1_048_576;
    console.log(`webex-sso bench: ${ROWS.toLocaleString('en')} mappings, CSV ${sizeMiB.toFixed(1)} MiB, node ${process.version}\n`);

    // A bare child's RSS, so the import's own share is visible.
    const baseline = spawnSync(process.execPath, ['-e', 'console.log(process.resourceUsage().maxRSS / 1024)'], { encoding: 'utf8' });
    const first = runImport(file, databaseUrl);
    const again = runImport(file, databaseUrl);
    console.log('CSV import (child process)');
    console.log(`  into an empty table   ${first.totalMs.toFixed(0).padStart(6)} ms  (parse+validate ${first.parseMs.toFixed(0)} ms, apply ${first.applyMs.toFixed(0)} ms)  peak RSS ${first.maxRssMiB.toFixed(0)} MiB`);
    console.log(`  same file again       ${again.totalMs.toFixed(0).padStart(6)} ms  (all unchanged)  peak RSS ${again.maxRssMiB.toFixed(0)} MiB`);
    console.log(`  bare node process peak RSS ${Number(baseline.stdout).toFixed(0)} MiB; counts ${JSON.stringify(first.counts)}\n`);

    const { db } = await openMigratedDatabase(databaseUrl);
    const queries: [string, MappingQuery][] = [
      ['first page, sorted by e-mail', {}],
      ['substring, many hits ("person 00")', { q: 'person 00' }],
      ['substring, one hit ("emp054321")', { q: 'emp054321' }],
      ['no hit ("zzz")', { q: 'zzz' }],
      ['literal % and _ ("100%_x")', { q: '100%_x' }],
      ['sort by name desc, page 1000', { sort: 'display_name', dir: 'desc', page: 1000 }],
      ['sort by updated, search "smith"', { sort: 'updated_at', dir: 'desc', q: 'smith' }],
    ];
    console.log('Mapping search (listMappings: one page of 50 + total count), 30 runs each');
    for (const [label, query] of queries) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 30; i += 1) {
        const t = performance.now();
        total = (await listMappings(db, { pageSize: 50, ...query })).total;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`  ${label.padEnd(40)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(6)} ms   (${total} matches)`);
    }

    const t = performance.now();
    let bytes = 0;
    for await (const chunk of exportMappingCsv(db)) bytes += Buffer.byteLength(chunk);
    console.log(`\nCSV export of every row   ${(performance.now() - t).toFixed(0)} ms, ${(bytes / 1_048_576).toFixed(1)} MiB`);
    await db.destroy();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PINNED = existsSync('/usr/bin/taskset') ? ['taskset', '-c', '0'] : [];

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { redirect: 'manual' })).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

function startPinned(command: string[], env: Record<string, string>): ChildProcess {
  const [bin = '', ...args] = [...PINNED, ...command];
  return spawn(bin, args, { env: { ...process.env, ...env }, stdio: 'ignore', detached: true });
}

function stop(child: ChildProcess): void {
  if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
}

function exitOf(child: ChildProcess, label: string): Promise<never> {
  return new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`${label} exited (${code}) before the benchmark ran; is the build current? (npm run build)`))));
}

interface Load {
  label: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  expect: number;
}

async function measure(load: Load): Promise<{ rps: number; p50: number; p99: number }> {
  const result = await autocannon({ url: load.url, method: load.method ?? 'GET', headers: load.headers, connections: 10, duration: 8 });
  const wrong = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => Number(code) !== load.expect);
  if (wrong.length > 0 || result.errors > 0) throw new Error(`${load.label}: unexpected answers ${JSON.stringify(result.statusCodeStats)} errors ${result.errors}`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function launchThroughput(): Promise<void> {
  if (!existsSync('.next/BUILD_ID')) {
    console.log('\nLaunch throughput: SKIPPED, no production build (run `npm run build`, then `npm run bench`)');
    return;
  }
  const secret = 'bench-nextauth-secret-0123456789abcdef0123';
  const app = 'http://localhost:3300';
  const bare = startPinned([process.execPath, '-e', "require('http').createServer((q,s)=>{s.writeHead(302,{location:'/x'});s.end()}).listen(3399)"], {});
  const stack = startPinned([process.execPath, 'node_modules/tsx/dist/cli.mjs', 'e2e/servers/stack.ts'], {
    APP_PORT: '3300',
    IDP_PORT: '4310',
    WEBEX_SIM_PORT: '4320',
    STACK_DATABASE_FILE: 'data/bench.sqlite',
    NEXTAUTH_SECRET: secret,
    LOG_LEVEL: 'warn',
  });
  try {
    const died = [exitOf(stack, 'the stack'), exitOf(bare, 'the bare server')];
    died.forEach((p) => p.catch(() => undefined)); // stopping them at the end is not a failure
    await Promise.race([Promise.all([waitFor('http://127.0.0.1:3399/'), waitFor(`${app}/api/health`)]), ...died]);
    const token = await encode({ token: { sub: 'bench', email: 'alice@example.com', name: 'Alice', groups: ['staff'] }, secret });
    const loads: Load[] = [
      { label: 'bare node:http answering 302', url: 'http://127.0.0.1:3399/', expect: 302 },
      { label: 'Next route redirecting (GET /launch)', url: `${app}/launch`, expect: 303 },
      {
        label: 'launch (session + SQLite + XML API + 302)',
        url: `${app}/launch`,
        method: 'POST',
        headers: { cookie: `next-auth.session-token=${token}`, origin: app },
        expect: 302,
      },
    ];
    console.log(`\nLaunch throughput (servers pinned to core 0${PINNED.length ? '' : ' — taskset missing, NOT pinned'}; 10 connections, 8 s each)`);
    let baseline = 0;
    for (const load of loads) {
      await measure({ ...load }); // warm-up: JIT, pools, page compilation
      const { rps, p50, p99 } = await measure(load);
      baseline ||= rps;
      console.log(`  ${load.label.padEnd(44)} ${rps.toFixed(0).padStart(7)} req/s   p50 ${String(p50).padStart(3)} ms   p99 ${String(p99).padStart(4)} ms   ${(rps / baseline).toFixed(3)}× bare`);
    }
    console.log('  STACK-NOTES floors: bare ~30-36k, Next route ~1.5-1.7k, straightforward launch ~370-390 req/s');
  } finally {
    stop(stack);
    stop(bare);
  }
}

if (process.argv[2] === 'import-child') {
  await importChild(process.argv[3] ?? '', process.argv[4] ?? '');
} else {
  await main();
  await launchThroughput();
}
