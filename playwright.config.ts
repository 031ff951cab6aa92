import { defineConfig } from '@playwright/test';
import { APP_ORIGIN, E2E_PORTS } from './e2e/ports';

/** E2E in Debian's Chromium against the full stack (IdP + WebEx simulator + portal on SQLite). */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: APP_ORIGIN,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: {
    command: 'npx tsx e2e/servers/stack.ts',
    url: `${APP_ORIGIN}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      APP_PORT: String(E2E_PORTS.app),
      IDP_PORT: String(E2E_PORTS.idp),
      WEBEX_SIM_PORT: String(E2E_PORTS.sim),
      STACK_DATABASE_FILE: 'data/e2e.sqlite',
      WEBEX_TIMEOUT_MS: '2000',
      // admin rights re-checked at the IdP every 3 s, so a demotion shows within a test
      ADMIN_RECHECK_MINUTES: '0.05',
      LOG_LEVEL: 'warn',
    },
  },
});
