import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BrowserSessions } from './browser-session';
import { answerControlRequest, CONTROL_PREFIX } from './control-api';
import type { FaultBoard } from './faults';
import { BodyTooLargeError, methodNotAllowed, readBody, requestOrigin, sendAnswer, textAnswer, type HttpAnswer } from './http';
import { dashboardPath, myWebexPath, pPhpPath, renderLandingPage } from './landing';
import { meetingIdOfJoinLink } from './join-links';
import { answerMeetingRequest, mPhpPath, type MeetingBoard } from './meetings';
import { OAUTH_PATHS, type OAuthServer } from './oauth';
import type { RestApi } from './rest-api';
import type { SamlVerifier } from './saml';
import { SERVICE_APP_TOKEN_PATH, type ServiceAppServer } from './service-app';
import type { SessionTicketStore } from './session-tickets';
import type { TicketStore } from './tickets';
import type { SimSecrets, SimStats } from './types';
import { answerUrlApiRequest } from './url-api';
import type { UserDirectory } from './users';
import { answerXmlRequest } from './xml-api';

export const XML_SERVICE_PATH = '/WBXService/XMLService';

export interface RouterDeps {
  site: { siteName: string; autoLogin: boolean; enableSSO: boolean };
  users: UserDirectory;
  meetings: MeetingBoard;
  tickets: TicketStore;
  sessionTickets: SessionTicketStore;
  saml: SamlVerifier | undefined;
  oauth: OAuthServer | undefined;
  /** the REST API and the Service App's token endpoint, when the simulator has a Service App */
  serviceApp: ServiceAppServer | undefined;
  rest: RestApi | undefined;
  faults: FaultBoard;
  sessions: BrowserSessions;
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
  const { siteName } = deps.site;

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
      const outcome = answerXmlRequest(await readBody(req), deps);
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

    if (pathname === mPhpPath(siteName)) {
      if (method !== 'GET' && method !== 'POST') return methodNotAllowed('GET, POST');
      const { params } = await urlApiParams(req, method);
      const outcome = answerMeetingRequest({ params, signedInAs: await deps.sessions.signedInAs(req) }, { siteName, meetings: deps.meetings });
      context.note = outcome.note;
      return outcome.answer;
    }

    if (pathname === pPhpPath(siteName)) {
      if (method !== 'GET' && method !== 'POST') return methodNotAllowed('GET, POST');
      const { params, posted } = await urlApiParams(req, method);
      const passwordPosted = posted.has('PW') && !new URL(req.url ?? '/', 'http://webex-sim.invalid').searchParams.has('PW');
      const origin = requestOrigin(req, deps.origin());
      const outcome = await answerUrlApiRequest(
        { params, passwordPosted, origin, siteOrigins: [deps.origin(), origin], signedInAs: await deps.sessions.signedInAs(req) },
        {
          siteName,
          autoLogin: deps.site.autoLogin,
          tickets: deps.tickets,
          users: deps.users,
          faults: deps.faults,
          sessions: deps.sessions,
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

    if (pathname === dashboardPath(siteName) || pathname === myWebexPath(siteName)) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed('GET, HEAD');
      return renderLandingPage(siteName, await deps.sessions.signedInAs(req));
    }

    if (pathname.startsWith(CONTROL_PREFIX)) {
      const body = method === 'POST' ? await readBody(req) : '';
      return answerControlRequest(method, pathname, body, {
        faults: deps.faults,
        serviceApp: deps.serviceApp,
        stats: () => ({ ...deps.stats }),
        secrets: deps.secrets,
        origin: req.headers.origin,
        ownOrigin: deps.origin(),
      });
    }

    return textAnswer(404, 'Not found');
  }
}

/** A URL API request's parameters: the query, with a POSTed form laid over it; and the form alone. */
async function urlApiParams(req: IncomingMessage, method: string): Promise<{ params: URLSearchParams; posted: URLSearchParams }> {
  const params = new URLSearchParams(new URL(req.url ?? '/', 'http://webex-sim.invalid').search);
  const posted = new URLSearchParams(method === 'POST' ? await readBody(req) : '');
  for (const [name, value] of posted) params.set(name, value);
  return { params, posted };
}
