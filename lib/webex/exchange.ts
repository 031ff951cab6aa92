import { WebexError, toWebexError } from './errors';
import type { UpstreamGuard } from './guard';
import { createHttpTransport, type Transport, type TransportRequest, type TransportResponse } from './transport';

/**
 * The habits every call to WebEx keeps, whichever API it speaks (the XML API here, the REST API in
 * lib/webex-rest): one deadline for connect, headers and body; answers beyond a size limit refused
 * unread; the process's guard (concurrency cap, circuit breaker) around the whole exchange; every
 * low-level failure turned into a WebexError with a stable code.
 */
export interface ExchangeOptions {
  /** whole exchange, connect to last byte */
  timeoutMs: number;
  /** answers beyond this are refused unread */
  maxResponseBytes: number;
  /** defaults to node:http(s) with a keep-alive pool; unit tests inject one so they never touch the network */
  transport?: Transport;
  /** the process's concurrency cap and circuit breaker toward this upstream (guard.ts); none in unit tests */
  guard?: UpstreamGuard;
}

/** An answer, handled inside the exchange's deadline. */
export interface Answer {
  status: number;
  /** a response header by name, any case */
  header(name: string): string | undefined;
  /**
   * the body as UTF-8, read to the end within the size limit (else WEBEX_RESPONSE_TOO_LARGE); a call
   * whose answers are pages of a list may allow a larger `limit` than the client's
   */
  text(limit?: number): Promise<string>;
  /** stop reading and free the connection */
  discard(): void;
}

/** Sends one request and hands its answer to `handle`, all within one deadline and the guard. */
export type Exchange = <T>(url: string, request: TransportRequest, handle: (answer: Answer) => Promise<T>) => Promise<T>;

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

export function createExchange(options: ExchangeOptions): Exchange {
  const send = options.transport ?? createHttpTransport();

  async function once<T>(url: string, request: TransportRequest, handle: (answer: Answer) => Promise<T>): Promise<T> {
    // One deadline for connect, headers and body: a server that stalls mid-answer is cut off too.
    const deadline = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await send(url, request, deadline);
      return await handle({
        status: response.status,
        header: (name) => response.header(name),
        text: (limit = options.maxResponseBytes) => readLimited(response, limit),
        discard: () => response.discard(),
      });
    } catch (err) {
      // Once our deadline fired, whatever the socket reports (reset, "aborted") is a timeout.
      if (deadline.aborted && !(err instanceof WebexError)) throw new WebexError('WEBEX_TIMEOUT', 'WebEx did not answer in time', { cause: err });
      throw toWebexError(err);
    }
  }

  return async (url, request, handle) => {
    if (!options.guard) return once(url, request, handle);
    try {
      return await options.guard.run(() => once(url, request, handle));
    } catch (err) {
      throw toWebexError(err);
    }
  };
}

/** Runs one named call, telling `observe` its outcome (OK or the error code) and duration (metrics). */
export async function observed<T>(
  observe: ((call: string, outcome: string, seconds: number) => void) | undefined,
  name: string,
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let outcome = 'OK';
  try {
    return await run();
  } catch (err) {
    outcome = err instanceof WebexError ? err.code : 'ERROR';
    throw err;
  } finally {
    observe?.(name, outcome, (performance.now() - started) / 1000);
  }
}
