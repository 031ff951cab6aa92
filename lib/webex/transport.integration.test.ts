/** The node:http transport over real loopback HTTP: keep-alive, no redirects, one deadline for everything. */
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWebexClient } from './client';
import { WebexError } from './errors';
import { createHttpTransport } from './transport';

const OK =
  '<serv:message xmlns:serv="s"><serv:header><serv:response><serv:result>SUCCESS</serv:result></serv:response></serv:header><serv:body><serv:bodyContent><ticket>T</ticket></serv:bodyContent></serv:body></serv:message>';

let server: Server;
let base: string;
const connections = new Set<string>();
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    connections.add(`${req.socket.remotePort}`);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      if (req.url === '/redirect/WBXService/XMLService') {
        res.writeHead(302, { location: '/ok/WBXService/XMLService' }).end();
      } else if (req.url === '/reset/WBXService/XMLService') {
        req.socket.destroy(); // WebEx got the whole request, then the connection died
      } else if (req.url === '/stall/WBXService/XMLService') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.write('<serv:message xmlns:serv="s">'); // …and never finishes
      } else {
        res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' }).end(OK);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const context = { siteName: 'acme', webExID: 'alice', password: 'pw' };

describe('createHttpTransport', () => {
  it('reuses one kept-alive connection for sequential calls', async () => {
    const client = createWebexClient({ baseUrl: `${base}/ok`, timeoutMs: 2_000, maxResponseBytes: 65_536, transport: createHttpTransport() });
    connections.clear();
    for (let i = 0; i < 5; i += 1) expect((await client.getLoginTicket(context)).ticket).toBe('T');
    expect(connections.size).toBe(1);
    expect(bodies.at(-1)).toContain('<webExID>alice</webExID>');
  });

  it('does not follow a redirect', async () => {
    const client = createWebexClient({ baseUrl: `${base}/redirect`, timeoutMs: 2_000, maxResponseBytes: 65_536 });
    await expect(client.getLoginTicket(context)).rejects.toMatchObject({ code: 'WEBEX_HTTP_ERROR', httpStatus: 302 });
  });

  it('cuts off a server that stalls in the middle of its answer', async () => {
    const client = createWebexClient({ baseUrl: `${base}/stall`, timeoutMs: 300, maxResponseBytes: 65_536 });
    const started = performance.now();
    const err = await client.getLoginTicket(context).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(WebexError);
    expect((err as WebexError).code).toBe('WEBEX_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 * 3);
  });
});

describe('retries', () => {
  it('sends a request that never left once more (connection refused), and then gives up', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const attempts = vi.spyOn(http, 'request');
    try {
      const client = createWebexClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000, maxResponseBytes: 65_536, transport: createHttpTransport() });
      await expect(client.getLoginTicket(context)).rejects.toMatchObject({ code: 'WEBEX_UNREACHABLE' });
      expect(attempts).toHaveBeenCalledTimes(2);
    } finally {
      attempts.mockRestore();
    }
  });

  it('never sends again a request WebEx received, even when the connection then dies', async () => {
    const client = createWebexClient({ baseUrl: `${base}/reset`, timeoutMs: 2_000, maxResponseBytes: 65_536, transport: createHttpTransport() });
    const before = bodies.length;
    await expect(client.getLoginTicket(context)).rejects.toMatchObject({ code: 'WEBEX_UNREACHABLE' });
    expect(bodies.length - before).toBe(1);
  });
});

describe('idle connections', () => {
  /** A server that keeps connections alive for `keepAliveMs` when idle and counts the ones it sees close, and by whom. */
  async function keepAliveServer(keepAliveMs: number, announce: boolean) {
    const closedBy = { server: 0, client: 0 };
    const idle = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' }).end(OK));
    });
    idle.keepAliveTimeout = keepAliveMs;
    if (!announce) idle.on('request', (_req, res) => res.removeHeader('keep-alive'));
    idle.on('connection', (socket) => {
      let timedOut = false;
      socket.once('timeout', () => (timedOut = true));
      socket.once('close', () => (timedOut ? closedBy.server++ : closedBy.client++));
    });
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(idle.address() as AddressInfo).port}`, closedBy, close: () => new Promise((resolve) => idle.close(resolve)) };
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('closes an idle connection a second before the keep-alive timeout WebEx announces, so no request goes out on a connection WebEx is closing', async () => {
    const webex = await keepAliveServer(2_000, true); // node:http announces "Keep-Alive: timeout=2"
    const transport = createHttpTransport();
    try {
      const client = createWebexClient({ baseUrl: webex.url, timeoutMs: 2_000, maxResponseBytes: 65_536, transport });
      await client.getLoginTicket(context);
      expect(transport.sockets().open).toBe(1);
      await pause(1_400); // past the announced 2 s − 1 s, well before the server's own 2 s
      expect(transport.sockets().open).toBe(0);
      expect(webex.closedBy).toEqual({ server: 0, client: 1 });
      expect((await client.getLoginTicket(context)).ticket).toBe('T');
    } finally {
      transport.close();
      await webex.close();
    }
  });

  it('closes an idle connection after its own limit when WebEx announces none', async () => {
    const webex = await keepAliveServer(3_000, false);
    const transport = createHttpTransport({ idleTimeoutMs: 500 });
    try {
      const client = createWebexClient({ baseUrl: webex.url, timeoutMs: 2_000, maxResponseBytes: 65_536, transport });
      await client.getLoginTicket(context);
      await pause(900);
      expect(transport.sockets().open).toBe(0);
      expect(webex.closedBy).toEqual({ server: 0, client: 1 });
    } finally {
      transport.close();
      await webex.close();
    }
  });
});
