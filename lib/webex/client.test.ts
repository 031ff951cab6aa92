import { describe, expect, it } from 'vitest';
import { createWebexClient } from './client';
import { WebexError } from './errors';
import { rejectedCode } from '../testing/webex-errors';
import type { Transport, TransportResponse } from './transport';

const OK = `<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:serv="s" xmlns:use="u"><serv:header><serv:response><serv:result>SUCCESS</serv:result><serv:gsbStatus>PRIMARY</serv:gsbStatus></serv:response></serv:header><serv:body><serv:bodyContent><use:ticket>T1</use:ticket><use:apiVersion>V</use:apiVersion></serv:bodyContent></serv:body></serv:message>`;
const CONTEXT = { siteName: 'acme', webExID: 'alice', password: 'secret' };

async function* once(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
}

/** A canned answer, as a transport would hand it over. */
function answer(status: number, body: string | AsyncIterable<Uint8Array>, contentLength?: number): TransportResponse & { discarded: boolean } {
  const response = {
    status,
    contentLength: contentLength ?? (typeof body === 'string' ? Buffer.byteLength(body) : undefined),
    body: typeof body === 'string' ? once(Buffer.from(body)) : body,
    header: () => undefined,
    discarded: false,
    discard() {
      response.discarded = true;
    },
  };
  return response;
}

function clientWith(transport: Transport, overrides = {}) {
  return createWebexClient({ baseUrl: 'https://acme.webex.com/', timeoutMs: 200, maxResponseBytes: 1024, transport, ...overrides });
}

describe('createWebexClient', () => {
  it('POSTs the envelope to {base}/WBXService/XMLService and returns the ticket', async () => {
    const seen: { url: string; method: string; body: string | undefined; signal: AbortSignal }[] = [];
    const client = clientWith(async (url, request, signal) => {
      seen.push({ url, method: request.method, body: request.body, signal });
      return answer(200, OK);
    });
    await expect(client.getLoginTicket(CONTEXT)).resolves.toEqual({ ticket: 'T1', apiVersion: 'V', gsbStatus: 'PRIMARY' });
    expect(seen[0]?.url).toBe('https://acme.webex.com/WBXService/XMLService');
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.body).toContain('<webExID>alice</webExID>');
    expect(seen[0]?.signal.aborted).toBe(false);
  });

  it.each([302, 400, 404, 500, 503])('HTTP %i → WEBEX_HTTP_ERROR, body left unread', async (status) => {
    const response = answer(status, 'down');
    expect(await rejectedCode(clientWith(async () => response).getLoginTicket(CONTEXT))).toBe('WEBEX_HTTP_ERROR');
    expect(response.discarded).toBe(true);
  });

  it('an HTML page with 200 → WEBEX_NOT_XML', async () => {
    const client = clientWith(async () => answer(200, '<!DOCTYPE html><html><body>Maintenance</body></html>'));
    expect(await rejectedCode(client.getLoginTicket(CONTEXT))).toBe('WEBEX_NOT_XML');
  });

  it('refuses an answer larger than the limit, declared or streamed, and stops reading', async () => {
    const declared = answer(200, OK, 5_000);
    expect(await rejectedCode(clientWith(async () => declared).getLoginTicket(CONTEXT))).toBe('WEBEX_RESPONSE_TOO_LARGE');
    expect(declared.discarded).toBe(true);

    // A finite feed just over the 1024-byte limit: without the limit the client reads all of it
    // and fails on the content (WEBEX_NOT_XML), so a missing limit fails here, not in an OOM.
    let chunksRead = 0;
    async function* slightlyTooLarge() {
      for (let i = 0; i < 4; i += 1) {
        chunksRead += 1;
        yield Buffer.alloc(512, 'x');
      }
    }
    const streamed = answer(200, slightlyTooLarge());
    expect(await rejectedCode(clientWith(async () => streamed).getLoginTicket(CONTEXT))).toBe('WEBEX_RESPONSE_TOO_LARGE');
    expect(streamed.discarded).toBe(true);
    expect(chunksRead).toBe(3);
  });

  it('gives up after the timeout → WEBEX_TIMEOUT, within a small multiple of it', async () => {
    const hanging: Transport = (_url, _body, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const started = performance.now();
    expect(await rejectedCode(clientWith(hanging, { timeoutMs: 100 }).getLoginTicket(CONTEXT))).toBe('WEBEX_TIMEOUT');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(100 * 3);
  });

  it('a refused connection → WEBEX_UNREACHABLE', async () => {
    const refused: Transport = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    };
    expect(await rejectedCode(clientWith(refused).getLoginTicket(CONTEXT))).toBe('WEBEX_UNREACHABLE');
  });

  it('never puts the password in an error message', async () => {
    const err = await clientWith(async () => answer(500, 'oops'))
      .getLoginTicket(CONTEXT)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebexError);
    expect(String((err as Error).message)).not.toContain('secret');
  });
});
