/**
 * A bounded soak: many signed-in sessions launch at once against the simulator, with a random mix
 * of injected faults, on loopback only, and stop by themselves. Needs a production build.
 *
 *   npm run soak                                  # 5,000 launches, 20 at a time, 200 users
 *   SOAK_LAUNCHES=600 npm run soak                # the short version `npm test` runs
 *
 * It asserts, and prints on one summary line at the end: no crash and no unhandled rejection;
 * every launch audited exactly once with the outcome its answer showed; resident memory after
 * warm-up grows by less than SOAK_RSS_BOUND_MIB (the portal's heap capped at SOAK_HEAP_MIB, as in a container); WebEx never sees more connections than the
 * portal's cap; the event loop's p99 delay; no secret the simulator handed out in the portal's
 * logs or database; and a SIGTERM with launches in flight lets them finish, refuses new
 * connections and exits within the deadline. Exit code 1 when any of it fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { encode } from 'next-auth/jwt';
import { createSelfSignedCertificate } from '../e2e/servers/certificates';
import { startWebexSimulator, type SimFault } from '../e2e/servers/webex-sim';

const LAUNCHES = Number(process.env.SOAK_LAUNCHES ?? 5_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 20);
const USERS = Number(process.env.SOAK_USERS ?? 200);
const WARMUP = Math.min(300, Math.ceil(LAUNCHES / 5));
const RSS_BOUND_MIB = Number(process.env.SOAK_RSS_BOUND_MIB ?? 64);
/** the event loop's p99 delay: a launch path that blocks it (a synchronous scan, a sync crypto loop) shows here first */
const EVENT_LOOP_P99_BOUND_MS = Number(process.env.SOAK_EVENT_LOOP_P99_BOUND_MS ?? 500);
const HEAP_MIB = Number(process.env.SOAK_HEAP_MIB ?? 192);
const FAULT_SHARE = 0.3;
const MAX_CONCURRENCY = 8;
const TIMEOUT_MS = 800;
const SAML = { issuer: 'http://localhost', audience: 'https://acme.webex.com', recipient: 'https://acme.webex.com/dispatcher/SAML2AuthService?siteurl=acme' };

const FAULTS: (() => { fault: SimFault; call?: 'GetLoginTicket' | 'AuthenticateUser' })[] = [
  () => ({ fault: { kind: 'latency', ms: 50 + Math.floor(Math.random() * 300) } }),
  () => ({ fault: { kind: 'hang' } }),
  () => ({ fault: { kind: 'http-status', status: 503 } }),
  () => ({ fault: { kind: 'reset' } }),
  () => ({ fault: { kind: 'malformed-xml' } }),
  () => ({ fault: { kind: 'entity-ticket' } }),
  () => ({ fault: { kind: 'html' } }),
  () => ({ fault: { kind: 'failure', exceptionID: '000035' } }),
  () => ({ fault: { kind: 'failure', exceptionID: '030002' } }),
  () => ({ fault: { kind: 'failure', exceptionID: '030048' }, call: 'AuthenticateUser' }),
  () => ({ fault: { kind: 'session-ticket-expired' } }),
  () => ({ fault: { kind: 'empty-ticket' } }),
];

interface LaunchAnswer {
  requestId: string;
  outcome: string;
}

const problems: string[] = [];
const check = (ok: boolean, problem: string) => {
  if (!ok) problems.push(problem);
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'webex-sso-soak-'));
  const databaseFile = join(dir, 'soak.sqlite');
  const cert = createSelfSignedCertificate('soak portal');
  const users = Array.from({ length: USERS }, (_, i) => `user-${String(i).padStart(4, '0')}@example.com`);
  const sim = await startWebexSimulator({
    siteName: 'acme',
    port: 0,
    users: users.map((email) => ({ webExID: email, email })),
    saml: { certificates: [cert.certificatePem], ...SAML },
    sessionTicketTtlSeconds: 600,
  });
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const secret = randomBytes(32).toString('base64url');
  const metricsToken = randomBytes(24).toString('base64url');
  const output: string[] = [];
  const app: ChildProcess = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', 'localhost', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // a heap of a container's size: V8 otherwise grows lazily into any free memory, and RSS says
      // nothing; with a cap a leak shows as growth past the bound, or as a crash
      NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}`,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXTAUTH_URL: appUrl,
      NEXTAUTH_SECRET: secret,
      OIDC_ISSUER: 'http://127.0.0.1:1',
      OIDC_CLIENT_ID: 'soak',
      OIDC_CLIENT_SECRET: 'soak',
      WEBEX_SITE_NAME: 'acme',
      WEBEX_BASE_URL: sim.url,
      WEBEX_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBEX_MAX_CONCURRENCY: String(MAX_CONCURRENCY),
      WEBEX_QUEUE_WAIT_MS: '3000',
      WEBEX_CIRCUIT_FAILURES: '30',
      WEBEX_CIRCUIT_COOLDOWN_MS: '1000',
      WEBEX_CREDENTIAL_MODE: 'saml',
      SAML_ISSUER: SAML.issuer,
      SAML_AUDIENCE: SAML.audience,
      SAML_RECIPIENT: SAML.recipient,
      SAML_NAMEID_SOURCE: 'email',
      SAML_SIGNING_KEY: cert.privateKeyPem.trim().replace(/\n/g, '\\n'),
      SAML_SIGNING_CERT: cert.certificatePem.trim().replace(/\n/g, '\\n'),
      MAPPING_RULE: 'email',
      CREDENTIAL_KEYS: `1:${randomBytes(32).toString('base64url')}`,
      DATABASE_URL: `file:${databaseFile}`,
      LAUNCH_RATE_LIMIT: '1000000',
      METRICS_TOKEN: metricsToken,
      LOG_LEVEL: 'info',
    },
  });
  let exit: { code: number | null; at: number } | undefined;
  app.on('exit', (code) => {
    exit = { code, at: Date.now() };
  });
  for (const stream of [app.stdout, app.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));

  try {
    await waitForHealth(`${appUrl}/api/ready`, () => exit !== undefined);
    const pid = app.pid ?? 0;
    const now = Math.floor(Date.now() / 1000);
    const cookies = await Promise.all(
      users.map(async (email) => {
        const token = await encode({
          token: {
            sub: email,
            email,
            name: email,
            groups: ['staff'],
            sessionId: randomBytes(16).toString('base64url'),
            signedInAt: now,
            lastSeenAt: now,
            adminCheckedAt: now,
          },
          secret,
        });
        return `next-auth.session-token=${token}`;
      }),
    );

    const answers: LaunchAnswer[] = [];
    const launchOnce = async (i: number, faults: boolean): Promise<void> => {
      const user = i % USERS;
      if (faults && Math.random() < FAULT_SHARE) {
        const { fault, call } = FAULTS[Math.floor(Math.random() * FAULTS.length)]?.() ?? { fault: { kind: 'backup' } as SimFault };
        sim.inject({ fault, webExID: users[user], times: 1, ...(call ? { call } : {}) });
      }
      const response = await fetch(`${appUrl}/launch`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: appUrl, cookie: cookies[user] ?? '', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      const requestId = response.headers.get('x-request-id') ?? '';
      const location = response.headers.get('location') ?? '';
      const outcome =
        response.status === 302 && new URL(location).pathname === '/acme/p.php'
          ? 'OK'
          : (new URL(location, appUrl).searchParams.get('code') ?? `HTTP ${response.status}`);
      answers.push({ requestId, outcome });
    };
    const run = async (count: number, faults: boolean, offset: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < count) {
            const i = next++;
            await launchOnce(offset + i, faults);
          }
        }),
      );
    };

    await run(WARMUP, false, 0);
    const baselineRss = rssMiB(pid);
    await scrapeMetrics(appUrl, metricsToken); // resets the event-loop histogram to this run
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMiB(pid)), 500);
    const started = performance.now();
    await run(LAUNCHES, true, WARMUP);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    sim.clearFaults();
    const metricsText = await scrapeMetrics(appUrl, metricsToken);
    const heapUsedMiB = Number(/webex_sso_nodejs_heap_size_used_bytes (\d+)/.exec(metricsText)?.[1] ?? NaN) / 2 ** 20;
    const lagP99Ms = Number(/webex_sso_nodejs_eventloop_lag_p99_seconds ([\d.e-]+)/.exec(metricsText)?.[1] ?? NaN) * 1000;
    check(lagP99Ms < EVENT_LOOP_P99_BOUND_MS, `event-loop delay p99 ${lagP99Ms.toFixed(1)} ms (bound ${EVENT_LOOP_P99_BOUND_MS})`);
    const endRss = Math.max(...samples.slice(-4), rssMiB(pid));
    const growth = endRss - baselineRss;

    // every launch audited exactly once, with the outcome its answer showed
    const db = new SqliteDatabase(databaseFile, { readonly: true });
    const rows = db.prepare("select request_id as requestId, outcome from audit_events where action = 'launch'").all() as LaunchAnswer[];
    db.close();
    const audited = new Map<string, string[]>();
    for (const row of rows) audited.set(row.requestId, [...(audited.get(row.requestId) ?? []), row.outcome]);
    const mismatched = answers.filter((a) => audited.get(a.requestId)?.length !== 1 || audited.get(a.requestId)?.[0] !== a.outcome);
    check(answers.length === LAUNCHES + WARMUP, `${answers.length} answers for ${LAUNCHES + WARMUP} launches`);
    check(rows.length === answers.length, `${rows.length} launch audit rows for ${answers.length} launches`);
    check(mismatched.length === 0, `${mismatched.length} launches not audited exactly once with their outcome, e.g. ${JSON.stringify(mismatched.slice(0, 3))}`);
    check(exit === undefined, `the portal exited during the soak (code ${exit?.code})`);
    const logText = output.join('');
    const unhandled = (logText.match(/unhandledRejection|UnhandledPromiseRejection|uncaughtException/g) ?? []).length;
    check(unhandled === 0, `${unhandled} unhandled rejections or exceptions in the portal's output`);
    check(growth < RSS_BOUND_MIB, `resident memory grew ${growth.toFixed(1)} MiB after warm-up (bound ${RSS_BOUND_MIB})`);
    // counted where they are opened (WebEx, seen from the simulator, also counts sockets the portal already closed)
    const maxSockets = Number(/webex_sso_upstream_sockets_max (\d+)/.exec(metricsText)?.[1] ?? NaN);
    check(maxSockets <= MAX_CONCURRENCY, `the portal opened ${maxSockets} connections to WebEx at once (cap ${MAX_CONCURRENCY})`);

    // no secret the simulator handed out, in the portal's output or its database
    const secrets = sim.secrets();
    const issued = [...secrets.loginTickets, ...secrets.sessionTickets, ...secrets.samlResponses, ...cookies.map((c) => c.slice(c.indexOf('=') + 1))];
    const stored = [logText, readFileSync(databaseFile).toString('latin1'), readFileSync(`${databaseFile}-wal`, { flag: 'a+' }).toString('latin1')].join('\n');
    const leaks = issued.filter((secret) => stored.includes(secret)).length;
    check(leaks === 0, `${leaks} secrets found in the portal's output or database`);

    const crashed = exit !== undefined;
    const shutdown = await drainOnSigterm(app, appUrl, cookies, sim, () => exit);
    // closed at exit: SQLite folded its write-ahead log back into the file and removed it
    const walLeft = existsSync(`${databaseFile}-wal`);
    check(!walLeft, 'the portal exited without closing its database (the SQLite WAL was left behind)');

    const byOutcome = new Map<string, number>();
    for (const a of answers) byOutcome.set(a.outcome, (byOutcome.get(a.outcome) ?? 0) + 1);
    const outcomes = [...byOutcome]
      .sort((a, b) => b[1] - a[1])
      .map(([o, n]) => `${o} ${n}`)
      .join(', ');
    console.log(
      `soak: ${answers.length} launches (${outcomes}) in ${seconds.toFixed(1)} s at ${CONCURRENCY} at once for ${USERS} users; ` +
        `crashes ${crashed ? 1 : 0}, unhandled rejections ${unhandled}, audited exactly once ${answers.length - mismatched.length}/${answers.length}, ` +
        `RSS +${growth.toFixed(1)} MiB after warm-up (bound ${RSS_BOUND_MIB}; heap ${heapUsedMiB.toFixed(0)}/${HEAP_MIB} MiB), WebEx connections max ${maxSockets}/${MAX_CONCURRENCY} (${sim.stats().maxOpenConnections} seen by WebEx), event-loop p99 ${lagP99Ms.toFixed(1)} ms (bound ${EVENT_LOOP_P99_BOUND_MS}), ` +
        `secrets found ${leaks}/${issued.length}, SIGTERM: ${shutdown.summary}, database ${walLeft ? 'LEFT OPEN' : 'closed'}${problems.length ? ` — FAILED: ${problems.join('; ')}` : ' — OK'}`,
    );
  } finally {
    if (exit === undefined) app.kill('SIGKILL');
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(problems.length === 0 ? 0 : 1);
}

/**
 * SIGTERM with launches in flight (WebEx slowed down): they must all be answered, a new connection
 * refused, and the process gone within the deadline.
 */
async function drainOnSigterm(
  app: ChildProcess,
  appUrl: string,
  cookies: string[],
  sim: Awaited<ReturnType<typeof startWebexSimulator>>,
  exited: () => { code: number | null; at: number } | undefined,
): Promise<{ summary: string; clean: boolean }> {
  const IN_FLIGHT = 5;
  sim.inject({ fault: { kind: 'latency', ms: TIMEOUT_MS / 2 }, times: IN_FLIGHT * 3 });
  const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) =>
    fetch(`${appUrl}/launch`, { method: 'POST', redirect: 'manual', headers: { origin: appUrl, cookie: cookies[i] ?? '' }, body: '' }).then(
      (r) => r.status,
      () => 0,
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 150));
  const signalled = Date.now();
  app.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const refused = await fetch(`${appUrl}/api/ready`).then(
    () => false,
    () => true,
  );
  const statuses = await Promise.all(inFlight);
  const deadlineMs = 3_000 + 3 * TIMEOUT_MS + 5_000;
  while (!exited() && Date.now() - signalled < deadlineMs + 2_000) await new Promise((resolve) => setTimeout(resolve, 50));
  const exit = exited();
  const answered = statuses.filter((s) => s === 302 || s === 303).length;
  check(answered === IN_FLIGHT, `${IN_FLIGHT - answered} launches in flight at SIGTERM got no answer`);
  check(refused, 'a new connection was accepted after SIGTERM');
  check(exit !== undefined && exit.at - signalled <= deadlineMs, `the portal had not exited ${deadlineMs} ms after SIGTERM`);
  const took = exit ? `${((exit.at - signalled) / 1000).toFixed(1)} s` : 'did not exit';
  return {
    summary: `${answered}/${IN_FLIGHT} in-flight answered, new connections ${refused ? 'refused' : 'ACCEPTED'}, exited (code ${exit?.code}) in ${took}`,
    clean: exit !== undefined,
  };
}

async function scrapeMetrics(appUrl: string, token: string): Promise<string> {
  return (await fetch(`${appUrl}/api/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
}

async function waitForHealth(url: string, died: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !died()) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`soak: the portal did not become healthy at ${url}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
