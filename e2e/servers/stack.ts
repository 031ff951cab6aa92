/**
 * The whole product on the embedded defaults: the bundled identity provider, the WebEx
 * simulator, an SQLite file seeded with the demo company, and the portal (`next start`).
 * The demo command and Playwright both run this; production never does.
 *
 *   tsx e2e/servers/stack.ts            # after `next build`
 *
 * Ports: APP_PORT (3000), IDP_PORT (4010), WEBEX_SIM_PORT (4020). The portal runs on
 * `localhost` and the servers on `127.0.0.1`, so their cookies never mix (STACK-NOTES).
 * Private by default: every server listens on loopback only, and the secrets are new on every
 * start and printed nowhere (demo-secrets.ts).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { generateDemoSecrets } from './demo-secrets';
import { DEMO_ADMIN_GROUP, DEMO_EMPLOYEES, DEMO_SITE_NAME } from './demo-users';
import { startIdentityProvider } from './idp';
import { seedDemoMappings } from './seed-demo';
import { startWebexSimulator } from './webex-sim';

const appPort = Number(process.env.APP_PORT ?? 3000);
const idpPort = Number(process.env.IDP_PORT ?? 4010);
const simPort = Number(process.env.WEBEX_SIM_PORT ?? 4020);
const databaseFile = process.env.STACK_DATABASE_FILE ?? 'data/demo.sqlite';
const appUrl = `http://localhost:${appPort}`;
// Loopback only: the demo has demo logins, and anyone who reaches it could use them.
const LOOPBACK = '127.0.0.1';

const CLIENT_ID = 'webex-sso-portal';
// The demo database is re-created on every start, so new keys every start lose nothing.
const { nextAuthSecret, clientSecret: CLIENT_SECRET, credentialKeys: CREDENTIAL_KEYS } = generateDemoSecrets();

async function main(): Promise<void> {
  const idp = await startIdentityProvider({
    port: idpPort,
    host: LOOPBACK,
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${appUrl}/api/auth/callback/oidc`],
        postLogoutRedirectUris: [`${appUrl}/`],
      },
    ],
    users: DEMO_EMPLOYEES,
  });
  const sim = await startWebexSimulator({
    port: simPort,
    host: LOOPBACK,
    siteName: DEMO_SITE_NAME,
    users: DEMO_EMPLOYEES.map((e) => ({ webExID: e.webex.webExID, password: e.webex.password, email: e.email })),
    ticketTtlMs: Number(process.env.WEBEX_SIM_TICKET_TTL_MS ?? 300_000),
  });

  for (const suffix of ['', '-wal', '-shm']) rmSync(`${databaseFile}${suffix}`, { force: true });
  await seedDemoMappings(`file:${databaseFile}`, CREDENTIAL_KEYS);

  const app = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', 'localhost', '-p', String(appPort)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXTAUTH_URL: appUrl,
      NEXTAUTH_SECRET: nextAuthSecret,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_SCOPES: 'openid email profile groups',
      OIDC_DISPLAY_NAME: 'Example Corp',
      WEBEX_SITE_NAME: sim.siteName,
      WEBEX_BASE_URL: sim.url,
      WEBEX_TIMEOUT_MS: process.env.WEBEX_TIMEOUT_MS ?? '10000',
      CREDENTIAL_KEYS: Object.entries(CREDENTIAL_KEYS).map(([id, key]) => `${id}:${key}`).join(','),
      DATABASE_URL: `file:${databaseFile}`,
      ADMIN_GROUP: DEMO_ADMIN_GROUP,
      SUPPORT_CONTACT: 'the IT help desk (help@example.com)',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    app.kill('SIGTERM');
    await Promise.allSettled([idp.close(), sim.close()]);
    process.exit(code);
  };
  app.on('exit', (code) => void stop(code ?? 1));
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  await waitForHealth(`${appUrl}/api/health`);
  console.log(
    [
      '',
      `webex-sso demo is running: open ${appUrl}`,
      `  identity provider  ${idp.issuer}`,
      `  WebEx simulator    ${sim.url} (site ${sim.siteName})`,
      '  demo logins (email / password):',
      ...DEMO_EMPLOYEES.map(
        (e) =>
          `    ${e.email.padEnd(20)} ${e.password.padEnd(12)} ${e.groups.includes(DEMO_ADMIN_GROUP) ? 'admin, ' : ''}${e.emailVerified === false ? 'e-mail not verified (refused), ' : ''}${e.linked ? `linked to WebEx ${e.webex.webExID}` : 'not linked to WebEx'}`,
      ),
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
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
