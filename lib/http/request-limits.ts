/**
 * Request bodies the portal accepts: a form post is a few hundred bytes, so anything beyond
 * `MAX_FORM_BYTES` is refused before it is read — except an admin's CSV upload, which may be as
 * large as CSV_IMPORT_MAX_BYTES (plus the multipart wrapping). Headers are bounded by Node itself (16 KiB, 431).
 */
export const MAX_FORM_BYTES = 64 * 1024;
/** multipart boundaries and the other form fields around the CSV file */
const UPLOAD_OVERHEAD_BYTES = 1024 * 1024;
const UPLOAD_PATH = /^\/admin\/mappings\/import\/?$/;

/** The CSV upload's path: the one place a body may be larger than a form's, for an admin. */
export function isUploadPath(pathname: string): boolean {
  return UPLOAD_PATH.test(pathname);
}

/**
 * Why this request's body is refused (413), or undefined when its size is acceptable.
 * `uploadMaxBytes`: the import's limit, given only for a request with an admin's session; without
 * it the upload path has a form's limit like any other (anyone can name the path).
 */
export function refuseBody(method: string, pathname: string, headers: Headers, uploadMaxBytes?: number): string | undefined {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const limit = uploadMaxBytes !== undefined && isUploadPath(pathname) ? uploadMaxBytes + UPLOAD_OVERHEAD_BYTES : MAX_FORM_BYTES;
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
  return new Response(`Refused: ${reason}.`, {
    status: 413,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' },
  });
}
