import type { NextRequest } from 'next/server';
import { isSameOriginRequest } from '@/lib/http';
import { getConfig } from '@/lib/config';
import { readSessionToken, revocableSession } from '@/lib/identity';
import { clearSessionCookies, planSignOutFor, signOutCookie } from '@/lib/sign-out';
import { crossOriginRefused, redirectTo } from '../../_lib/responses';
import { idTokenStore, sessionRevocations } from '@/lib/server';

export const dynamic = 'force-dynamic';

// A GET (a typed URL, a prefetch) signs nobody out: the button on the home page is a POST.
export function GET(): Response {
  return redirectTo(new URL('/', getConfig().appUrl));
}

/** Sign out everywhere: the portal session now, then WebEx and the identity provider (lib/sign-out). */
export async function POST(request: NextRequest): Promise<Response> {
  const config = getConfig();
  // 1. only our own pages sign someone out
  if (!isSameOriginRequest(request.headers, config.appUrl)) return crossOriginRefused();
  // 2. the session ends on the server, so no copy of its cookie opens anything (a token from before
  //    session ids has none to end: the proxy ends those on sight)
  const token = await readSessionToken(request.cookies.getAll(), config.appUrl, config.authSecret);
  const session = token && revocableSession(token);
  if (session) await sessionRevocations().revoke(session);
  // 3. the steps: WebEx's AT=LO and the provider's logout (with the session's ID token), each when configured and possible
  const way = await planSignOutFor(token?.idTokenRef, { config, idTokens: idTokenStore() });
  // 4. the portal session ends with this answer, whatever the other steps do; WebEx's BU finds the rest in a cookie
  const sent = request.cookies.getAll().map((cookie) => cookie.name);
  return redirectTo(way.location, 303, [...clearSessionCookies(sent, config.appUrl), await signOutCookie(way.first === 'webex' ? way : undefined, config)]);
}
