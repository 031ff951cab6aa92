import { getConnectDeps, getPortalUser } from '@/lib/server';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { connectCookie, startConnect } from '@/lib/credentials';
import { crossOriginRefused, redirectTo } from '../../_lib/responses';
import { isSameOriginRequest } from '@/lib/http';

export const dynamic = 'force-dynamic';

// A GET (a typed URL, a prefetch) only shows the home page with the Connect button.
export function GET(): Response {
  return redirectTo(new URL('/', getConfig().appUrl));
}

/** "Connect WebEx": off to WebEx's authorization page, with the request's state sealed in a cookie. */
export async function POST(request: Request): Promise<Response> {
  const config = getConfig();
  // 1. only our own pages start a connection
  if (!isSameOriginRequest(request.headers, config.appUrl)) return crossOriginRefused();
  // 2. for the signed-in employee
  const user = await getPortalUser();
  if (!user) return redirectTo(new URL(signInPath('/'), config.appUrl));
  // 3. only in oauth mode
  const deps = await getConnectDeps();
  if (!deps) return redirectTo(new URL('/', config.appUrl));
  const { location, cookie } = await startConnect(deps, user.email);
  return redirectTo(location, 303, [connectCookie(cookie, config.appUrl)]);
}
