import http from 'node:http';
import https from 'node:https';

/** One HTTP answer as the client needs it: status, declared length, and the body as it streams in. */
export interface TransportResponse {
  status: number;
  /** Content-Length when the server declared one */
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
  /** stop reading and free the connection */
  discard(): void;
}

/** POSTs an XML body; must honour the signal for the whole exchange, body included. */
export type Transport = (url: string, body: string, signal: AbortSignal) => Promise<TransportResponse>;

/** The production transport, whose pool can be closed at shutdown and counted. */
export type HttpTransport = Transport & {
  close(): void;
  /** sockets open to WebEx now, and the most ever open at once */
  sockets(): { open: number; max: number };
};

export interface HttpTransportOptions {
  /** connections per origin in the keep-alive pool */
  maxSockets?: number;
}

// Enough for a busy portal's launches to one WebEx origin; more only queue at WebEx.
const DEFAULT_MAX_SOCKETS = 64;

/**
 * The production transport: node:http(s) with a keep-alive connection pool per protocol.
 * (Measured here: about twice the round trips per second of the global fetch, whose web-stream
 * plumbing and, inside Next, request patching cost more than the XML exchange itself.)
 * Never follows redirects; TLS certificates are verified. A request that never left (refused,
 * reset before it was written) is retried once; one that was written never is.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  const open = new Set<object>();
  let max = 0;

  function attempt(target: URL, body: string, signal: AbortSignal, mayRetry: boolean): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      const protocol = target.protocol === 'https:' ? https : http;
      let written = false;
      const request = protocol.request(
        target,
        {
          method: 'POST',
          agent: target.protocol === 'https:' ? agents['https:'] : agents['http:'],
          signal,
          headers: {
            'content-type': 'application/xml; charset=UTF-8',
            accept: 'text/xml, application/xml',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          const declared = response.headers['content-length'];
          resolve({
            status: response.statusCode ?? 0,
            contentLength: declared === undefined ? undefined : Number(declared),
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
          resolve(attempt(target, body, signal, false));
        } else {
          reject(err);
        }
      });
      request.end(body);
    });
  }

  const transport: Transport = (url, body, signal) => attempt(new URL(url), body, signal, true);
  return Object.assign(transport, {
    sockets: () => ({ open: open.size, max }),
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
