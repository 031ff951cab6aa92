/**
 * Where the e2e stack listens. E2E_PORT_BASE (default 3100) moves all three together, so two
 * checkouts can run their suites side by side: app = base, IdP = base + 1010, simulator = base + 1020.
 */
const base = Number(process.env.E2E_PORT_BASE ?? 3100);

export const E2E_PORTS = { app: base, idp: base + 1010, sim: base + 1020 } as const;
export const APP_ORIGIN = `http://localhost:${E2E_PORTS.app}`;
export const SIM_ORIGIN = `http://127.0.0.1:${E2E_PORTS.sim}`;
