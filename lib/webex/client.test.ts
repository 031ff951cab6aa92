import { describe, expect, it } from 'vitest';
import { createWebexClient } from './client';
import { WebexError } from './errors';

const OK = `<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:serv="s" xmlns:use="u"><serv:header><serv:response><serv:result>SUCCESS</serv:result><serv:gsbStatus>PRIMARY</serv:gsbStatus></serv:response></serv:header><serv:body><serv:bodyContent><use:ticket>T1</use:ticket><use:apiVersion>V</use:apiVersion></serv:bodyContent></serv:body></serv:message>`;
const CONTEXT = { siteName: 'acme', webExID: 'alice', password: 'secret' };

function clientWith(fetchImpl: (url: string, init: RequestInit) => Promise<Response>, overrides = {}) {
  return createWebexClient({ baseUrl: 'https://acme.webex.com/', timeoutMs: 200, maxResponseBytes: 1024, fetch: fetchImpl as typeof fetch, ...overrides });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WebexError) return err.code;
    throw err;
  }
  throw new Error('expected a WebexError');
}

describe('createWebexClient', () => {
  it('POSTs the envelope as XML to {base}/WBXService/XMLService and returns the ticket', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const client = clientWith(async (url, init) => {
      seen.push({ url, init });
      return new Response(OK, { headers: { 'content-type': 'text/xml;charset=UTF-8' } });
    });
    await expect(client.getLoginTicket(CONTEXT)).resolves.toEqual({ ticket: 'T1', apiVersion: 'V', gsbStatus: 'PRIMARY' });
    expect(seen[0]?.url).toBe('https://acme.webex.com/WBXService/XMLService');
    expect(seen[0]?.init.method).toBe('POST');
    expect(new Headers(seen[0]?.init.headers).get('content-type')).toMatch(/^application\/xml/);
    expect(String(seen[0]?.init.body)).toContain('<webExID>alice</webExID>');
  });

  it.each([400, 404, 500, 503])('HTTP %i → WEBEX_HTTP_ERROR', async (status) => {
    expect(await codeOf(clientWith(async () => new Response('down', { status })).getLoginTicket(CONTEXT))).toBe('WEBEX_HTTP_ERROR');
  });

  it('a redirect (a proxy, a wrong base URL) → WEBEX_HTTP_ERROR', async () => {
    const client = clientWith(async () => new Response(null, { status: 302, headers: { location: 'https://login.example/' } }));
    expect(await codeOf(client.getLoginTicket(CONTEXT))).toBe('WEBEX_HTTP_ERROR');
  });

  it('an HTML page with 200 → WEBEX_NOT_XML', async () => {
    const client = clientWith(async () => new Response('<!DOCTYPE html><html><body>Maintenance</body></html>', { headers: { 'content-type': 'text/html' } }));
    expect(await codeOf(client.getLoginTicket(CONTEXT))).toBe('WEBEX_NOT_XML');
  });

  it('refuses an answer larger than the limit, declared or streamed', async () => {
    const big = `${OK}${' '.repeat(2000)}`;
    expect(await codeOf(clientWith(async () => new Response(big)).getLoginTicket(CONTEXT))).toBe('WEBEX_RESPONSE_TOO_LARGE');
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
      },
    });
    expect(await codeOf(clientWith(async () => new Response(streamed)).getLoginTicket(CONTEXT))).toBe('WEBEX_RESPONSE_TOO_LARGE');
  });

  it('gives up after the timeout → WEBEX_TIMEOUT', async () => {
    const hanging = (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const started = Date.now();
    expect(await codeOf(clientWith(hanging, { timeoutMs: 50 }).getLoginTicket(CONTEXT))).toBe('WEBEX_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a refused connection → WEBEX_UNREACHABLE', async () => {
    const refused = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    expect(await codeOf(clientWith(refused).getLoginTicket(CONTEXT))).toBe('WEBEX_UNREACHABLE');
  });

  it('never puts the password in an error message', async () => {
    try {
      await clientWith(async () => new Response('oops', { status: 500 })).getLoginTicket(CONTEXT);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('secret');
    }
  });
});
