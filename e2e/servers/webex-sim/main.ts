/**
 * Runs the simulator with the demo company's WebEx accounts:
 *   tsx e2e/servers/webex-sim/main.ts
 * Env: WEBEX_SIM_PORT (4020), WEBEX_SIM_HOST (127.0.0.1), WEBEX_SIM_SITE (the demo site),
 * WEBEX_SIM_TICKET_TTL_MS (300000), WEBEX_SIM_LOG=1 for one line per request.
 */
import { DEMO_SITE_NAME, demoMeetings, demoWebexUsers } from '../demo-users';
import { startWebexSimulator } from './index';

function readInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`webex-sim: ${name} must be a non-negative integer, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

const simulator = await startWebexSimulator({
  siteName: process.env.WEBEX_SIM_SITE || DEMO_SITE_NAME,
  host: process.env.WEBEX_SIM_HOST || '127.0.0.1',
  port: readInteger('WEBEX_SIM_PORT', 4020),
  ticketTtlMs: readInteger('WEBEX_SIM_TICKET_TTL_MS', 300_000),
  users: demoWebexUsers(),
  meetings: demoMeetings(Date.now()),
  log: process.env.WEBEX_SIM_LOG === '1',
});

console.log(`webex-sim listening on ${simulator.url} (site ${simulator.siteName})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
