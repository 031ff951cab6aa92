import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request bodies larger than this get 413: a GetLoginTicket envelope is well under 1 KiB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class BodyTooLargeError extends Error {
  constructor() {
    super(`webex-sim: request body exceeds ${BODY_LIMIT_BYTES} bytes`);
  }
}

/** Reads the whole body as UTF-8; an oversized body is drained (so the 413 reaches the client) and refused. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > BODY_LIMIT_BYTES) reject(new BodyTooLargeError());
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

export function textAnswer(status: number, text: string): HttpAnswer {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text };
}

export function methodNotAllowed(allow: string): HttpAnswer {
  return { status: 405, headers: { 'content-type': 'text/plain; charset=utf-8', allow }, body: 'Method not allowed' };
}

export function htmlAnswer(status: number, html: string): HttpAnswer {
  // no-store: pages that redirect carry tickets in their URLs and must not be cached.
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: html };
}

export function sendAnswer(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent || res.destroyed) return;
  // A 204 carries neither a body nor a Content-Length (RFC 9110 §8.6).
  const length = answer.status === 204 ? {} : { 'content-length': Buffer.byteLength(answer.body) };
  res.writeHead(answer.status, { ...answer.headers, ...length });
  res.end(answer.status === 204 ? undefined : answer.body);
}

/** The origin the browser used to reach the simulator (cookies are bound to it). */
export function requestOrigin(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  if (!host) return fallback;
  try {
    return new URL(`http://${host}`).origin;
  } catch {
    return fallback;
  }
}
