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
 * Never follows redirects; TLS certificates are verified.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  return (url, body, signal) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const protocol = target.protocol === 'https:' ? https : http;
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
      request.on('error', reject);
      request.end(body);
    });
}
