/**
 * A WebEx Meetings simulator for integration tests, Playwright and the demo: the XML API
 * (GetLoginTicket, GetSite), the URL API login (p.php AT=LI / AT=LO) and meetings (m.php AT=JM /
 * AT=HM) as described in
 * docs/webex.md, plus a control API for faults and stats. Production code
 * never imports it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBrowserSessions } from './browser-session';
import { createFaultBoard } from './faults';
import { createJoinLinkStore } from './join-links';
import { createMeetingBoard } from './meetings';
import { createOAuthServer } from './oauth';
import { createRestApi } from './rest-api';
import { createRequestHandler, type SiteDeps } from './router';
import { createSamlVerifier } from './saml';
import { createServiceAppServer } from './service-app';
import { createSessionTicketStore } from './session-tickets';
import { createTicketStore, generateRandomTicket } from './tickets';
import type { SimOptions, SimSiteOptions, SimStats, WebexSimulator } from './types';
import { createUserDirectory } from './users';

export type {
  FaultRule,
  RestCall,
  ServiceAppTokens,
  SimFault,
  SimMeeting,
  SimOAuthClient,
  SimOptions,
  SimSecrets,
  SimServiceApp,
  SimSiteOptions,
  SimStats,
  SimUser,
  WebexSimulator,
  XmlCall,
} from './types';
export type { SamlTrust } from './saml';
export { sessionCookieName } from './browser-session';
export { OAUTH_PATHS } from './oauth';

const DEFAULT_HOST = '127.0.0.1';
/** No lifetime is published for login tickets [docs/webex.md §7.10]; five minutes keeps tests honest about "use it now". */
const DEFAULT_TICKET_TTL_MS = 300_000;
/** Cisco's AuthenticateUser sample says timeToLive 5400 (docs/webex.md §6.1). */
const DEFAULT_SESSION_TICKET_TTL_SECONDS = 5400;
/** Simulator's choice (unverified): an hour for access tokens, 60 days for refresh tokens. */
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 60 * 24 * 60 * 60;

export async function startWebexSimulator(options: SimOptions): Promise<WebexSimulator> {
  assertValidOptions(options);
  const now = options.now ?? Date.now;
  const stats: SimStats = {
    ticketsIssued: 0,
    logins: 0,
    failedLogins: 0,
    xmlRequests: 0,
    sessionTicketsIssued: 0,
    authorizationCodeGrants: 0,
    refreshTokenGrants: 0,
    refreshTokenReuses: 0,
    connectionsAccepted: 0,
    serviceAppRefreshes: 0,
    restRequests: 0,
    meetingLinksIssued: 0,
    meetingLinksUsed: 0,
    openConnections: 0,
    maxOpenConnections: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';

  const issuedLoginTickets: string[] = [];
  const generateTicket = options.generateTicket ?? generateRandomTicket;
  const sessionPassword = options.sessionPassword ?? randomBytes(32).toString('base64url');
  const createSite = (siteOptions: SimSiteOptions): SiteDeps => ({
    site: { siteName: siteOptions.siteName, autoLogin: siteOptions.autoLogin ?? true, enableSSO: siteOptions.enableSSO ?? siteOptions.saml !== undefined },
    users: createUserDirectory(siteOptions.users),
    meetings: createMeetingBoard(siteOptions.meetings ?? []),
    faults: createFaultBoard(),
    tickets: createTicketStore({
      ttlMs: options.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS,
      now,
      generate: () => {
        const ticket = generateTicket();
        issuedLoginTickets.push(ticket);
        return ticket;
      },
      onIssue: () => {
        stats.ticketsIssued += 1;
      },
    }),
    sessionTickets: createSessionTicketStore({
      ttlSeconds: options.sessionTicketTtlSeconds ?? DEFAULT_SESSION_TICKET_TTL_SECONDS,
      now,
      onIssue: () => {
        stats.sessionTicketsIssued += 1;
      },
    }),
    saml: siteOptions.saml && createSamlVerifier(siteOptions.saml, now),
    sessions: createBrowserSessions(sessionPassword, siteOptions.siteName),
  });
  // the organisation's services (the OAuth server, the Service App, the REST API) see the first site
  const first = createSite(options);
  const sites: [SiteDeps, ...SiteDeps[]] = [first, ...(options.sites ?? []).map(createSite)];
  const { site, users, faults, meetings } = first;
  const siteOf = (name: string | undefined): SiteDeps => {
    const found = name === undefined ? first : sites.find((candidate) => candidate.site.siteName === name);
    if (!found) throw new Error(`webex-sim: Bad usage. No site "${name}"; the sites are ${sites.map((s) => s.site.siteName).join(', ')}.`);
    return found;
  };

  const clearFaults = () => {
    for (const { faults: board } of sites) board.clear();
  };
  const oauth =
    options.oauth &&
    createOAuthServer({
      clients: options.oauth.clients,
      accessTokenTtlSeconds: options.oauth.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: options.oauth.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
      users,
      faults,
      stats,
      now,
    });
  const serviceApp = options.serviceApp && createServiceAppServer({ ...options.serviceApp, faults, stats, now });
  const links = createJoinLinkStore(now, () => {
    stats.meetingLinksUsed += 1;
  });
  const rest = serviceApp && createRestApi({ siteName: site.siteName, users, meetings, serviceApp, links, faults, stats, now, origin: () => origin });
  const secrets = () => ({
    loginTickets: [...issuedLoginTickets],
    sessionTickets: sites.flatMap((s) => s.sessionTickets.issued()),
    ...(oauth?.secrets() ?? { accessTokens: [], refreshTokens: [], authorizationCodes: [] }),
    samlResponses: sites.flatMap((s) => s.saml?.received() ?? []),
    serviceAppTokens: serviceApp?.secrets() ?? [],
    meetingLinkTokens: links.secrets(),
  });

  const handleRequest = createRequestHandler({
    sites,
    serviceApp,
    rest,
    oauth,
    secrets,
    inject: (rule) => siteOf(rule.site).faults.inject(rule),
    clearFaults,
    stats,
    origin: () => origin,
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    log: toLogger(options.log),
  });

  const server = createServer((req, res) => void handleRequest(req, res));
  server.on('connection', (socket) => {
    stats.connectionsAccepted += 1;
    stats.openConnections += 1;
    stats.maxOpenConnections = Math.max(stats.maxOpenConnections, stats.openConnections);
    socket.once('close', () => {
      stats.openConnections -= 1;
    });
  });
  const address = await listen(server, options.port ?? 0, options.host ?? DEFAULT_HOST);
  origin = `http://${hostForUrl(address.address)}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    siteName: site.siteName,
    siteNames: sites.map((s) => s.site.siteName),
    inject: (rule) => siteOf(rule.site).faults.inject(rule),
    clearFaults,
    stats: () => ({ ...stats }),
    secrets,
    generateServiceAppTokens() {
      if (!serviceApp) throw new Error('webex-sim: Bad usage. generateServiceAppTokens needs the serviceApp option.');
      return serviceApp.generateTokens();
    },
    close() {
      closing ??= new Promise((resolve) => {
        // Delayed answers are dropped and hanging or keep-alive sockets destroyed, so close never waits on a client.
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function assertValidOptions(options: SimOptions): void {
  const names = [options, ...(options.sites ?? [])].map((site) => site.siteName);
  for (const name of names) {
    if (!name || /[/?#\s]/.test(name)) throw new Error('webex-sim: Bad usage. siteName must be a site subdomain such as "acme".');
  }
  if (new Set(names.map((name) => name.toLowerCase())).size !== names.length) throw new Error('webex-sim: Bad usage. Every site needs its own siteName.');
  for (const site of [options, ...(options.sites ?? [])]) {
    if (site.saml && site.saml.certificates.length === 0) {
      throw new Error('webex-sim: Bad usage. saml.certificates must hold at least one PEM certificate.');
    }
  }
  if (options.ticketTtlMs !== undefined && !(Number.isFinite(options.ticketTtlMs) && options.ticketTtlMs > 0)) {
    throw new Error('webex-sim: Bad usage. ticketTtlMs must be a positive number of milliseconds.');
  }
  if (options.sessionTicketTtlSeconds !== undefined && !(Number.isInteger(options.sessionTicketTtlSeconds) && options.sessionTicketTtlSeconds > 0)) {
    throw new Error('webex-sim: Bad usage. sessionTicketTtlSeconds must be a positive integer.');
  }
  if (options.serviceApp && (!options.serviceApp.clientId || !options.serviceApp.clientSecret)) {
    throw new Error('webex-sim: Bad usage. serviceApp needs a clientId and a clientSecret.');
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new Error('webex-sim: Bad usage. port must be an integer from 0 to 65535 (0 = any free port).');
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo); // a TCP listener always has an AddressInfo
    });
  });
}

/** Wildcard listeners are reached through loopback; IPv6 literals need brackets in a URL. */
function hostForUrl(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

function toLogger(log: SimOptions['log']): (line: string) => void {
  if (typeof log === 'function') return log;
  return log ? (line) => console.log(line) : () => {};
}
