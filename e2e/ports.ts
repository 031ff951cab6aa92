/**
 * Where the e2e stack listens. E2E_PORT_BASE (default 3100) moves everything together, so two
 * checkouts can run their suites side by side: one portal per credential mode from the base
 * up (password, saml, oauth, then password with POST delivery, then the REST path: rest and auto, then two sites),
 * the IdP at base + 1010, the simulator at base + 1020.
 */
const base = Number(process.env.E2E_PORT_BASE ?? 3100);

// `post`: a second password-mode portal with WEBEX_LOGIN_DELIVERY=post (production exposes no per-request switch);
// `rest`: WEBEX_LAUNCH_API=rest (meetings through the Service App only, no WebEx password anywhere);
// `auto`: WEBEX_LAUNCH_API=auto (the site's home by XML in saml mode, meetings by REST). Two portals,
// because the launch API is per deployment: one portal cannot show both what rest offers and what auto does.
// `sites`: saml mode on two WebEx sites (acme and acme-eu), one simulator serving both.
export const E2E_MODES = ['password', 'saml', 'oauth', 'post', 'rest', 'auto', 'sites'] as const;
export type E2EMode = (typeof E2E_MODES)[number];

export const E2E_PORTS = { app: base, idp: base + 1010, sim: base + 1020 } as const;
/** the portal of a credential mode */
export function appOrigin(mode: E2EMode): string {
  return `http://localhost:${base + E2E_MODES.indexOf(mode)}`;
}
export const APP_ORIGIN = appOrigin('password');
export const SIM_ORIGIN = `http://127.0.0.1:${E2E_PORTS.sim}`;

/** The two instances sharing one PostgreSQL database (e2e/servers/stack.ts, POSTGRES_PORT_OFFSET). */
export function postgresOrigin(which: 'a' | 'b'): string {
  return `http://localhost:${base + 8 + (which === 'a' ? 0 : 1)}`;
}
