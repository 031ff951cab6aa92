/**
 * The container's start path, run where no container engine is: the assembled standalone folder
 * (`npm run build`) copied to a fresh temporary folder that holds only it (no repository, no
 * node_modules above it), started as the image starts it (`node server.js`, the Dockerfile's
 * environment), against the bundled identity provider and WebEx simulator; once on a fresh SQLite
 * file, once on a fresh PostgreSQL database (skipped, saying so, when no server answers at
 * POSTGRES_TEST_URL). Each run checks, in order: readiness, the Dockerfile's HEALTHCHECK command,
 * the compiled CLI seeding mappings, a real sign-in (HTTP with a cookie jar through the OpenID
 * redirects) and a Join that ends signed in at the simulator, the static assets and public/,
 * the metrics scrape, the CLI's export, that the native SQLite module was loaded from the folder,
 * and a SIGTERM with a launch in flight: answered, drain logged, exit 143 within the deadline.
 *
 *   npm run build && npx tsx scripts/standalone-check.ts
 *
 * A script run by scripts/test.sh after the production build, not a vitest test: it needs that
 * build, which test.sh makes after vitest, and a vitest test would either build again (~25 s of
 * the shared cores) or skip without one and pass saying nothing. Prints the folder's size and the
 * time from start to ready; exit code 1 when anything fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { generateDemoSecrets } from '../e2e/servers/demo-secrets';
import { DEMO_ADMIN_GROUP, DEMO_EMPLOYEES, DEMO_SITE_NAME, demoMeetings, demoWebexUsers } from '../e2e/servers/demo-users';
import { startIdentityProvider } from '../e2e/servers/idp';
import { startWebexSimulator } from '../e2e/servers/webex-sim';
import { CLI_FILE, STANDALONE_DIR } from './standalone';

const ROOT = resolve(import.meta.dirname, '..');
const POSTGRES_SERVER = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENT_ID = 'webex-sso-portal';
/** short, so the drain deadline (queue wait + 3 × timeout + 5 s, lib/server/startup.ts) is short too */
const WEBEX_TIMEOUT_MS = 2_000;
const WEBEX_QUEUE_WAIT_MS = 1_000;
const DRAIN_DEADLINE_MS = WEBEX_QUEUE_WAIT_MS + 3 * WEBEX_TIMEOUT_MS + 5_000;
/** Next's standalone server exits 128 + 15 after a SIGTERM it drained; 1 is our deadline's exit */
const DRAINED_EXIT_CODE = 143;
const READY_WITHIN_MS = 30_000;
const SEEDED = DEMO_EMPLOYEES.filter((e) => e.linked);
const alice = employee('alice@example.com');

class CheckFailed extends Error {}
function expectThat(ok: boolean, problem: string): asserts ok {
  if (!ok) throw new CheckFailed(problem);
}

function employee(email: string): (typeof DEMO_EMPLOYEES)[number] {
  const found = DEMO_EMPLOYEES.find((e) => e.email === email);
  if (!found) throw new Error(`standalone-check: no demo employee ${email}`);
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Enough of a browser's cookie store for these hosts: per host name (ports share cookies) and path, deleted by expiry. */
class CookieJar {
  readonly #cookies = new Map<string, { host: string; name: string; value: string; path: string }>();

  store(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      let path = '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', attributeValue = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'path') path = attributeValue;
        if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
      }
      const id = `${url.hostname};${name};${path}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, { host: url.hostname, name, value, path });
    }
  }

  headerFor(url: URL): string {
    return [...this.#cookies.values()]
      .filter((c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  async send(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.headerFor(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(url, response);
    return response;
  }

  /** Follows redirects as a browser would (a POST answered 302/303 goes on as a GET) to the page at the end. */
  async open(start: URL, init: RequestInit = {}): Promise<{ url: URL; status: number; html: string }> {
    let url = start;
    let response = await this.send(url, init);
    for (let hops = 0; hops < 15; hops += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url, status: response.status, html: await response.text() };
      await response.arrayBuffer();
      url = new URL(location, url);
      response = await this.send(url);
    }
    throw new CheckFailed(`more than 15 redirects from ${start.href}`);
  }
}

/** Who the processes run as: the image's user is not root, and owns only data/ and .next/cache. */
interface RunAs {
  uid?: number;
  gid?: number;
  name: string;
}

/** As root (as CI runs), `nobody`, on a folder only root may write, as in the image; else whoever runs this. */
function imageUser(): RunAs {
  if (process.getuid?.() !== 0) return { name: 'the current user' };
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g'), name: 'nobody' };
}

/** The mappings CLI as an operator runs it in the container: `node mappings.js …` in the folder, nothing else. */
function runCli(folder: string, env: NodeJS.ProcessEnv, user: RunAs, args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI_FILE, ...args], { cwd: folder, env, uid: user.uid, gid: user.gid, input, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** The image's HEALTHCHECK, exactly as the Dockerfile spells it (exec form), run in the folder. */
function healthcheckCommand(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const json = /^HEALTHCHECK\b.*?\bCMD (\[.*\])\s*$/m.exec(dockerfile)?.[1];
  if (!json) throw new CheckFailed('the Dockerfile has no HEALTHCHECK … CMD ["…"] line');
  return JSON.parse(json) as string[];
}

function duKiB(folder: string): number {
  const du = spawnSync('du', ['-sk', folder], { encoding: 'utf8' });
  return Number(du.stdout.split('\t')[0]);
}

/** Node looks for packages in every node_modules above a file: the copy must have none above it, or it proves nothing. */
function assertNothingAbove(folder: string): void {
  for (let dir = dirname(folder); ; dir = dirname(dir)) {
    expectThat(
      !existsSync(join(dir, 'node_modules')),
      `${join(dir, 'node_modules')} exists above the copy: it could lend the server packages the folder lacks`,
    );
    if (dir === dirname(dir)) return;
  }
}

interface Peers {
  idpIssuer: string;
  simUrl: string;
  sim: Awaited<ReturnType<typeof startWebexSimulator>>;
  secrets: ReturnType<typeof generateDemoSecrets>;
  user: RunAs;
}

/**
 * One start of the copied folder on one database, every check in order; returns its summary line.
 * Without a DATABASE_URL, the image's default: file:./data/webex-sso.sqlite, on its volume.
 */
async function checkRun(label: string, folder: string, databaseUrl: string | undefined, port: number, peers: Peers): Promise<string> {
  const { user } = peers;
  const appUrl = `http://localhost:${port}`;
  const metricsToken = randomBytes(24).toString('base64url');
  // the Dockerfile's ENV, with HOSTNAME on loopback here (the image's 0.0.0.0 would open the test to the network)
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    HOSTNAME: '127.0.0.1',
    PORT: String(port),
    NEXTAUTH_URL: appUrl,
    NEXTAUTH_SECRET: peers.secrets.nextAuthSecret,
    OIDC_ISSUER: peers.idpIssuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: peers.secrets.clientSecret,
    OIDC_SCOPES: 'openid email profile groups',
    WEBEX_SITE_NAME: DEMO_SITE_NAME,
    WEBEX_BASE_URL: peers.simUrl,
    WEBEX_CREDENTIAL_MODE: 'password',
    WEBEX_TIMEOUT_MS: String(WEBEX_TIMEOUT_MS),
    WEBEX_QUEUE_WAIT_MS: String(WEBEX_QUEUE_WAIT_MS),
    CREDENTIAL_KEYS: Object.entries(peers.secrets.secretKeys)
      .map(([id, key]) => `${id}:${key}`)
      .join(','),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ADMIN_GROUP: DEMO_ADMIN_GROUP,
    METRICS_TOKEN: metricsToken,
    LOG_LEVEL: 'info',
  };
  const output: string[] = [];
  const started = performance.now();
  const app: ChildProcess = spawn(process.execPath, ['server.js'], { cwd: folder, env, uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let exit: { code: number | null; at: number } | undefined;
  app.on('exit', (code) => (exit = { code, at: performance.now() }));
  for (const stream of [app.stdout, app.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));

  try {
    // 1. ready: started, configuration valid, a fresh database migrated by the server's own bundle
    let readyMs = 0;
    while (!readyMs) {
      expectThat(exit === undefined, `${label}: the server exited (code ${exit?.code}) before it was ready`);
      expectThat(performance.now() - started < READY_WITHIN_MS, `${label}: not ready within ${READY_WITHIN_MS / 1000} s`);
      const ready = await fetch(`${appUrl}/api/ready`).catch(() => undefined);
      if (ready?.status === 200) readyMs = performance.now() - started;
      else await new Promise((done) => setTimeout(done, 50));
    }

    // 2. the Dockerfile's HEALTHCHECK passes against it
    const [command = '', ...args] = healthcheckCommand();
    const probe = spawnSync(command === 'node' ? process.execPath : command, args, {
      cwd: folder,
      env,
      uid: user.uid,
      gid: user.gid,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expectThat(probe.status === 0, `${label}: the Dockerfile's HEALTHCHECK failed (exit ${probe.status}): ${probe.stderr}`);

    // 3. the compiled CLI seeds the demo's linked employees, sealing their WebEx passwords with the server's keys
    for (const employee of SEEDED) {
      const set = runCli(
        folder,
        env,
        user,
        ['set', employee.email, employee.webex.webExID, '--name', employee.name, '--password-stdin'],
        `${employee.webex.password}\n`,
      );
      expectThat(set.code === 0, `${label}: node ${CLI_FILE} set ${employee.email} exited ${set.code}: ${set.err}`);
    }

    // 4. a real sign-in: the portal's Sign in, the identity provider's form, back through the callback
    const jar = new CookieJar();
    const form = await jar.open(new URL('/auth/signin?callbackUrl=%2F', appUrl));
    const action = /<form method="post" action="([^"]+)"/.exec(form.html)?.[1];
    expectThat(
      form.status === 200 && form.url.origin === new URL(peers.idpIssuer).origin && action !== undefined,
      `${label}: Sign in did not reach the identity provider's form (${form.status} at ${form.url.href})`,
    );
    const home = await jar.open(new URL(action.replaceAll('&amp;', '&'), form.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: alice.email, password: alice.password }),
    });
    expectThat(
      home.url.href === `${appUrl}/` && home.html.replaceAll('<!-- -->', '').includes(`<h1>Hello, ${alice.name}</h1>`),
      `${label}: after sign-in ${home.url.href} (${home.status}) does not greet ${alice.name}`,
    );

    // 5. what Next does not copy: the browser's chunks from .next/static, and public/
    const chunk = /(?:src|href)="(\/_next\/static\/[^"]+)"/.exec(home.html)?.[1];
    expectThat(chunk !== undefined, `${label}: the home page links no /_next/static asset`);
    for (const path of [chunk, '/robots.txt', '/favicon.ico', '/site.webmanifest']) {
      const asset = await fetch(new URL(path, appUrl));
      await asset.arrayBuffer();
      expectThat(asset.status === 200, `${label}: ${path} answered ${asset.status} (static assets or public/ missing from the folder?)`);
    }

    // 6. Join: /launch answers 302 to p.php with a ticket, which the simulator accepts
    const launch = await jar.send(new URL('/launch', appUrl), {
      method: 'POST',
      headers: { origin: appUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const loginUrl = new URL(launch.headers.get('location') ?? '', appUrl);
    expectThat(
      launch.status === 302 && loginUrl.href.startsWith(`${peers.simUrl}/${DEMO_SITE_NAME}/p.php`) && loginUrl.searchParams.has('TK'),
      `${label}: Join answered ${launch.status} to ${loginUrl.origin}${loginUrl.pathname}, not p.php with a ticket`,
    );
    const login = await jar.open(loginUrl);
    const onward = /location\.href=("(?:[^"\\]|\\.)*")/.exec(login.html)?.[1];
    const webex = onward ? await jar.open(new URL(JSON.parse(onward) as string, loginUrl)) : login;
    expectThat(
      webex.html.includes(`<h1>Signed in to WebEx as ${alice.webex.webExID}</h1>`),
      `${label}: the simulator did not sign alice in (${webex.url.href})`,
    );

    // 7. the metrics scrape (prom-client traced in), with the Join counted
    const metrics = await (await fetch(`${appUrl}/api/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    expectThat(/webex_sso_launches_total\{[^}]*outcome="OK"[^}]*\} 1\b/.test(metrics), `${label}: /api/metrics does not count the Join`);

    // 8. the CLI's export, on the same database
    const exported = runCli(folder, env, user, ['export']);
    const lines = exported.out.trim().split('\n');
    expectThat(
      exported.code === 0 && (lines[0] ?? '').startsWith('email,webex_id,display_name'),
      `${label}: node ${CLI_FILE} export exited ${exported.code} without the CSV header: ${exported.err}`,
    );
    for (const employee of SEEDED)
      expectThat(
        lines.some((line) => line.startsWith(`${employee.email},${employee.webex.webExID},${employee.name}`)),
        `${label}: the export lacks ${employee.email}`,
      );

    // 9. on SQLite, the native module came from the folder (the server loads it only for SQLite); no file of the repository is mapped
    const maps = readFileSync(`/proc/${app.pid}/maps`, 'utf8');
    if (!databaseUrl)
      expectThat(
        maps.includes(join(folder, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')),
        `${label}: better-sqlite3's native module was not loaded from the folder`,
      );
    expectThat(!maps.includes(`${ROOT}/`), `${label}: the server mapped a file from the repository at ${ROOT}`);

    // 10. SIGTERM with a Join in flight (WebEx slowed down): it is answered, the drain logged, the exit clean and in time
    peers.sim.inject({ fault: { kind: 'latency', ms: 400 }, times: 2 });
    const inFlight = jar
      .send(new URL('/launch', appUrl), { method: 'POST', headers: { origin: appUrl, 'content-type': 'application/x-www-form-urlencoded' }, body: '' })
      .then(
        (r) => r.status,
        () => 0,
      );
    await new Promise((done) => setTimeout(done, 150));
    const signalled = performance.now();
    app.kill('SIGTERM');
    const inFlightStatus = await inFlight;
    while (!exit && performance.now() - signalled < DRAIN_DEADLINE_MS + 2_000) await new Promise((done) => setTimeout(done, 25));
    const stopped = exit as { code: number | null; at: number } | undefined;
    expectThat(inFlightStatus === 302, `${label}: the Join in flight at SIGTERM was answered ${inFlightStatus}, not 302`);
    expectThat(stopped !== undefined && stopped.at - signalled <= DRAIN_DEADLINE_MS, `${label}: still running ${DRAIN_DEADLINE_MS} ms after SIGTERM`);
    expectThat(stopped.code === DRAINED_EXIT_CODE, `${label}: exited ${stopped.code} after SIGTERM, not ${DRAINED_EXIT_CODE}`);
    const logLines = output
      .join('')
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string; inFlight?: number }];
        } catch {
          return []; // Next's own lines are not JSON
        }
      });
    const draining = logLines.find((line) => line.msg === 'shutting down: finishing launches in flight');
    expectThat(draining?.inFlight === 1, `${label}: no "shutting down: finishing launches in flight" log line with the Join in flight (inFlight: 1)`);
    expectThat(
      logLines.some((line) => line.msg === 'shutdown: launches done, WebEx connections closed'),
      `${label}: no "shutdown: launches done, WebEx connections closed" log line`,
    );
    const sqliteFile = databaseUrl ? undefined : join(folder, 'data', 'webex-sso.sqlite');
    if (sqliteFile) {
      expectThat(existsSync(sqliteFile), `${label}: no database at ${sqliteFile}, the image's volume`);
      // closed at exit: SQLite folded its write-ahead log back into the file and removed it
      expectThat(!existsSync(`${sqliteFile}-wal`), `${label}: the database was not closed (its WAL is left)`);
    }
    return `${label}, as ${user.name}: ready in ${(readyMs / 1000).toFixed(2)} s; HEALTHCHECK ok; sign-in and Join (p.php 302, signed in at WebEx as ${alice.webex.webExID}); static assets and public/ served; metrics scraped; CLI set and export (${lines.length - 1} rows)${databaseUrl ? '' : '; native module from the folder'}; SIGTERM: in-flight Join answered, drain logged, exit ${stopped.code} in ${((stopped.at - signalled) / 1000).toFixed(1)} s (deadline ${DRAIN_DEADLINE_MS / 1000} s)${sqliteFile ? ', database closed' : ''}`;
  } catch (err) {
    if (err instanceof CheckFailed) console.error(`--- the portal's output (${label}) ---\n${output.join('').slice(-4_000)}`);
    throw err;
  } finally {
    if (exit === undefined) app.kill('SIGKILL');
  }
}

/** A fresh database on the PostgreSQL server, or undefined (and why) when none answers. */
async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | { skipped: string }> {
  const database = `webex_sso_standalone_${randomBytes(4).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: POSTGRES_SERVER, connectionTimeoutMillis: 2_000 });
  const client = admin();
  try {
    await client.connect();
    await client.query(`create database ${database}`);
  } catch (err) {
    return { skipped: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.end().catch(() => undefined);
  }
  const url = new URL(POSTGRES_SERVER);
  url.pathname = `/${database}`;
  return {
    url: url.href,
    async drop() {
      const cleanup = admin();
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${database} with (force)`);
      await cleanup.end();
    },
  };
}

async function main(): Promise<void> {
  const built = join(ROOT, STANDALONE_DIR);
  if (!existsSync(join(built, CLI_FILE))) {
    console.error(`standalone-check: ${built} is not assembled: run \`npm run build\` first (next build, then scripts/standalone.ts).`);
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'webex-sso-standalone-'));
  const folder = join(dir, 'app');
  // verbatimSymlinks: Next's .next/node_modules links to the traced packages are relative, and stay so
  cpSync(built, folder, { recursive: true, verbatimSymlinks: true });
  // as in the image, which never has the checkout's .env (.dockerignore) that Next copies into the folder
  for (const name of ['.env', '.env.production']) rmSync(join(folder, name), { force: true });
  const sizeMiB = duKiB(folder) / 1024;
  // as the Dockerfile leaves it: the code read-only to the portal's user, which owns data/ (the volume) and .next/cache
  const user = imageUser();
  chmodSync(dir, 0o755);
  for (const writable of ['data', '.next/cache']) {
    mkdirSync(join(folder, writable), { recursive: true });
    if (user.uid !== undefined && user.gid !== undefined) chownSync(join(folder, writable), user.uid, user.gid);
  }
  const ports = [await freePort(), await freePort()];
  const secrets = generateDemoSecrets({});
  const idp = await startIdentityProvider({
    port: 0,
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: secrets.clientSecret,
        redirectUris: ports.map((p) => `http://localhost:${p}/api/auth/callback/oidc`),
        postLogoutRedirectUris: ports.map((p) => `http://localhost:${p}/auth/signed-out`),
      },
    ],
    users: DEMO_EMPLOYEES,
  });
  const sim = await startWebexSimulator({ port: 0, siteName: DEMO_SITE_NAME, users: demoWebexUsers(), meetings: demoMeetings(Date.now()) });
  const peers: Peers = { idpIssuer: idp.issuer, simUrl: sim.url, sim, secrets, user };
  const postgres = await createPostgresDatabase();
  let failed = false;
  try {
    assertNothingAbove(folder);
    console.log(`standalone: ${folder} (a copy of ${STANDALONE_DIR}, nothing beside it): ${sizeMiB.toFixed(1)} MiB (du)`);
    console.log(`standalone: ${await checkRun('SQLite', folder, undefined, ports[0] ?? 0, peers)} — OK`);
    if ('skipped' in postgres) console.warn(`SKIPPED: standalone on PostgreSQL — no server answered at ${POSTGRES_SERVER} (${postgres.skipped})`);
    else console.log(`standalone: ${await checkRun('PostgreSQL', folder, postgres.url, ports[1] ?? 0, peers)} — OK`);
  } catch (err) {
    failed = true;
    console.error(`standalone: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (!('skipped' in postgres)) await postgres.drop().catch((err: unknown) => console.warn(`standalone: could not drop the test database: ${String(err)}`));
    await Promise.allSettled([idp.close(), sim.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

await main();
