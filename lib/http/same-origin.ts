/**
 * True when a state-changing request comes from our own pages. Browsers send Origin on every
 * POST (as "null" under a no-referrer policy); Sec-Fetch-Site, which pages cannot forge, is
 * the fallback. A request with neither is refused.
 */
export function isSameOriginRequest(headers: Headers, appUrl: URL): boolean {
  const origin = headers.get('origin');
  if (origin !== null && origin !== 'null') return origin === appUrl.origin;
  return headers.get('sec-fetch-site') === 'same-origin';
}

// next-auth checks its own CSRF token on these, and an identity provider may post its answer back.
const OWN_CSRF_PATHS = /^\/api\/auth(\/|$)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when a request that changes something (a server action, a form post to a route) comes from
 * another site. Next itself answers a cross-origin server action with a 500; the proxy answers 403
 * first. Route handlers keep their own checks (/launch, requireAdmin('write')): this is the outer wall.
 */
export function isCrossOriginWrite(method: string, pathname: string, headers: Headers, appUrl: URL): boolean {
  if (SAFE_METHODS.has(method.toUpperCase()) || OWN_CSRF_PATHS.test(pathname)) return false;
  return !isSameOriginRequest(headers, appUrl);
}

const REFUSED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Refused · Company portal</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1c2430;background:#f5f7fa}.top{padding:.75rem 1.5rem;background:#fff;border-bottom:1px solid #d9dee5}.top a{font-weight:700;color:#1c2430;text-decoration:none}main{max-width:44rem;margin:2rem auto;padding:0 1rem}.card{background:#fff;border:1px solid #d9dee5;border-left:5px solid #b3261e;border-radius:10px;padding:1.5rem}.button{display:inline-block;padding:.55rem 1.1rem;border-radius:6px;border:1px solid #0b6bcb;color:#0b6bcb;text-decoration:none}</style>
</head><body><header class="top"><a href="/">Company portal</a></header>
<main><section class="card" role="alert"><h1>Refused: this request came from another site</h1>
<p>The portal only accepts changes made from its own pages. Nothing was changed.</p>
<p>If you clicked a link or a button on another site, go to the portal and do it from there.</p>
<a class="button" href="/">Back to the portal</a></section></main></body></html>`;

/** The 403 every door answers a request from another site with (the proxy, /launch, the form-POST routes): the portal's look, no detail of the request. */
export function crossOriginRefusal(): Response {
  return new Response(REFUSED_PAGE, {
    status: 403,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "frame-ancestors 'none'; base-uri 'self'",
    },
  });
}
