import { type NextRequest, NextResponse } from 'next/server';
import { encodeSession, nowSeconds, portalUserOf, readSessionToken, renewSession, sessionCookieWrites, sessionSetCookie } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { bodyRefusal, crossOriginRefusal, isCrossOriginWrite, isUploadPath, newNonce, refuseBody, securityHeaders } from '@/lib/http';
import { sessionRevocations } from '@/lib/server';

// Runs before every page, route and server action (Node.js runtime in Next 16).
export async function proxy(request: NextRequest): Promise<Response> {
  const config = getConfig();
  // 1. a server action or form post from another site: 403 with our page, not Next's 500
  if (isCrossOriginWrite(request.method, request.nextUrl.pathname, request.headers, config.appUrl)) return crossOriginRefusal();
  // 2. a body far larger than anything our forms send: refused before it is read. Only the CSV
  //    upload may be larger, and only an admin's: that waits for the session (3), still unread
  const overForm = refuseBody(request.method, request.nextUrl.pathname, request.headers);
  if (overForm && !isUploadPath(request.nextUrl.pathname)) return bodyRefusal(overForm);

  // Every answer carries this response's CSP; the request carries it too (and x-nonce), so Next
  // puts the nonce on its own scripts and our pages can read it.
  const nonce = newNonce();
  const headers = securityHeaders(nonce, config);
  const next = () => {
    const forward = new Headers(request.headers);
    forward.set('x-nonce', nonce);
    forward.set('content-security-policy', headers['Content-Security-Policy'] ?? '');
    const response = NextResponse.next({ request: { headers: forward } });
    // /launch answers redirects, or the POST delivery page with its own, stricter policy (same nonce)
    if (request.nextUrl.pathname !== '/launch') for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };

  // 3. the session: over (absolute or idle, or ended on the server: signed out) → gone for this
  //    request and the browser, in every chunk; otherwise activity recorded and admin rights
  //    re-checked (always on an admin write), written back (in chunks when it outgrew one cookie,
  //    stale chunks cleared). Not checkable (the database down) → hidden from this request only.
  const token = await readSessionToken(request.cookies.getAll(), config.appUrl, config.authSecret);
  if (!token) return overForm ? bodyRefusal(overForm) : next();
  const adminWrite = !['GET', 'HEAD'].includes(request.method) && /^\/admin(\/|$)/.test(request.nextUrl.pathname);
  const renewal = await renewSession(token, config, { now: nowSeconds(), forceAdminRecheck: adminWrite, revocations: sessionRevocations() });
  // the upload's allowance: a session that goes on, of an admin (re-checked at the identity provider for this write)
  const uploader = renewal.kind === 'active' && portalUserOf(renewal.token ?? token, config).isAdmin;
  const tooLarge = overForm && (uploader ? refuseBody(request.method, request.nextUrl.pathname, request.headers, config.importMaxBytes) : overForm);
  const answer = () => (tooLarge ? bodyRefusal(tooLarge) : next());

  let session: { value: string; maxAge: number } | undefined;
  if (renewal.kind === 'active') {
    if (!renewal.token) return answer();
    session = { value: await encodeSession({ token: renewal.token, secret: config.authSecret, maxAge: renewal.maxAgeSeconds }), maxAge: renewal.maxAgeSeconds };
  }
  const writes = sessionCookieWrites(
    request.cookies.getAll().map((cookie) => cookie.name),
    config.appUrl,
    session,
  );
  // the page reads the cookies as the browser will hold them after this answer
  for (const { name, value } of writes) {
    if (value) request.cookies.set(name, value);
    else request.cookies.delete(name);
  }
  const response = answer();
  // A cookie set on a server action's answer makes Next re-render the page, and a form loses its
  // errors: there only a material change is written back (bookkeeping waits for the next page).
  if (renewal.kind === 'ended' || (renewal.kind === 'active' && (renewal.material || !request.headers.has('next-action')))) {
    for (const write of writes) response.headers.append('Set-Cookie', sessionSetCookie(write, config.appUrl));
  }
  return response;
}

export const config = {
  // not static files: they change nothing and carry no session
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
