import { randomUUID } from 'node:crypto';
import { getLaunchDeps } from '@/lib/app-context';
import { getPortalUser, isSameOriginRequest } from '@/lib/auth';
import { getConfig } from '@/lib/config';
import { launchWebex } from '@/lib/launch';

// Every answer here is per-user and one-time: never pre-rendered, never cached.
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

function redirect(location: string | URL, status: 302 | 303): Response {
  return new Response(null, { status, headers: { ...NO_STORE, Location: String(location) } });
}

// A GET (a typed URL, a link preview, a prefetch) only shows the page with the Join button.
export function GET(): Response {
  return redirect(new URL('/', getConfig().appUrl), 303);
}

export async function POST(request: Request): Promise<Response> {
  const config = getConfig();
  // 1. only our own pages may start a launch
  if (!isSameOriginRequest(request.headers, config.appUrl)) {
    return new Response('Cross-origin request refused.', { status: 403, headers: NO_STORE });
  }
  // 2. a portal session, or sign in first and come back to the Join button
  const user = await getPortalUser();
  if (!user) return redirect(new URL('/api/auth/signin?callbackUrl=%2F', config.appUrl), 303);

  // 3. mapping → ticket → login URL, audited inside
  const result = await launchWebex(user, await getLaunchDeps(), randomUUID());
  if (result.ok) return redirect(result.location, 302);
  return redirect(new URL(`/launch/failed?code=${encodeURIComponent(result.code)}`, config.appUrl), 303);
}
