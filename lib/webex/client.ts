import type { SecurityContext } from './security-context';
import { WebexError } from './errors';
import { createExchange, observed, type ExchangeOptions } from './exchange';
import { xmlRequest } from './transport';
import {
  buildAuthenticateUserRequest,
  buildGetLoginTicketRequest,
  buildGetSiteRequest,
  buildGetUserRequest,
  parseAuthenticateUserResponse,
  parseGetLoginTicketResponse,
  parseGetSiteResponse,
  parseGetUserResponse,
  type AuthenticateUserBody,
  type LoginTicket,
  type SessionTicket,
  type SiteInfo,
  type WebexUser,
} from './xml-api';

export interface WebexClientOptions extends ExchangeOptions {
  /** e.g. https://acme.webex.com (the simulator's URL in tests) */
  baseUrl: string;
  /** told of every call: its name, OK or the error code, and how long it took (metrics) */
  observe?: (call: string, outcome: string, seconds: number) => void;
}

/** The XML API calls webex-sso makes. */
export interface WebexClient {
  /** GetLoginTicket for the host named in the securityContext. */
  getLoginTicket(context: SecurityContext): Promise<LoginTicket>;
  /** GetSite, for the admin's connection check. */
  getSite(context: SecurityContext): Promise<SiteInfo>;
  /** AuthenticateUser: a session ticket for the host named in the securityContext, proven by the body or a password. */
  authenticateUser(context: SecurityContext, body: AuthenticateUserBody): Promise<SessionTicket>;
  /** GetUser for the caller itself: proves a host's credential without asking for a login ticket. */
  getUser(context: SecurityContext): Promise<WebexUser>;
}

/** Creates a client for one WebEx site's XML API. */
export function createWebexClient(options: WebexClientOptions): WebexClient {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/WBXService/XMLService`;
  const exchange = createExchange(options);

  function post(body: string): Promise<string> {
    return exchange(endpoint, xmlRequest(body), async (answer) => {
      // WebEx answers FAILURE with 200; anything else (a redirect included) is a proxy or an outage.
      if (answer.status < 200 || answer.status > 299) {
        answer.discard();
        throw new WebexError('WEBEX_HTTP_ERROR', `WebEx answered HTTP ${answer.status}`, { httpStatus: answer.status });
      }
      return answer.text();
    });
  }

  const call = <T>(name: string, request: string, parse: (raw: string) => T): Promise<T> =>
    observed(options.observe, name, async () => parse(await post(request)));

  return {
    getLoginTicket: (context) => call('GetLoginTicket', buildGetLoginTicketRequest(context), parseGetLoginTicketResponse),
    getSite: (context) => call('GetSite', buildGetSiteRequest(context), parseGetSiteResponse),
    authenticateUser: (context, body) => call('AuthenticateUser', buildAuthenticateUserRequest(context, body), parseAuthenticateUserResponse),
    getUser: (context) => call('GetUser', buildGetUserRequest(context, context.webExID), parseGetUserResponse),
  };
}
