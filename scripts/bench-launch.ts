/**
 * The launch half of `npm run bench` (needs `npm run build` first): the portal (`next start`)
 * pinned to core 0, the WebEx simulator in its own process pinned to core 1 (with autocannon), on
 * an SQLite file seeded with the demo company, password mode. Measured in one run, so the ratios
 * mean something:
 *
 *  - req/s, p50 and p99 at 10 connections for a bare node:http 302 (on the app's core), a Next
 *    route that only redirects (GET /launch), a Next route that reads the session and redirects
 *    (GET /auth/signin while signed in) and the full launch (POST /launch → 302 to p.php);
 *  - the portal's CPU milliseconds per request (its own CPU counters over the run);
 *  - at concurrency 1: the launch p50 minus the simulator's own GetLoginTicket p50, measured directly;
 *  - upstream connections the simulator accepted per 1,000 launches, and the most open at once;
 *  - cold start: `next start` to the first 302 of a launch (median of three starts).
 *
 * Writes the `launch` section of bench/results.json (keys in the README's Performance section).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Agent, get, request } from 'node:http';
import autocannon from 'autocannon';
import { encode } from 'next-auth/jwt';
import { buildGetLoginTicketRequest, buildSecurityContext } from '../lib/webex';
import { DEMO_SITE_NAME, DEMO_EMPLOYEES } from '../e2e/servers/demo-users';
import { generateDemoSecrets } from '../e2e/servers/demo-secrets';
import { seedDemoMappings } from '../e2e/servers/seed-demo';
import { writeResultsSection } from './bench-results';

const TASKSET = existsSync('/usr/bin/taskset');
const APP_PORT = 3300;
const BARE_PORT = 3399;
const SIM_PORT = 4320;
const APP = `http://localhost:${APP_PORT}`;
const SIM = `http://127.0.0.1:${SIM_PORT}`;
const DATABASE_FILE = 'data/bench/launch.sqlite';
const CONNECTIONS = 10;
const SECONDS = 5;
/** measured runs per Next route, taking turns (the route's figures are its median run; the ratios the median of the rounds') */
const ROUNDS = 3;
/** the issue's targets, compared in the same run */
export const LAUNCH_TARGETS = { launchToRedirect: 0.45, overheadP50Ms: 3, connectionsPerClient: 1, coldStartMs: 2_000 } as const;

/** The employee who clicks: alice, linked to WebEx host alice, whose password the demo seeds. */
function demoAlice() {
  const alice = DEMO_EMPLOYEES.find((e) => e.email === 'alice@example.com');
  if (!alice?.webex.password) throw new Error('the demo company lost alice');
  return { email: alice.email, name: alice.name, webExID: alice.webex.webExID, password: alice.webex.password };
}
const alice = demoAlice();

function pinned(core: number, command: string[], env: Record<string, string>): ChildProcess {
  const [bin = '', ...args] = TASKSET ? ['taskset', '-c', String(core), ...command] : command;
  return spawn(bin, args, { env: { ...process.env, ...env }, stdio: 'ignore', detached: true });
}

function stop(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  return exited;
}

async function waitFor(check: () => Promise<boolean>, label: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}) before the benchmark ran; is the build current? (npm run build)`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${label} did not come up within ${timeoutMs / 1000}s`);
}

/** CPU time (user + system, and system alone: the kernel's share) of a process and all its descendants, in milliseconds, from /proc. */
function cpuMsOfTree(root: number): { total: number; system: number } {
  const stats = new Map<number, { ppid: number; ticks: number; systemTicks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name may hold spaces and parentheses: the fields start after the last ")"
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), systemTicks: Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  let systemTicks = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    ticks += stats.get(pid)?.ticks ?? 0;
    systemTicks += stats.get(pid)?.systemTicks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) pending.push(child);
  }
  return { total: ticks * 10, system: systemTicks * 10 }; // USER_HZ is 100 on Linux
}

interface Load {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  expect: number;
  /** concurrent connections (CONNECTIONS unless set) */
  connections?: number;
}

export interface Measured {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** the portal's CPU per request over the run (absent for servers that are not the portal) */
  cpuMsPerRequest?: number;
  /** of which in the kernel (socket writes and reads, SQLite's file writes) */
  systemCpuMsPerRequest?: number;
}

async function run(load: Load, portalPid?: number): Promise<Measured> {
  const cpuBefore = portalPid ? cpuMsOfTree(portalPid) : { total: 0, system: 0 };
  const result = await autocannon({
    url: load.url,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    connections: load.connections ?? CONNECTIONS,
    duration: SECONDS,
  });
  const cpuAfter = portalPid ? cpuMsOfTree(portalPid) : cpuBefore;
  const wrong = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => Number(code) !== load.expect);
  if (wrong.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${load.method ?? 'GET'} ${load.url}: unexpected answers ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const requests = result.requests.total;
  return {
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests,
    ...(portalPid
      ? {
          cpuMsPerRequest: Math.round(((cpuAfter.total - cpuBefore.total) / requests) * 100) / 100,
          systemCpuMsPerRequest: Math.round(((cpuAfter.system - cpuBefore.system) / requests) * 100) / 100,
        }
      : {}),
  };
}

/** Warm-up: JIT, pools, the route's first compile. */
async function warmUp(load: Load): Promise<void> {
  await autocannon({
    url: load.url,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    connections: load.connections ?? CONNECTIONS,
    duration: 3,
  });
}

/** Warm-up, then the measured run. */
async function measure(load: Load, portalPid?: number): Promise<Measured> {
  await warmUp(load);
  return run(load, portalPid);
}

/** The middle one of an odd number of things, by a number of theirs. */
function median<T>(items: T[], by: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => by(a) - by(b));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('median of nothing');
  return middle;
}

interface SimCounters {
  connectionsAccepted: number;
  maxOpenConnections: number;
  xmlRequests: number;
}

/**
 * The simulator's counters, asked over one kept-alive connection of our own: opened before the load
 * and open throughout, it adds exactly one to the simulator's open connections and none to the accepted.
 */
const statsAgent = new Agent({ keepAlive: true, maxSockets: 1 });
function simStats(): Promise<SimCounters> {
  return new Promise((resolve, reject) => {
    get(`${SIM}/__sim/stats`, { agent: statsAgent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as SimCounters));
    }).on('error', reject);
  });
}

/**
 * p50 and p99 of `count` requests one after another over one kept-alive connection, to the
 * microsecond (autocannon rounds to the millisecond): the same client for the launch and for the
 * simulator, so what the client costs cancels out of the difference.
 */
async function sequential(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; expect: number },
  count = 400,
): Promise<{ p50Ms: number; p99Ms: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === init.expect ? resolve(performance.now() - started) : reject(new Error(`${url} answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(init.body);
    });
  try {
    for (let i = 0; i < count / 4; i += 1) await once(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) times.push(await once());
    times.sort((a, b) => a - b);
    const at = (p: number) => Math.round((times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN) * 100) / 100;
    return { p50Ms: at(0.5), p99Ms: at(0.99) };
  } finally {
    agent.destroy();
  }
}

export async function benchLaunch(): Promise<void> {
  if (!existsSync('.next/BUILD_ID')) {
    console.log('\nLaunch: SKIPPED, no production build (run `npm run build`, then `npm run bench`)');
    return;
  }
  // autocannon (this process) shares core 1 with the simulator: core 0 is the portal's alone
  if (TASKSET) spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const secrets = generateDemoSecrets({});
  mkdirSync('data/bench', { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${DATABASE_FILE}${suffix}`, { force: true });
  await seedDemoMappings(`file:${DATABASE_FILE}`, secrets.secretKeys, true);

  const portalEnv: Record<string, string> = {
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXTAUTH_URL: APP,
    NEXTAUTH_SECRET: secrets.nextAuthSecret,
    // never contacted: the bench's session cookie is made here, and its user is no admin
    OIDC_ISSUER: 'http://127.0.0.1:9/bench-idp',
    OIDC_CLIENT_ID: 'bench',
    OIDC_CLIENT_SECRET: secrets.clientSecret,
    WEBEX_SITE_NAME: DEMO_SITE_NAME,
    WEBEX_BASE_URL: SIM,
    CREDENTIAL_KEYS: Object.entries(secrets.secretKeys)
      .map(([id, key]) => `${id}:${key}`)
      .join(','),
    DATABASE_URL: `file:${DATABASE_FILE}`,
    // one user clicks thousands of times here; the limiter still counts every launch
    LAUNCH_RATE_LIMIT: '1000000',
    LAUNCH_RATE_WINDOW_SECONDS: '60',
    // production's level: the launch line is written (to /dev/null)
    LOG_LEVEL: 'info',
  };
  // BENCH_CPU_PROF=DIR: the portal writes a V8 CPU profile there when it stops (open it in Chrome's DevTools)
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const startPortal = () =>
    pinned(0, [process.execPath, ...profile, 'node_modules/next/dist/bin/next', 'start', '-H', 'localhost', '-p', String(APP_PORT)], portalEnv);

  // the session a signed-in employee's browser holds (lastSeenAt now: no run lasts the minute after which it is re-written;
  // a session id, or the proxy ends it as a token from before sign-out ended sessions on the server)
  const sessionCookie = async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = {
      sub: 'bench-alice',
      email: alice.email,
      name: alice.name,
      groups: [],
      sessionId: 'bench-alice-session',
      signedInAt: now,
      lastSeenAt: now,
      adminCheckedAt: now,
      adminVerified: true,
    };
    return `next-auth.session-token=${await encode({ token, secret: secrets.nextAuthSecret })}`;
  };
  const launchLoad = async (connections = CONNECTIONS): Promise<Load> => ({
    url: `${APP}/launch`,
    method: 'POST',
    headers: { cookie: await sessionCookie(), origin: APP, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    expect: 302,
    connections,
  });
  const launchOnce = async () => {
    const load = await launchLoad();
    const res = await fetch(load.url, { method: 'POST', headers: load.headers, body: '', redirect: 'manual' });
    return res.status === 302 && (res.headers.get('location') ?? '').startsWith(`${SIM}/${DEMO_SITE_NAME}/p.php?AT=LI`);
  };

  const sim = pinned(1, [process.execPath, 'node_modules/tsx/dist/cli.mjs', 'e2e/servers/webex-sim/main.ts'], { WEBEX_SIM_PORT: String(SIM_PORT) });
  const bare = pinned(0, [process.execPath, '-e', `require('http').createServer((q,s)=>{s.writeHead(302,{location:'/x'});s.end()}).listen(${BARE_PORT})`], {});
  const children: ChildProcess[] = [sim, bare];
  try {
    await waitFor(async () => (await simStats()).xmlRequests >= 0, 'the simulator', sim);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${BARE_PORT}/`, { redirect: 'manual' })).status === 302, 'the bare server', bare);

    // cold start: process start → the first launch answered 302 (the page compiles nothing: a production build)
    const coldStartsMs: number[] = [];
    let portal: ChildProcess | undefined;
    for (let i = 0; i < 3; i += 1) {
      if (portal) await stop(portal);
      const started = performance.now();
      portal = startPortal();
      await waitFor(launchOnce, 'the portal', portal);
      coldStartsMs.push(Math.round(performance.now() - started));
    }
    if (!portal?.pid) throw new Error('the portal did not start');
    children.push(portal);
    const portalPid = portal.pid;
    const coldStartMs = [...coldStartsMs].sort((a, b) => a - b)[1] ?? NaN;

    console.log(
      `\nLaunch (portal pinned to core 0, simulator and autocannon on core 1${TASKSET ? '' : ' — taskset missing, NOT pinned'}; ${CONNECTIONS} connections; the Next routes ${ROUNDS} times ${SECONDS} s each, taking turns, after a 3 s warm-up: the median run)`,
    );
    const bareRun = await measure({ url: `http://127.0.0.1:${BARE_PORT}/`, expect: 302 });
    const loads = {
      redirect: { url: `${APP}/launch`, expect: 303 },
      session: { url: `${APP}/auth/signin?callbackUrl=%2F`, headers: { cookie: await sessionCookie() }, expect: 303 },
      launch: await launchLoad(),
    } satisfies Record<string, Load>;
    for (const load of Object.values(loads)) await warmUp(load);
    // The routes take turns, ROUNDS times: the machine's speed drifts over a minute (other work on
    // it), and a ratio of two runs side by side drifts less than one of runs a minute apart.
    const simBefore = await simStats();
    const rounds: Record<keyof typeof loads, Measured>[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      rounds.push({ redirect: await run(loads.redirect, portalPid), session: await run(loads.session, portalPid), launch: await run(loads.launch, portalPid) });
    }
    const simAfter = await simStats();
    const medianRound = (route: keyof typeof loads) =>
      median(
        rounds.map((round) => round[route]),
        (m) => m.rps,
      );
    const [redirect, session, launch] = [medianRound('redirect'), medianRound('session'), medianRound('launch')];
    // only the launch runs reach the simulator: every launch in password mode is one GetLoginTicket
    const launches = simAfter.xmlRequests - simBefore.xmlRequests;
    const opened = simAfter.connectionsAccepted - simBefore.connectionsAccepted;
    const upstream = {
      connectionsPer1000Launches: Math.round((opened / launches) * 1000 * 100) / 100,
      maxOpenConnections: simAfter.maxOpenConnections - 1, // not ours, which asked

      concurrentClients: CONNECTIONS,
    };

    // concurrency 1: the launch against the simulator's own GetLoginTicket, both measured here
    const single = await sequential(`${APP}/launch`, { ...(await launchLoad(1)), method: 'POST', body: '' });
    const ticketRequest = buildGetLoginTicketRequest(buildSecurityContext(DEMO_SITE_NAME, alice.webExID, { kind: 'password', password: alice.password }));
    const simDirect = await sequential(`${SIM}/WBXService/XMLService`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml; charset=utf-8' },
      body: ticketRequest,
      expect: 200,
    });
    // the framework's own floor at concurrency 1, for comparison: the same two Next routes as above
    const redirectSingle = await sequential(loads.redirect.url, loads.redirect);
    const sessionSingle = await sequential(loads.session.url, loads.session);

    const routes = { bare: bareRun, redirect, session, launch };
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const roundSummaries = rounds.map((round) => ({
      redirectRps: round.redirect.rps,
      sessionRps: round.session.rps,
      launchRps: round.launch.rps,
      sessionToRedirect: ratio(round.session.rps, round.redirect.rps),
      launchToRedirect: ratio(round.launch.rps, round.redirect.rps),
    }));
    const results = {
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      pinned: TASKSET,
      routes,
      rounds: roundSummaries,
      ratios: {
        redirectToBare: ratio(redirect.rps, bareRun.rps),
        sessionToRedirect: median(
          roundSummaries.map((r) => r.sessionToRedirect),
          (r) => r,
        ),
        launchToRedirect: median(
          roundSummaries.map((r) => r.launchToRedirect),
          (r) => r,
        ),
      },
      concurrency1: {
        launchP50Ms: single.p50Ms,
        launchP99Ms: single.p99Ms,
        simGetLoginTicketP50Ms: simDirect.p50Ms,
        overheadP50Ms: Math.round((single.p50Ms - simDirect.p50Ms) * 100) / 100,
        redirectP50Ms: redirectSingle.p50Ms,
        sessionP50Ms: sessionSingle.p50Ms,
      },
      upstream,
      coldStartMs,
      coldStartsMs,
      targets: LAUNCH_TARGETS,
    };
    const met = {
      launchToRedirect: results.ratios.launchToRedirect >= LAUNCH_TARGETS.launchToRedirect,
      overheadP50Ms: results.concurrency1.overheadP50Ms <= LAUNCH_TARGETS.overheadP50Ms,
      connectionsPerClient: upstream.maxOpenConnections <= LAUNCH_TARGETS.connectionsPerClient * CONNECTIONS,
      coldStartMs: coldStartMs <= LAUNCH_TARGETS.coldStartMs,
    };

    const row = (label: string, m: Measured) =>
      `  ${label.padEnd(46)} ${String(m.rps).padStart(6)} req/s  p50 ${String(m.p50Ms).padStart(3)} ms  p99 ${String(m.p99Ms).padStart(4)} ms  ${m.cpuMsPerRequest === undefined ? '' : `${m.cpuMsPerRequest.toFixed(2)} CPU ms/req (kernel ${m.systemCpuMsPerRequest?.toFixed(2)})`}`;
    const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');
    console.log(row('bare node:http answering 302', bareRun));
    console.log(row('Next route redirecting (GET /launch)', redirect));
    console.log(row('Next route reading the session, redirecting', session));
    console.log(row('launch (session, SQLite, XML API, audit, 302)', launch));
    console.log(`  launch ÷ redirect route by round ${results.rounds.map((r) => `${r.launchToRedirect.toFixed(3)}×`).join(', ')}`);
    console.log(
      `  launch ÷ redirect route ${results.ratios.launchToRedirect.toFixed(3)}× (target ≥ ${LAUNCH_TARGETS.launchToRedirect}) ${mark(met.launchToRedirect)}; session route ÷ redirect ${results.ratios.sessionToRedirect.toFixed(3)}×; redirect route ÷ bare ${results.ratios.redirectToBare.toFixed(3)}×`,
    );
    console.log(
      `  concurrency 1: launch p50 ${single.p50Ms} ms − simulator GetLoginTicket p50 ${simDirect.p50Ms} ms = overhead ${results.concurrency1.overheadP50Ms} ms (target ≤ ${LAUNCH_TARGETS.overheadP50Ms}) ${mark(met.overheadP50Ms)}; the redirect route alone p50 ${redirectSingle.p50Ms} ms, the session route ${sessionSingle.p50Ms} ms`,
    );
    console.log(
      `  upstream: ${upstream.connectionsPer1000Launches} connections per 1,000 launches, at most ${upstream.maxOpenConnections} open for ${CONNECTIONS} clients ${mark(met.connectionsPerClient)}`,
    );
    console.log(
      `  cold start to the first 302: ${coldStartMs} ms (median of ${coldStartsMs.join(', ')}; target ≤ ${LAUNCH_TARGETS.coldStartMs}) ${mark(met.coldStartMs)}`,
    );
    writeResultsSection('launch', {
      ...results,
      met,
      environment: {
        node: process.version,
        cpus: cpus().length,
        measuredAt: new Date().toISOString(),
        loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
      },
    });
    console.log('Wrote the launch section of bench/results.json');
  } finally {
    statsAgent.destroy();
    await Promise.all(children.map(stop));
  }
}
