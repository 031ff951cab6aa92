import { randomUUID } from 'node:crypto';
import { getLaunchDeps } from '@/lib/app-context';
import { getPortalUser, isSameOriginRequest } from '@/lib/auth';
import { getConfig } from '@/lib/config';
import { launchWebex } from '@/lib/launch';
import { crossOriginRefused, redirectTo } from '../responses';

// Every answer here is per-user and one-time: never pre-rendered, never cached.
export const dynamic = 'force-dynamic';

// A GET (a typed URL, a link preview, a prefetch) only shows the page with the Join button.
export function GET(): Response {
  return redirectTo(new URL('/', getConfig().appUrl));
}

export async function POST(request: Request): Promise<Response> {
  const config = getConfig();
  // 1. only our own pages may start a launch
  if (!isSameOriginRequest(request.headers, config.appUrl)) {
    return crossOriginRefused();
  }
  // 2. a portal session, or sign in first and come back to the Join button
  const user = await getPortalUser();
  if (!user) return redirectTo(new URL('/api/auth/signin?callbackUrl=%2F', config.appUrl));

  // 3. mapping → ticket → login URL, audited inside
  const result = await launchWebex(user, await getLaunchDeps(), randomUUID());
  if (result.ok) return redirectTo(result.location, 302);
  return redirectTo(new URL(`/launch/failed?code=${encodeURIComponent(result.code)}`, config.appUrl));
}
