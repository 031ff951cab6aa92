import { randomUUID } from 'node:crypto';
import { alreadyLogonPage, launchedCookie, type LaunchResult, launchWebex, pageOf, parseLaunchTarget, parseRecoveryStep, PERSONAL_ROOM_VALUE, planLaunch, readRecentLaunch, readRecoveryState, readRelaunchTarget, RECOVERY_FIELD, recoveryCookie, relaunchTargetCookie, ROOM_FIELD } from '@/lib/launch';
import { getLaunchDeps, getLaunchLimiter, getPortalUser, returnUrl, trackLaunch } from '@/lib/server';
import { signInPath } from '@/lib/identity';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';
import { metrics } from '@/lib/metrics';
import { buildLogoutUrl } from '@/lib/webex';
import { crossOriginRefused, redirectTo } from '../_lib/responses';
import { deliverLogin } from '../_lib/login-delivery';
import { isSameOriginRequest } from '@/lib/http';

// Every answer here is per-user and one-time: never pre-rendered, never cached.
export const dynamic = 'force-dynamic';

// A GET (a typed URL, a link preview, a prefetch) only shows the page with the Join button.
export function GET(): Response {
  return redirectTo(new URL('/', getConfig().appUrl));
}

/**
 * The Join form's fields. Our forms post urlencoded, read here as text (undici's formData() cost
 * a twentieth of a launch's CPU for two fields); anything else goes through formData().
 */
async function readForm(request: Request): Promise<URLSearchParams | FormData | undefined> {
  if (request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(await request.text().catch(() => ''));
  return request.formData().catch(() => undefined);
}

export async function POST(request: Request): Promise<Response> {
  const config = getConfig();
  // 1. only our own pages may start a launch (or a step of the AlreadyLogon recovery)
  if (!isSameOriginRequest(request.headers, config.appUrl)) {
    return crossOriginRefused();
  }
  // 2. what to launch: a Join names its target (home, a meeting, the personal room); a recovery
  //    step relaunches the last Join's (lib/launch/already-logon.ts); a malformed meeting is refused with its reason
  const form = await readForm(request);
  const cookies = request.headers.get('cookie');
  const step = parseRecoveryStep(form?.get(RECOVERY_FIELD));
  const target = step ? readRelaunchTarget(cookies) : parseLaunchTarget(form?.get('meeting'), form?.get('role'), form?.get(ROOM_FIELD));
  if (!target) return redirectTo(new URL('/launch/failed?code=MEETING_NUMBER_INVALID', config.appUrl));

  // 3. a portal session, or sign in first and come back to the page of the Join button
  const user = await getPortalUser();
  if (!user) return redirectTo(new URL(signInPath(pageOf(target)), config.appUrl));

  // 4. a step of the AlreadyLogon recovery (its sign-out only in the browser that just launched), or a Join
  const plan = planLaunch(step, readRecoveryState(cookies), await readRecentLaunch(cookies, config.authSecret));
  if (plan.action === 'explain') return redirectTo(alreadyLogonPage(returnUrl(config)));
  const setCookies = [
    ...(plan.cookie === undefined ? [] : [recoveryCookie(plan.cookie, config.appUrl)]),
    ...(step ? [] : [relaunchTargetCookie(target, cookies, config.appUrl)].filter((c) => c !== undefined)),
  ];
  if (plan.action === 'sign-out') {
    return redirectTo(buildLogoutUrl({ baseUrl: config.webex.baseUrl, siteName: config.webex.siteName, backUrl: returnUrl(config) }), 303, setCookies);
  }

  // the audit row's request id, so support (and the soak) can find what happened to this click
  const requestId = randomUUID();
  const extra = { 'X-Request-Id': requestId };
  let result: LaunchResult;
  try {
    // 5. at most LAUNCH_RATE_LIMIT launches per user and window, counted across instances
    const rate = await (await getLaunchLimiter()).consume(user.email);
    if (!rate.allowed) {
      const retry = String(rate.retryAfterSeconds);
      return redirectTo(new URL(`/launch/failed?code=RATE_LIMITED&retry=${retry}`, config.appUrl), 303, setCookies, { 'Retry-After': retry });
    }
    // 6. mapping → ticket → login URL (XML), or → the Service App's start/join link (REST), audited
    //    inside; a login URL is delivered by 302 or POST form as configured, a REST link by 302 (it is a link)
    result = await trackLaunch(async () => launchWebex(user, await getLaunchDeps(), requestId, target));
  } catch (err) {
    // the portal's own store failed (database down, or locked past busy_timeout by a long import):
    // no URL leaves without its audit row, and the employee gets a page that says so, not a bare 500
    log.error({ requestId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'launch failed inside the portal');
    metrics().launches.inc({ outcome: 'PORTAL_UNAVAILABLE' });
    return redirectTo(new URL('/launch/failed?code=PORTAL_UNAVAILABLE', config.appUrl), 303, setCookies, extra);
  }
  if (result.ok && result.via === 'rest') return redirectTo(result.location, 302, setCookies, extra);
  // off to p.php, from where WebEx may answer AlreadyLogon: the mark that lets the recovery act in this browser
  if (result.ok) return deliverLogin(result.location, config.webex.loginDelivery, [...setCookies, await launchedCookie(Date.now(), config)], extra);
  const failed = new URL('/launch/failed', config.appUrl);
  failed.searchParams.set('code', result.code);
  if (target.kind === 'meeting') {
    failed.searchParams.set('meeting', target.number);
    failed.searchParams.set('role', target.role);
  }
  if (target.kind === 'personal-room') failed.searchParams.set(ROOM_FIELD, PERSONAL_ROOM_VALUE);
  if (result.retryAfterSeconds !== undefined) {
    failed.searchParams.set('retry', String(result.retryAfterSeconds));
    return redirectTo(failed, 303, setCookies, { ...extra, 'Retry-After': String(result.retryAfterSeconds) });
  }
  return redirectTo(failed, 303, setCookies, extra);
}
