import { defineConfig } from '@playwright/test';
import { appOrigin, E2E_MODES, E2E_PORTS, postgresOrigin } from './e2e/ports';

/**
 * E2E in Debian's Chromium against the full stack: the IdP, the WebEx simulator and one portal
 * per credential mode (password, saml, oauth, and password with POST delivery), per REST launch
 * API (rest, auto) and one on two WebEx sites (sites), each on SQLite. A project per portal; the secrets sweep runs last, over
 * everything the others left behind.
 */
export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    // every spec not written for another mode runs against the password-mode portal
    {
      name: 'password',
      testMatch: '*.spec.ts',
      testIgnore: [
        'saml.spec.ts',
        'oauth.spec.ts',
        'post-delivery.spec.ts',
        'rest.spec.ts',
        'auto.spec.ts',
        'your-meetings.spec.ts',
        'postgres.spec.ts',
        'sites.spec.ts',
        'secrets-sweep.spec.ts',
      ],
      use: { baseURL: appOrigin('password') },
    },
    { name: 'saml', testMatch: 'saml.spec.ts', use: { baseURL: appOrigin('saml') } },
    { name: 'oauth', testMatch: 'oauth.spec.ts', use: { baseURL: appOrigin('oauth') } },
    { name: 'post', testMatch: 'post-delivery.spec.ts', use: { baseURL: appOrigin('post') } },
    // the home page's list of meetings (your-meetings.spec.ts) exists with the REST path only: both of its portals
    { name: 'rest', testMatch: ['rest.spec.ts', 'your-meetings.spec.ts'], use: { baseURL: appOrigin('rest') } },
    { name: 'auto', testMatch: ['auto.spec.ts', 'your-meetings.spec.ts'], use: { baseURL: appOrigin('auto') } },
    // two WebEx sites behind one portal
    { name: 'sites', testMatch: 'sites.spec.ts', use: { baseURL: appOrigin('sites') } },
    // two instances on one PostgreSQL (skipped, saying so, without a server at STACK_POSTGRES_URL)
    { name: 'postgres', testMatch: 'postgres.spec.ts', use: { baseURL: postgresOrigin('a') } },
    { name: 'secrets-sweep', testMatch: 'secrets-sweep.spec.ts', dependencies: ['password', 'saml', 'oauth', 'post', 'rest', 'auto', 'sites', 'postgres'] },
  ],
  webServer: {
    command: 'npx tsx e2e/servers/stack.ts',
    wait: { stdout: /webex-sso demo is running/ },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      STACK_MODES: E2E_MODES.join(','),
      STACK_POSTGRES_URL: process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      APP_PORT: String(E2E_PORTS.app),
      IDP_PORT: String(E2E_PORTS.idp),
      WEBEX_SIM_PORT: String(E2E_PORTS.sim),
      STACK_DATABASE_FILE: 'data/e2e.sqlite',
      WEBEX_TIMEOUT_MS: '2000',
      // the suite launches alice far more often than an employee would
      LAUNCH_RATE_LIMIT: '1000',
      // a circuit that cools down within a test
      WEBEX_CIRCUIT_COOLDOWN_MS: '2000',
      // admin rights re-checked at the IdP every 3 s, so a demotion shows within a test
      ADMIN_RECHECK_MINUTES: '0.05',
      // info: the secrets sweep reads every launch line too
      LOG_LEVEL: 'info',
    },
  },
});
