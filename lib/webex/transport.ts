import http from 'node:http';
import https from 'node:https';

/** One HTTP answer as the client needs it: status, declared length, headers, and the body as it streams in. */
export interface TransportResponse {
  status: number;
  /** Content-Length when the server declared one */
  contentLength: number | undefined;
  /** a response header by its name, any case (Retry-After, Content-Type); repeated ones joined by ", " */
  header(name: string): string | undefined;
  body: AsyncIterable<Uint8Array>;
  /** stop reading and free the connection */
  discard(): void;
}

/** What to send: the XML API POSTs an envelope, the REST API GETs or POSTs JSON with a bearer token. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  /** lower-case names; Content-Length is the transport's own business */
  headers: Readonly<Record<string, string>>;
  body?: string;
}

/** Sends one request; must honour the signal for the whole exchange, body included. */
export type Transport = (url: string, request: TransportRequest, signal: AbortSignal) => Promise<TransportResponse>;

/** An XML API request: the envelope POSTed as application/xml. */
export function xmlRequest(envelope: string): TransportRequest {
  return { method: 'POST', headers: { 'content-type': 'application/xml; charset=UTF-8', accept: 'text/xml, application/xml' }, body: envelope };
}

/** The production transport, whose pool can be closed at shutdown and counted. */
export type HttpTransport = Transport & {
  close(): void;
  /** sockets open to WebEx now, and the most ever open at once */
  sockets(): { open: number; max: number };
};

export interface HttpTransportOptions {
  /** connections per origin in the keep-alive pool */
  maxSockets?: number;
  /** how long an idle pooled connection is kept at most (shorter when the server announces its own limit) */
  idleTimeoutMs?: number;
}

// Enough for a busy portal's launches to one WebEx origin; more only queue at WebEx.
const DEFAULT_MAX_SOCKETS = 64;
/**
 * A server closes a kept-alive connection once it has been idle for its own limit. A request sent
 * on it at that moment meets a reset after it was written, which we must not send again (below): the
 * employee would see "WebEx is not answering" for a connection nobody needed to keep. So the pool
 * closes idle connections first: one second before the limit a server announces (`Keep-Alive:
 * timeout=N`, which node:http's agent honours once it has a timeout of its own), and after this long
 * when it announces none, which is shorter than the common server defaults (Apache and Node 5 s,
 * nginx 75 s). Under load no connection idles that long; a quiet portal pays one new handshake.
 */
const DEFAULT_IDLE_TIMEOUT_MS = 4_000;

/**
 * The production transport: node:http(s) with a keep-alive connection pool per protocol, shared
 * by the XML API client and the REST client (lib/webex-rest), so one pool and one socket count
 * cover every call to WebEx.
 * (Not the global fetch: its web-stream plumbing and, inside Next, request patching cost more than
 * the XML exchange itself; docs/performance.md §5.5.)
 * Never follows redirects; TLS certificates are verified. A request that never left (refused,
 * reset before it was written) is retried once; one that was written never is.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  // (the agent's timeout also applies while a request is out, where it only emits 'timeout', which
  // nothing here listens to: the exchange's own deadline ends a slow call)
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS, timeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  const open = new Set<object>();
  let max = 0;

  function attempt(target: URL, outgoing: TransportRequest, signal: AbortSignal, mayRetry: boolean): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      const protocol = target.protocol === 'https:' ? https : http;
      let written = false;
      const request = protocol.request(
        target,
        {
          method: outgoing.method,
          agent: target.protocol === 'https:' ? agents['https:'] : agents['http:'],
          signal,
          headers: { ...outgoing.headers, ...(outgoing.body === undefined ? {} : { 'content-length': Buffer.byteLength(outgoing.body) }) },
        },
        (response) => {
          const declared = response.headers['content-length'];
          resolve({
            status: response.statusCode ?? 0,
            contentLength: declared === undefined ? undefined : Number(declared),
            header(name) {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value.join(', ') : value;
            },
            body: response,
            discard: () => response.destroy(),
          });
        },
      );
      request.on('finish', () => {
        written = true;
      });
      request.once('socket', (socket) => {
        if (open.has(socket)) return;
        open.add(socket);
        max = Math.max(max, open.size);
        socket.once('close', () => open.delete(socket));
      });
      request.on('error', (err) => {
        // A request WebEx cannot have received (connection refused, or a pooled socket reset before
        // our bytes were out) is sent once more; once written, never: WebEx may have acted on it.
        if (mayRetry && !written && !signal.aborted && NOT_SENT_CODES.has((err as { code?: string }).code ?? '')) {
          resolve(attempt(target, outgoing, signal, false));
        } else {
          reject(err);
        }
      });
      request.end(outgoing.body);
    });
  }

  const transport: Transport = (url, outgoing, signal) => attempt(new URL(url), outgoing, signal, true);
  return Object.assign(transport, {
    sockets: () => ({ open: open.size, max }),
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
