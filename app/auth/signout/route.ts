import type { NextRequest } from 'next/server';
import { readSessionToken, revocableSession } from '@/lib/identity';
import { clearCookie } from '@/lib/http';
import { LAUNCHED_SITES_COOKIE, readLaunchedSites } from '@/lib/launch';
import { clearSessionCookies, planSignOutFor, signOutCookie } from '@/lib/sign-out';
import { formPost, goHome } from '../../_lib/form-post';
import { redirectTo } from '../../_lib/responses';
import { idTokenStore, sessionRevocations } from '@/lib/server';

export const dynamic = 'force-dynamic';

// A GET signs nobody out: the button on the home page is a POST.
export const GET = goHome;

/** Sign out everywhere (from our own pages only): the portal session now, then WebEx and the identity provider (lib/sign-out). */
export const POST = formPost(async (request: NextRequest, config) => {
  // 1. the session ends on the server, so no copy of its cookie opens anything (a token from before
  //    session ids has none to end: the proxy ends those on sight)
  const token = await readSessionToken(request.cookies.getAll(), config.appUrl, config.authSecret);
  const session = token && revocableSession(token);
  if (session) await sessionRevocations().revoke(session);
  // 2. the steps: WebEx's AT=LO and the provider's logout (with the session's ID token), each when configured and possible
  const way = await planSignOutFor(token?.idTokenRef, { config, idTokens: idTokenStore() }, readLaunchedSites(request.headers.get('cookie')));
  // 3. the portal session ends with this answer, whatever the other steps do; WebEx's BU finds the rest in a cookie
  const sent = request.cookies.getAll().map((cookie) => cookie.name);
  const listed = sent.includes(LAUNCHED_SITES_COOKIE) ? [clearCookie(LAUNCHED_SITES_COOKIE, config.appUrl)] : [];
  return redirectTo(way.location, 303, [
    ...clearSessionCookies(sent, config.appUrl),
    ...listed,
    await signOutCookie(way.first === 'webex' ? way : undefined, config),
  ]);
});
