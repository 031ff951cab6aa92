import type { SecurityContext } from './credentials';
import { WebexError, toWebexError } from './errors';
import {
  buildGetLoginTicketRequest,
  buildGetSiteRequest,
  parseGetLoginTicketResponse,
  parseGetSiteResponse,
  type LoginTicket,
  type SiteInfo,
} from './xml-api';

export interface WebexClientOptions {
  /** e.g. https://acme.webex.com (the simulator's URL in tests) */
  baseUrl: string;
  /** whole exchange, connect to last byte */
  timeoutMs: number;
  /** answers beyond this are refused unread */
  maxResponseBytes: number;
  /**
   * Transport; defaults to the global fetch, whose undici dispatcher keeps a keep-alive
   * connection pool per origin. Injected in unit tests so they never touch the network.
   */
  fetch?: typeof fetch;
}

/** The XML API calls webex-sso makes. */
export interface WebexClient {
  /** GetLoginTicket for the host named in the securityContext. */
  getLoginTicket(context: SecurityContext): Promise<LoginTicket>;
  /** GetSite, for the admin's connection check. */
  getSite(context: SecurityContext): Promise<SiteInfo>;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body?.cancel();
    throw new WebexError('WEBEX_RESPONSE_TOO_LARGE', `WebEx answered ${declared} bytes, more than the ${limit}-byte limit`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new WebexError('WEBEX_RESPONSE_TOO_LARGE', `WebEx answered more than the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Creates a client for one WebEx site's XML API. */
export function createWebexClient(options: WebexClientOptions): WebexClient {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/WBXService/XMLService`;
  const send = options.fetch ?? fetch;

  async function post(body: string): Promise<string> {
    try {
      const response = await send(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/xml; charset=UTF-8', accept: 'text/xml, application/xml' },
        body,
        // A redirect here means a proxy or a wrong base URL, never a WebEx answer.
        redirect: 'manual',
        cache: 'no-store',
        // Aborts the body read too, so a server that stalls mid-answer is also cut off.
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel();
        throw new WebexError('WEBEX_HTTP_ERROR', `WebEx answered HTTP ${response.status}`, { httpStatus: response.status });
      }
      return await readLimited(response, options.maxResponseBytes);
    } catch (err) {
      throw toWebexError(err);
    }
  }

  return {
    async getLoginTicket(context) {
      return parseGetLoginTicketResponse(await post(buildGetLoginTicketRequest(context)));
    },
    async getSite(context) {
      return parseGetSiteResponse(await post(buildGetSiteRequest(context)));
    },
  };
}
