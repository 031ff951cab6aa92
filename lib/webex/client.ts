import type { SecurityContext } from './credentials';
import { WebexError, toWebexError } from './errors';
import type { UpstreamGuard } from './guard';
import { createHttpTransport, type Transport, type TransportResponse } from './transport';
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

export interface WebexClientOptions {
  /** e.g. https://acme.webex.com (the simulator's URL in tests) */
  baseUrl: string;
  /** whole exchange, connect to last byte */
  timeoutMs: number;
  /** answers beyond this are refused unread */
  maxResponseBytes: number;
  /** defaults to node:http(s) with a keep-alive pool; unit tests inject one so they never touch the network */
  transport?: Transport;
  /** the process's concurrency cap and circuit breaker toward WebEx (guard.ts); none in unit tests */
  guard?: UpstreamGuard;
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

async function readLimited(response: TransportResponse, limit: number): Promise<string> {
  if (response.contentLength !== undefined && response.contentLength > limit) {
    response.discard();
    throw new WebexError('WEBEX_RESPONSE_TOO_LARGE', `WebEx answered ${response.contentLength} bytes, more than the ${limit}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      response.discard();
      throw new WebexError('WEBEX_RESPONSE_TOO_LARGE', `WebEx answered more than the ${limit}-byte limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Creates a client for one WebEx site's XML API. */
export function createWebexClient(options: WebexClientOptions): WebexClient {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/WBXService/XMLService`;
  const send = options.transport ?? createHttpTransport();

  async function post(body: string): Promise<string> {
    if (!options.guard) return exchange(body);
    try {
      return await options.guard.run(() => exchange(body));
    } catch (err) {
      throw toWebexError(err);
    }
  }

  async function exchange(body: string): Promise<string> {
    // One deadline for connect, headers and body: a server that stalls mid-answer is cut off too.
    const deadline = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await send(endpoint, body, deadline);
      // WebEx answers FAILURE with 200; anything else (a redirect included) is a proxy or an outage.
      if (response.status < 200 || response.status > 299) {
        response.discard();
        throw new WebexError('WEBEX_HTTP_ERROR', `WebEx answered HTTP ${response.status}`, { httpStatus: response.status });
      }
      return await readLimited(response, options.maxResponseBytes);
    } catch (err) {
      // Once our deadline fired, whatever the socket reports (reset, "aborted") is a timeout.
      if (deadline.aborted && !(err instanceof WebexError)) throw new WebexError('WEBEX_TIMEOUT', 'WebEx did not answer in time', { cause: err });
      throw toWebexError(err);
    }
  }

  async function call<T>(name: string, request: string, parse: (raw: string) => T): Promise<T> {
    const started = performance.now();
    let outcome = 'OK';
    try {
      return parse(await post(request));
    } catch (err) {
      outcome = err instanceof WebexError ? err.code : 'ERROR';
      throw err;
    } finally {
      options.observe?.(name, outcome, (performance.now() - started) / 1000);
    }
  }

  return {
    getLoginTicket: (context) => call('GetLoginTicket', buildGetLoginTicketRequest(context), parseGetLoginTicketResponse),
    getSite: (context) => call('GetSite', buildGetSiteRequest(context), parseGetSiteResponse),
    authenticateUser: (context, body) => call('AuthenticateUser', buildAuthenticateUserRequest(context, body), parseAuthenticateUserResponse),
    getUser: (context) => call('GetUser', buildGetUserRequest(context, context.webExID), parseGetUserResponse),
  };
}
