import { randomUUID } from 'node:crypto';
import { planLaunch, parseRecoveryStep, readRecoveryState, recoveryCookie, RECOVERY_FIELD } from '@/lib/already-logon';
import { getLaunchDeps, getLaunchLimiter, returnUrl } from '@/lib/app-context';
import { getPortalUser, isSameOriginRequest } from '@/lib/auth';
import { getConfig } from '@/lib/config';
import { launchWebex } from '@/lib/launch';
import { trackLaunch } from '@/lib/shutdown';
import { buildLogoutUrl } from '@/lib/webex';
import { crossOriginRefused, redirectTo } from '../responses';

// Every answer here is per-user and one-time: never pre-rendered, never cached.
export const dynamic = 'force-dynamic';

// A GET (a typed URL, a link preview, a prefetch) only shows the page with the Join button.
export function GET(): Response {
  return redirectTo(new URL('/', getConfig().appUrl));
}

export async function POST(request: Request): Promise<Response> {
  const config = getConfig();
  // 1. only our own pages may start a launch (or a step of the AlreadyLogon recovery)
  if (!isSameOriginRequest(request.headers, config.appUrl)) {
    return crossOriginRefused();
  }
  // 2. a portal session, or sign in first and come back to the Join button
  const user = await getPortalUser();
  if (!user) return redirectTo(new URL('/api/auth/signin?callbackUrl=%2F', config.appUrl));

  // 3. a step of the AlreadyLogon recovery, or a Join (lib/already-logon.ts)
  const form = await request.formData().catch(() => undefined);
  const plan = planLaunch(parseRecoveryStep(form?.get(RECOVERY_FIELD)), readRecoveryState(request.headers.get('cookie')));
  const cookie: Record<string, string> = plan.cookie === undefined ? {} : { 'Set-Cookie': recoveryCookie(plan.cookie, config.appUrl) };
  if (plan.action === 'sign-out') {
    return redirectTo(buildLogoutUrl({ baseUrl: config.webex.baseUrl, siteName: config.webex.siteName, backUrl: returnUrl(config) }), 303, cookie);
  }

  // 4. at most LAUNCH_RATE_LIMIT launches per user and window, counted across instances
  const rate = await (await getLaunchLimiter()).consume(user.email);
  if (!rate.allowed) {
    const retry = String(rate.retryAfterSeconds);
    return redirectTo(new URL(`/launch/failed?code=RATE_LIMITED&retry=${retry}`, config.appUrl), 303, { ...cookie, 'Retry-After': retry });
  }

  // 5. mapping → ticket → login URL, audited inside
  const requestId = randomUUID();
  const result = await trackLaunch(async () => launchWebex(user, await getLaunchDeps(), requestId));
  // the audit row's request id, so support (and the soak) can find what happened to this click
  const headers = { ...cookie, 'X-Request-Id': requestId };
  if (result.ok) return redirectTo(result.location, 302, headers);
  return redirectTo(new URL(`/launch/failed?code=${encodeURIComponent(result.code)}`, config.appUrl), 303, headers);
}
