import { randomUUID } from 'node:crypto';
import { planLaunch, parseRecoveryStep, readRecoveryState, recoveryCookie, RECOVERY_FIELD } from '@/lib/already-logon';
import { getLaunchDeps, returnUrl } from '@/lib/app-context';
import { getPortalUser, isSameOriginRequest } from '@/lib/auth';
import { getConfig } from '@/lib/config';
import { launchWebex } from '@/lib/launch';
import { buildLogoutUrl } from '@/lib/webex';

// Every answer here is per-user and one-time: never pre-rendered, never cached.
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

function redirect(location: string | URL, status: 302 | 303, setCookie?: string): Response {
  const headers = new Headers({ ...NO_STORE, Location: String(location) });
  if (setCookie) headers.set('Set-Cookie', setCookie);
  return new Response(null, { status, headers });
}

// A GET (a typed URL, a link preview, a prefetch) only shows the page with the Join button.
export function GET(): Response {
  return redirect(new URL('/', getConfig().appUrl), 303);
}

export async function POST(request: Request): Promise<Response> {
  const config = getConfig();
  // 1. only our own pages may start a launch (or a step of the AlreadyLogon recovery)
  if (!isSameOriginRequest(request.headers, config.appUrl)) {
    return new Response('Cross-origin request refused.', { status: 403, headers: NO_STORE });
  }
  // 2. a portal session, or sign in first and come back to the Join button
  const user = await getPortalUser();
  if (!user) return redirect(new URL('/api/auth/signin?callbackUrl=%2F', config.appUrl), 303);

  // 3. a step of the AlreadyLogon recovery, or a Join (lib/already-logon.ts)
  const form = await request.formData().catch(() => undefined);
  const plan = planLaunch(parseRecoveryStep(form?.get(RECOVERY_FIELD)), readRecoveryState(request.headers.get('cookie')));
  const cookie = plan.cookie === undefined ? undefined : recoveryCookie(plan.cookie, config.appUrl);
  if (plan.action === 'sign-out') {
    return redirect(buildLogoutUrl({ baseUrl: config.webex.baseUrl, siteName: config.webex.siteName, backUrl: returnUrl(config) }), 303, cookie);
  }

  // 4. mapping → ticket → login URL, audited inside
  const result = await launchWebex(user, await getLaunchDeps(), randomUUID());
  if (result.ok) return redirect(result.location, 302, cookie);
  return redirect(new URL(`/launch/failed?code=${encodeURIComponent(result.code)}`, config.appUrl), 303, cookie);
}
