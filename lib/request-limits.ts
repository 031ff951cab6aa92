/**
 * Request bodies the portal accepts: a form post is a few hundred bytes, so anything beyond
 * `MAX_FORM_BYTES` is refused before it is read — except the CSV upload, which may be as large as
 * CSV_IMPORT_MAX_BYTES (plus the multipart wrapping). Headers are bounded by Node itself (16 KiB, 431).
 */
export const MAX_FORM_BYTES = 64 * 1024;
/** multipart boundaries and the other form fields around the CSV file */
const UPLOAD_OVERHEAD_BYTES = 1024 * 1024;
const UPLOAD_PATH = /^\/admin\/mappings\/import\/?$/;

/** Why this request's body is refused (413), or undefined when its size is acceptable. */
export function refuseBody(method: string, pathname: string, headers: Headers, importMaxBytes: number): string | undefined {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const limit = UPLOAD_PATH.test(pathname) ? importMaxBytes + UPLOAD_OVERHEAD_BYTES : MAX_FORM_BYTES;
  const declared = headers.get('content-length');
  if (declared === null) {
    // a body of unknown length (chunked) could be any size: only the upload may stream
    return headers.has('transfer-encoding') && limit === MAX_FORM_BYTES ? 'a request body of unknown length' : undefined;
  }
  const length = Number(declared);
  if (!Number.isSafeInteger(length) || length < 0) return 'an invalid Content-Length';
  return length > limit ? `a request body over ${limit} bytes` : undefined;
}

/** The 413 the proxy answers. */
export function bodyRefusal(reason: string): Response {
  return new Response(`Refused: ${reason}.`, { status: 413, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' } });
}
