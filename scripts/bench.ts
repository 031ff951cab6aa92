/**
 * npm run bench — what the product promises at company scale, measured on this machine:
 *
 *  1-3. The data half (scripts/bench-data.ts), on SQLite and PostgreSQL: CSV import of BENCH_ROWS
 *     mappings (preview + apply, in a child process so its peak RSS is its own), mapping search and
 *     the audit user filter (p50/p95 per kind of query), CSV export. Writes bench/results.json.
 *  4. Launch throughput (needs `npm run build` first): the full stack pinned to one core, autocannon
 *     with 10 connections from the other, against a bare node:http 302 and a Next route that only
 *     redirects, measured in the same run so the ratios mean something (STACK-NOTES has the floors).
 *
 * Absolute numbers drift between machines and runs; compare numbers from one run.
 * BENCH_ROWS overrides the row count (default 100,000); BENCH_ONLY=data or BENCH_ONLY=launch runs one half.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import autocannon from 'autocannon';
import { encode } from 'next-auth/jwt';
import { benchData, importChild } from './bench-data';

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

// BENCH_ONLY=data or BENCH_ONLY=launch runs one half (the launch half needs a production build).
const only = process.env.BENCH_ONLY;
if (process.argv[2] === 'import-child') {
  await importChild(process.argv[3] ?? '', process.argv[4] ?? '');
} else {
  if (only !== 'launch') await benchData();
  if (only !== 'data') await launchThroughput();
}
