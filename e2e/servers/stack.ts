/**
 * The whole product on the embedded defaults: the bundled identity provider, the WebEx
 * simulator, and one portal (`next start`) per credential mode, each on an SQLite file seeded with
 * the demo company. The demo command and Playwright both run this; production never does.
 *
 *   tsx e2e/servers/stack.ts                    # after `next build`: password mode
 *   tsx e2e/servers/stack.ts --mode saml        # or oauth, post, rest, auto, sites; STACK_MODES=password,saml,oauth runs several
 *
 * Ports: APP_PORT (3000) for the first mode, the next ports for the others; IDP_PORT (4010),
 * WEBEX_SIM_PORT (4020). The portals run on `localhost` and the servers on `127.0.0.1`, so their
 * cookies never mix (cookies do not isolate by port, RFC 6265 §8.5). App logs go to the terminal and to data/logs/app-<mode>.log.
 * Private by default: every server listens on loopback only, and the secrets are new on every
 * start and printed nowhere (demo-secrets.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createSelfSignedCertificate } from './certificates';
import { generateDemoSecrets } from './demo-secrets';
import { DEMO_ADMIN_GROUP, DEMO_EMPLOYEES, DEMO_EU_SITE_NAME, DEMO_SITE_NAME, demoMeetings, demoWebexUsers } from './demo-users';
import { startIdentityProvider } from './idp';
import { seedDemoMappings } from './seed-demo';
import { startWebexSimulator } from './webex-sim';

// `post`: password mode with the login ticket delivered by POST (WEBEX_LOGIN_DELIVERY=post);
// `rest`: WEBEX_LAUNCH_API=rest, meetings through the Service App; `auto`: the site's home by XML (saml mode), meetings by REST;
// `sites`: saml mode on two sites, acme and acme-eu (WEBEX_SITES), the EU domain on acme-eu by rule (MAPPING_SITE_RULES)
const MODES = ['password', 'saml', 'oauth', 'post', 'rest', 'auto', 'sites'] as const;
type Mode = (typeof MODES)[number];
/** the modes whose mappings hold WebEx passwords */
const WITH_PASSWORDS: readonly Mode[] = ['password', 'post'];

const { values: args } = parseArgs({ options: { mode: { type: 'string' } }, allowPositionals: false });
const modes = parseModes(args.mode ?? process.env.STACK_MODES ?? 'password');
const basePort = Number(process.env.APP_PORT ?? 3000);
const idpPort = Number(process.env.IDP_PORT ?? 4010);
const simPort = Number(process.env.WEBEX_SIM_PORT ?? 4020);
const databasePrefix = process.env.STACK_DATABASE_FILE ?? 'data/demo.sqlite';
const LOG_DIR = 'data/logs';
/** where the suite learns the PostgreSQL pair's database (absent: the pair was skipped) */
const POSTGRES_INFO = 'data/e2e-postgres.json';

// Loopback only: the demo has demo logins, and anyone who reaches it could use them.
const LOOPBACK = '127.0.0.1';
const CLIENT_ID = 'webex-sso-portal';
// The demo databases are re-created on every start, so new keys every start lose nothing.
const { nextAuthSecret, clientSecret: CLIENT_SECRET, oauthClientSecret, serviceAppClientSecret, secretKeys: CREDENTIAL_KEYS } = generateDemoSecrets();
const OAUTH_CLIENT = { clientId: 'webex-sso-portal-oauth', clientSecret: oauthClientSecret };
/** the company's Service App (rest and auto): authorized for the demo org; each portal gets its own tokens, as each deployment would */
const SERVICE_APP = { clientId: 'webex-sso-service-app', clientSecret: serviceAppClientSecret };
/**
 * What the simulated site's SSO configuration expects (WebEx's values are the site's own; these are the demo's):
 * one SAML identity provider, whichever portals sign as it (saml, auto and the PostgreSQL pair: deployments of one company portal).
 */
const SAML_SITE = {
  issuer: 'http://localhost/webex-sso',
  audience: 'https://acme.webex.com',
  recipient: 'https://acme.webex.com/dispatcher/SAML2AuthService?siteurl=acme',
};
/** the EU site's (the `sites` mode): the same identity provider, the site's own audience and recipient */
const SAML_EU_SITE = {
  issuer: SAML_SITE.issuer,
  audience: `https://${DEMO_EU_SITE_NAME}.webex.com`,
  recipient: `https://${DEMO_EU_SITE_NAME}.webex.com/dispatcher/SAML2AuthService?siteurl=${DEMO_EU_SITE_NAME}`,
};
/** the `sites` mode's further sites, as WEBEX_SITES lists them */
const OTHER_SITES: Partial<Record<Mode, string[]>> = { sites: [DEMO_EU_SITE_NAME] };

function parseModes(value: string): Mode[] {
  const list = value.split(',').map((m) => m.trim());
  const unknown = list.filter((m) => !(MODES as readonly string[]).includes(m));
  if (unknown.length > 0 || list.length === 0) {
    console.error(`stack: unknown mode "${unknown.join(', ')}"; use --mode ${MODES.join('|')} or STACK_MODES=password,saml,oauth`);
    process.exit(2);
  }
  return list as Mode[];
}

interface Portal {
  mode: Mode;
  /** its log file's name: the mode, or pg-a / pg-b for the two instances sharing PostgreSQL */
  name: string;
  url: string;
  port: number;
  databaseUrl: string;
  /** settings of this portal beyond its mode's */
  env?: Record<string, string>;
}

/** The two scale-out instances sit this far above APP_PORT (e2e/ports.ts knows it too). */
const POSTGRES_PORT_OFFSET = 8;

/**
 * With STACK_POSTGRES_URL (a server the stack may create databases on), two more saml-mode portals
 * share one fresh PostgreSQL database, created now and dropped at the end, and start at the same
 * moment on it empty. Without a server answering, they are skipped, and the stack says so.
 */
async function postgresPortals(): Promise<{ portals: Portal[]; drop(): Promise<void> }> {
  const server = process.env.STACK_POSTGRES_URL;
  const none = { portals: [], drop: async () => undefined };
  if (!server) return none;
  const database = `webex_sso_e2e_${randomBytes(4).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: server, connectionTimeoutMillis: 2_000 });
  const client = admin();
  try {
    await client.connect();
    await client.query(`create database ${database}`);
  } catch (err) {
    console.warn(`SKIPPED: two-instance PostgreSQL portals — no server answered at ${server} (${err instanceof Error ? err.message : String(err)})`);
    rmSync(POSTGRES_INFO, { force: true });
    return none;
  } finally {
    await client.end().catch(() => undefined);
  }
  const url = new URL(server);
  url.pathname = `/${database}`;
  mkdirSync(dirname(POSTGRES_INFO), { recursive: true });
  writeFileSync(POSTGRES_INFO, JSON.stringify({ databaseUrl: url.href }));
  const portals = (['a', 'b'] as const).map((which, i): Portal => ({
    mode: 'saml',
    name: `pg-${which}`,
    port: basePort + POSTGRES_PORT_OFFSET + i,
    url: `http://localhost:${basePort + POSTGRES_PORT_OFFSET + i}`,
    databaseUrl: url.href,
    // a small limit, so the suite can show it holds across the two
    env: { LAUNCH_RATE_LIMIT: '6', LAUNCH_RATE_WINDOW_SECONDS: '600' },
  }));
  return {
    portals,
    async drop() {
      const cleanup = admin();
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${database} with (force)`);
      await cleanup.end();
      rmSync(POSTGRES_INFO, { force: true });
    },
  };
}

async function main(): Promise<void> {
  const scaleOut = await postgresPortals();
  const portals: Portal[] = [
    ...modes.map((mode, i) => ({
      mode,
      name: mode,
      port: basePort + i,
      url: `http://localhost:${basePort + i}`,
      databaseUrl: `file:${modes.length === 1 ? databasePrefix : databasePrefix.replace(/\.sqlite$/, `-${mode}.sqlite`)}`,
    })),
    ...scaleOut.portals,
  ];
  const saml = createSelfSignedCertificate('webex-sso demo portal');

  const idp = await startIdentityProvider({
    port: idpPort,
    host: LOOPBACK,
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: portals.map((p) => `${p.url}/api/auth/callback/oidc`),
        // the portal's Sign out ends at its signed-out page (RP-initiated logout)
        postLogoutRedirectUris: portals.map((p) => `${p.url}/auth/signed-out`),
      },
    ],
    users: DEMO_EMPLOYEES,
  });
  const sim = await startWebexSimulator({
    port: simPort,
    host: LOOPBACK,
    siteName: DEMO_SITE_NAME,
    users: demoWebexUsers(),
    meetings: demoMeetings(Date.now()),
    ticketTtlMs: Number(process.env.WEBEX_SIM_TICKET_TTL_MS ?? 300_000),
    saml: { certificates: [saml.certificatePem], ...SAML_SITE },
    oauth: { clients: [{ ...OAUTH_CLIENT, redirectUris: portals.map((p) => `${p.url}/webex/connect/callback`) }] },
    serviceApp: SERVICE_APP,
    // the `sites` mode's EU site, on the same server (the site in the path)
    sites: modes.includes('sites')
      ? [{ siteName: DEMO_EU_SITE_NAME, users: demoWebexUsers(DEMO_EU_SITE_NAME), saml: { certificates: [saml.certificatePem], ...SAML_EU_SITE } }]
      : [],
  });

  // a fresh run: the logs and the captured answers the secrets sweep reads start empty
  for (const dir of [LOG_DIR, 'data/captured']) rmSync(dir, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const apps: ChildProcess[] = [];
  for (const portal of portals) {
    // SQLite portals start seeded with the demo company; the PostgreSQL pair starts on an empty database
    const file = portal.databaseUrl.startsWith('file:') ? portal.databaseUrl.slice('file:'.length) : undefined;
    if (file) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      await seedDemoMappings(portal.databaseUrl, CREDENTIAL_KEYS, WITH_PASSWORDS.includes(portal.mode), OTHER_SITES[portal.mode]);
    }
    // the developer portal's "Generate Tokens" for this deployment; its first refresh token is WEBEX_SERVICE_APP_REFRESH_TOKEN
    const serviceAppRefreshToken = portal.mode === 'rest' || portal.mode === 'auto' ? sim.generateServiceAppTokens().refresh_token : '';
    apps.push(
      startPortal(portal, { idpIssuer: idp.issuer, simUrl: sim.url, samlKey: saml.privateKeyPem, samlCert: saml.certificatePem, serviceAppRefreshToken }),
    );
  }

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      apps.map((app) => new Promise((resolve) => (app.exitCode !== null ? resolve(undefined) : (app.once('exit', resolve), app.kill('SIGTERM'))))),
    );
    await Promise.allSettled([idp.close(), sim.close(), scaleOut.drop()]);
    process.exit(code);
  };
  for (const app of apps) app.on('exit', (code) => void stop(code ?? 1));
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  await Promise.all(portals.map((p) => waitForHealth(`${p.url}/api/ready`)));
  console.log(
    [
      '',
      `webex-sso demo is running: open ${portals.map((p) => `${p.url} (${p.name === p.mode ? `${p.mode} mode` : `${p.name}, ${p.mode} mode on PostgreSQL`})`).join(', ')}`,
      `  identity provider  ${idp.issuer}`,
      `  WebEx simulator    ${sim.url} (site${sim.siteNames.length > 1 ? 's' : ''} ${sim.siteNames.join(', ')})`,
      '  demo logins (email / password):',
      ...DEMO_EMPLOYEES.map(
        (e) => `    ${e.email.padEnd(20)} ${e.password.padEnd(12)} ${e.groups.includes(DEMO_ADMIN_GROUP) ? 'admin, ' : ''}${describeLink(e, modes)}`,
      ),
      ...(modes.includes('oauth') ? ['  Connect WebEx (oauth mode) at the simulator with the WebEx ID and password, e.g. alice / Alice-WebEx-1'] : []),
      ...(modes.some((m) => m === 'rest' || m === 'auto')
        ? [
            '  rest/auto: meetings open through the simulated Service App (Start my personal room, /meet/123456789); settings show its grant',
            "  rest/auto: the home page lists today's meetings: alice hosts her stand-up, bob and carol are invited to others",
          ]
        : []),
      ...(modes.includes('sites')
        ? [
            `  sites: alice has an account on ${DEMO_SITE_NAME} and on ${DEMO_EU_SITE_NAME}: two Join buttons, one per site`,
            `  sites: erik@eu.example.com lands on ${DEMO_EU_SITE_NAME} by the site rule domain:eu.example.com=${DEMO_EU_SITE_NAME}`,
          ]
        : []),
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
}

function describeLink(e: (typeof DEMO_EMPLOYEES)[number], running: readonly Mode[]): string {
  if (e.emailVerified === false) return 'e-mail not verified (refused at sign-in)';
  if (e.site && e.site !== DEMO_SITE_NAME)
    return running.includes('sites') ? `WebEx ${e.webex.webExID} on ${e.site} (sites mode)` : 'no WebEx account on this site';
  if (e.linked) return `linked to WebEx ${e.webex.webExID}`;
  if (running.some((m) => !WITH_PASSWORDS.includes(m)))
    return `WebEx ${e.webex.webExID} by the e-mail rule in saml/oauth mode${e.webex.password ? '' : ' (no WebEx password)'}`;
  return 'not linked to WebEx';
}

function startPortal(
  portal: Portal,
  peers: { idpIssuer: string; simUrl: string; samlKey: string; samlCert: string; serviceAppRefreshToken: string },
): ChildProcess {
  const pem = (value: string) => value.trim().replace(/\n/g, '\\n');
  const samlMode = {
    WEBEX_CREDENTIAL_MODE: 'saml',
    MAPPING_RULE: 'email',
    SAML_ISSUER: SAML_SITE.issuer,
    SAML_AUDIENCE: SAML_SITE.audience,
    SAML_RECIPIENT: SAML_SITE.recipient,
    SAML_NAMEID_SOURCE: 'email',
    SAML_SIGNING_KEY: pem(peers.samlKey),
    SAML_SIGNING_CERT: pem(peers.samlCert),
  };
  const serviceApp = {
    WEBEX_API_BASE_URL: `${peers.simUrl}/v1`,
    WEBEX_SERVICE_APP_CLIENT_ID: SERVICE_APP.clientId,
    WEBEX_SERVICE_APP_CLIENT_SECRET: SERVICE_APP.clientSecret,
    WEBEX_SERVICE_APP_REFRESH_TOKEN: peers.serviceAppRefreshToken,
  };
  const byMode: Record<Mode, Record<string, string>> = {
    password: { WEBEX_CREDENTIAL_MODE: 'password' },
    post: { WEBEX_CREDENTIAL_MODE: 'password', WEBEX_LOGIN_DELIVERY: 'post' },
    saml: samlMode,
    oauth: {
      WEBEX_CREDENTIAL_MODE: 'oauth',
      MAPPING_RULE: 'email',
      WEBEX_OAUTH_AUTHORIZE_URL: `${peers.simUrl}/v1/oauth2/authorize`,
      WEBEX_OAUTH_TOKEN_URL: `${peers.simUrl}/v1/oauth2/token`,
      WEBEX_OAUTH_REVOKE_URL: `${peers.simUrl}/v1/oauth2/revoke`,
      WEBEX_OAUTH_CLIENT_ID: OAUTH_CLIENT.clientId,
      WEBEX_OAUTH_CLIENT_SECRET: OAUTH_CLIENT.clientSecret,
    },
    // no credential of the employees' at all: the XML API is not used
    // rest lists only the site's meetings (siteUrl), auto every site's: both ways of asking
    rest: { WEBEX_LAUNCH_API: 'rest', MAPPING_RULE: 'email', WEBEX_REST_SITE_URL: `${DEMO_SITE_NAME}.webex.com`, ...serviceApp },
    auto: { ...samlMode, WEBEX_LAUNCH_API: 'auto', ...serviceApp },
    sites: {
      ...samlMode,
      WEBEX_SITE_DISPLAY_NAME: 'Acme',
      WEBEX_SITES: DEMO_EU_SITE_NAME,
      WEBEX_SITE_ACME_EU_DISPLAY_NAME: 'Acme Europe',
      WEBEX_SITE_ACME_EU_BASE_URL: peers.simUrl,
      WEBEX_SITE_ACME_EU_SAML_AUDIENCE: SAML_EU_SITE.audience,
      WEBEX_SITE_ACME_EU_SAML_RECIPIENT: SAML_EU_SITE.recipient,
      MAPPING_SITE_RULES: `domain:eu.example.com=${DEMO_EU_SITE_NAME}`,
    },
  };
  const app = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', 'localhost', '-p', String(portal.port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXTAUTH_URL: portal.url,
      NEXTAUTH_SECRET: nextAuthSecret,
      OIDC_ISSUER: peers.idpIssuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_SCOPES: 'openid email profile groups',
      OIDC_DISPLAY_NAME: 'Example Corp',
      WEBEX_SITE_NAME: DEMO_SITE_NAME,
      WEBEX_BASE_URL: peers.simUrl,
      WEBEX_TIMEOUT_MS: process.env.WEBEX_TIMEOUT_MS ?? '10000',
      CREDENTIAL_KEYS: Object.entries(CREDENTIAL_KEYS)
        .map(([id, key]) => `${id}:${key}`)
        .join(','),
      DATABASE_URL: portal.databaseUrl,
      ADMIN_GROUP: DEMO_ADMIN_GROUP,
      SUPPORT_CONTACT: 'the IT help desk (help@example.com)',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...byMode[portal.mode],
      ...portal.env,
    },
  });
  // Everything the portal prints goes to the terminal and to a file (the secrets sweep reads it).
  const log = createWriteStream(`${LOG_DIR}/app-${portal.name}.log`);
  app.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    log.write(chunk);
  });
  app.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    log.write(chunk);
  });
  return app;
}

async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the portal did not become healthy at ${url} within ${timeoutMs / 1000}s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
