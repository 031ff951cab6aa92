import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BrowserSessions } from './browser-session';
import { answerControlRequest, CONTROL_PREFIX } from './control-api';
import type { FaultBoard } from './faults';
import { BodyTooLargeError, methodNotAllowed, readBody, requestOrigin, sendAnswer, textAnswer, type HttpAnswer } from './http';
import { dashboardPath, myWebexPath, pPhpPath, renderLandingPage } from './landing';
import { meetingIdOfJoinLink } from './join-links';
import { answerMeetingRequest, mPhpPath, type MeetingBoard } from './meetings';
import { accessTokensOnSite, OAUTH_PATHS, type OAuthServer } from './oauth';
import type { RestApi } from './rest-api';
import type { SamlVerifier } from './saml';
import { SERVICE_APP_TOKEN_PATH, type ServiceAppServer } from './service-app';
import type { SessionTicketStore } from './session-tickets';
import type { TicketStore } from './tickets';
import type { FaultRule, SimSecrets, SimStats } from './types';
import { answerUrlApiRequest } from './url-api';
import type { UserDirectory } from './users';
import { answerXmlRequest } from './xml-api';

export const XML_SERVICE_PATH = '/WBXService/XMLService';

/** One simulated site: what it holds of its own (nothing one site issued is accepted on another). */
export interface SiteDeps {
  site: { siteName: string; autoLogin: boolean; enableSSO: boolean };
  users: UserDirectory;
  meetings: MeetingBoard;
  tickets: TicketStore;
  sessionTickets: SessionTicketStore;
  saml: SamlVerifier | undefined;
  faults: FaultBoard;
  sessions: BrowserSessions;
}

export interface RouterDeps {
  /** the first is the site the organisation's services (OAuth, Service App, REST) see */
  sites: readonly [SiteDeps, ...SiteDeps[]];
  oauth: OAuthServer | undefined;
  /** the REST API and the Service App's token endpoint, when the simulator has a Service App */
  serviceApp: ServiceAppServer | undefined;
  rest: RestApi | undefined;
  /** a fault rule onto its site's board; throws for a site the simulator does not have */
  inject: (rule: FaultRule) => void;
  clearFaults: () => void;
  stats: SimStats;
  secrets: () => SimSecrets;
  /** the simulator's own origin, known once it listens */
  origin: () => string;
  /** a timer the simulator cancels when it closes */
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

/** Wires paths to the simulated services; the services themselves decide. */
export function createRequestHandler(deps: RouterDeps) {
  const [first] = deps.sites;
  const { siteName } = first.site;

  return async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const pathname = new URL(req.url ?? '/', 'http://webex-sim.invalid').pathname;
    const context = { note: '' };
    // Logged on close so a hanging request is logged too; the query (WID, TK, BU …) never is.
    res.once('close', () => {
      const status = res.headersSent ? String(res.statusCode) : '-';
      deps.log(`webex-sim ${method} ${pathname} ${status} ${Date.now() - started}ms${context.note ? ` ${context.note}` : ''}`);
    });

    try {
      const answer = await route(req, res, method, pathname, context);
      if (answer) sendAnswer(res, answer);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendAnswer(res, textAnswer(413, 'Request body too large'));
        return;
      }
      context.note = `internal error: ${error instanceof Error ? error.message : String(error)}`;
      console.error(`webex-sim ${method} ${pathname} ${context.note}`);
      sendAnswer(res, textAnswer(500, 'webex-sim internal error'));
    }
  };

  /** The answer to send, or undefined when the request was left hanging on purpose. */
  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    pathname: string,
    context: { note: string },
  ): Promise<HttpAnswer | undefined> {
    if (pathname === XML_SERVICE_PATH) {
      if (method !== 'POST') return methodNotAllowed('POST');
      deps.stats.xmlRequests += 1;
      // one endpoint for every site, the site picked by the securityContext's siteName, as WebEx's shared
      // endpoint does [docs/webex.md §2.1]; a name no site has is answered by the first site (unknown site)
      const outcome = answerXmlRequest(await readBody(req), (name) => {
        const site = deps.sites.find((candidate) => candidate.site.siteName === name) ?? first;
        // the Meetings OAuth server is the organisation's: its tokens name the first site's hosts
        return { ...site, oauth: site === first || !deps.oauth ? deps.oauth : accessTokensOnSite(deps.oauth, first.users, site.users) };
      });
      context.note = outcome.note;
      if (outcome.kind !== 'answer') {
        // hang: never answer; reset: the request was read whole, the connection dies without an answer
        if (outcome.kind === 'reset') res.socket?.destroy();
        return undefined;
      }
      if (outcome.delayMs > 0) await deps.sleep(outcome.delayMs);
      return outcome.answer;
    }

    if (deps.oauth && (pathname === OAUTH_PATHS.authorize || pathname === OAUTH_PATHS.token || pathname === OAUTH_PATHS.revoke)) {
      const query = new URL(req.url ?? '/', 'http://webex-sim.invalid').searchParams;
      const body = method === 'POST' ? await readBody(req) : '';
      context.note = `oauth ${pathname.split('/').at(-1) ?? ''}`;
      return deps.oauth.answer(method, pathname, query, body, req.headers.authorization);
    }

    if (deps.serviceApp && pathname === SERVICE_APP_TOKEN_PATH) {
      if (method !== 'POST') return methodNotAllowed('POST');
      context.note = 'rest access_token';
      return deps.serviceApp.answerTokenRequest(await readBody(req));
    }

    if (deps.rest && pathname.startsWith('/v1/')) {
      const url = new URL(req.url ?? '/', 'http://webex-sim.invalid');
      const body = method === 'POST' ? await readBody(req) : '';
      const timezone = typeof req.headers.timezone === 'string' ? req.headers.timezone : undefined;
      const outcome = deps.rest.answer({ method, pathname, query: url.searchParams, authorization: req.headers.authorization, timezone, body });
      context.note = outcome.note;
      if (outcome.kind === 'hang') return undefined;
      if (outcome.delayMs > 0) await deps.sleep(outcome.delayMs);
      return outcome.answer;
    }

    const linkMeeting = deps.rest && meetingIdOfJoinLink(pathname, siteName);
    if (deps.rest && linkMeeting) {
      if (method !== 'GET') return methodNotAllowed('GET');
      context.note = 'meeting link';
      return deps.rest.openLink(linkMeeting, new URL(req.url ?? '/', 'http://webex-sim.invalid').searchParams);
    }

    // a site's URL API pages: the site's name in the path, as WebEx's own URLs have it [docs/webex.md §7.1]
    const site = deps.sites.find((candidate) => sitePaths(candidate.site.siteName).includes(pathname));
    if (site) return answerSitePage(req, res, method, pathname, site, context);

    if (pathname.startsWith(CONTROL_PREFIX)) {
      const body = method === 'POST' ? await readBody(req) : '';
      return answerControlRequest(method, pathname, body, {
        inject: deps.inject,
        clearFaults: deps.clearFaults,
        serviceApp: deps.serviceApp,
        stats: () => ({ ...deps.stats }),
        secrets: deps.secrets,
        origin: req.headers.origin,
        ownOrigin: deps.origin(),
      });
    }

    return textAnswer(404, 'Not found');
  }

  async function answerSitePage(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    pathname: string,
    { site, users, meetings, tickets, faults, sessions }: SiteDeps,
    context: { note: string },
  ): Promise<HttpAnswer> {
    const { siteName } = site;
    if (pathname === mPhpPath(siteName)) {
      if (method !== 'GET' && method !== 'POST') return methodNotAllowed('GET, POST');
      const { params } = await urlApiParams(req, method);
      const outcome = answerMeetingRequest({ params, signedInAs: await sessions.signedInAs(req) }, { siteName, meetings });
      context.note = outcome.note;
      return outcome.answer;
    }

    if (pathname === pPhpPath(siteName)) {
      if (method !== 'GET' && method !== 'POST') return methodNotAllowed('GET, POST');
      const { params, posted } = await urlApiParams(req, method);
      const passwordPosted = posted.has('PW') && !new URL(req.url ?? '/', 'http://webex-sim.invalid').searchParams.has('PW');
      const origin = requestOrigin(req, deps.origin());
      const outcome = await answerUrlApiRequest(
        { params, passwordPosted, origin, siteOrigins: [deps.origin(), origin], signedInAs: await sessions.signedInAs(req) },
        {
          siteName,
          autoLogin: site.autoLogin,
          tickets,
          users,
          faults,
          sessions,
          onLogin: (succeeded) => {
            if (succeeded) deps.stats.logins += 1;
            else deps.stats.failedLogins += 1;
          },
        },
      );
      context.note = outcome.note;
      if (outcome.setCookie) res.setHeader('set-cookie', outcome.setCookie);
      return outcome.answer;
    }

    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed('GET, HEAD');
    return renderLandingPage(siteName, await sessions.signedInAs(req));
  }
}

/** The pages of one site: m.php, p.php and the two landing pages. */
function sitePaths(siteName: string): string[] {
  return [mPhpPath(siteName), pPhpPath(siteName), dashboardPath(siteName), myWebexPath(siteName)];
}

/** A URL API request's parameters: the query, with a POSTed form laid over it; and the form alone. */
async function urlApiParams(req: IncomingMessage, method: string): Promise<{ params: URLSearchParams; posted: URLSearchParams }> {
  const params = new URLSearchParams(new URL(req.url ?? '/', 'http://webex-sim.invalid').search);
  const posted = new URLSearchParams(method === 'POST' ? await readBody(req) : '');
  for (const [name, value] of posted) params.set(name, value);
  return { params, posted };
}
