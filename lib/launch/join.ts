/**
 * POST /launch as one use case: a Join (or a step of the AlreadyLogon recovery) in, one answer
 * out. Everything the request decides is decided here, in order; the route only reads the form,
 * calls `answerJoin` and turns the LaunchAnswer into a Response (app/_lib/launch-response.ts), as
 * next-auth's actions return one internal response that its toResponse serializes once.
 */
import { randomUUID } from 'node:crypto';
import { isSameOriginRequest } from '../http';
import { signInPath, type PortalUser } from '../identity';
import { log } from '../log';
import { metrics } from '../metrics';
import { buildLogoutUrl, loginFormOf, type LoginForm } from '../webex';
import {
  alreadyLogonPage,
  launchedCookie,
  parseRecoveryStep,
  planLaunch,
  readRecentLaunch,
  readRecoveryState,
  readRelaunchTarget,
  RECOVERY_FIELD,
  recoveryCookie,
  relaunchTargetCookie,
} from './already-logon';
import type { LaunchFailureCode } from './codes';
import { launchedSitesCookie } from './launched-sites';
import type { Launcher, LaunchResult } from './launch';
import type { RateDecision } from './rate-limit';
import { pageOf, parseLaunchTarget, PERSONAL_ROOM_VALUE, ROOM_FIELD, SITE_FIELD, type LaunchTarget, type LoginDelivery } from './target';

/** The request as the route hands it over: its headers, and its form, read only once the request is our own page's. */
export interface JoinRequest {
  headers: Headers;
  readForm(): Promise<{ get(name: string): unknown } | undefined>;
}

/** The answer's common part: cookies to set and headers to add (every answer is no-store, no referrer). */
interface Answered {
  cookies: readonly string[];
  headers: Readonly<Record<string, string>>;
}

export type LaunchAnswer =
  /** not from the portal's own pages: 403, before anything is read */
  | { kind: 'refused' }
  /** 302 to WebEx (the login URL, a REST link), 303 to a portal page (sign-in, WebEx's AT=LO) */
  | (Answered & { kind: 'redirect'; location: string; status: 302 | 303 })
  /** the login delivered by POST (WEBEX_LOGIN_DELIVERY=post): the AT=LI form, submitted at once */
  | (Answered & { kind: 'form'; form: LoginForm })
  /** the failure page that explains `code` (a 303 to it) */
  | (Answered & { kind: 'failed'; code: LaunchFailureCode; page: string });

/** What the Join reads of the configuration. */
export interface JoinSettings {
  appUrl: URL;
  authSecret: string;
  loginDelivery: LoginDelivery;
  /** the site signed out of in the AlreadyLogon recovery */
  site: { baseUrl: string; siteName: string };
  /** BU: this portal's /webex/return */
  returnUrl: string;
  /** how long the list of sites this browser was launched into is kept: a portal session's longest life (SESSION_MAX_AGE) */
  sessionMaxAgeSeconds: number;
}

export interface JoinDeps {
  settings: JoinSettings;
  /** the signed-in portal user of this request, or undefined */
  portalUser(): Promise<PortalUser | undefined>;
  /** counts one launch for the user (LAUNCH_RATE_LIMIT, across instances) */
  consumeLaunch(email: string): Promise<RateDecision>;
  /** the journey: mapping → credential → ticket or link, audited (launchWebex with the process's deps) */
  launch(user: Launcher, target: LaunchTarget, requestId: string): Promise<LaunchResult>;
}

/** The failure page for a code, naming the target the employee can try again. */
function failurePage(code: LaunchFailureCode, appUrl: URL, target?: LaunchTarget, retryAfterSeconds?: number): string {
  const page = new URL('/launch/failed', appUrl);
  page.searchParams.set('code', code);
  if (target?.kind === 'meeting') {
    page.searchParams.set('meeting', target.number);
    page.searchParams.set('role', target.role);
  }
  if (target?.kind === 'personal-room') page.searchParams.set(ROOM_FIELD, PERSONAL_ROOM_VALUE);
  if (target?.site) page.searchParams.set(SITE_FIELD, target.site);
  if (retryAfterSeconds !== undefined) page.searchParams.set('retry', String(retryAfterSeconds));
  return page.href;
}

function failed(code: LaunchFailureCode, appUrl: URL, answered: Answered, target?: LaunchTarget, retryAfterSeconds?: number): LaunchAnswer {
  const headers = retryAfterSeconds === undefined ? answered.headers : { ...answered.headers, 'Retry-After': String(retryAfterSeconds) };
  return { kind: 'failed', code, page: failurePage(code, appUrl, target, retryAfterSeconds), cookies: answered.cookies, headers };
}

/** The one answer to POST /launch. */
export async function answerJoin(request: JoinRequest, deps: JoinDeps): Promise<LaunchAnswer> {
  const { settings } = deps;
  const none: Answered = { cookies: [], headers: {} };
  // 1. only our own pages may start a launch (or a step of the AlreadyLogon recovery)
  if (!isSameOriginRequest(request.headers, settings.appUrl)) return { kind: 'refused' };

  // 2. what to launch: a Join names its target (home, a meeting, the personal room); a recovery
  //    step relaunches the last Join's (./already-logon.ts); a malformed meeting is refused with its reason
  const form = await request.readForm();
  const cookieHeader = request.headers.get('cookie');
  const step = parseRecoveryStep(form?.get(RECOVERY_FIELD));
  const target = step
    ? readRelaunchTarget(cookieHeader)
    : parseLaunchTarget(form?.get('meeting'), form?.get('role'), form?.get(ROOM_FIELD), form?.get(SITE_FIELD));
  if (!target) return failed('MEETING_NUMBER_INVALID', settings.appUrl, none);

  // 3. a portal session, or sign in first and come back to the page of the Join button
  const user = await deps.portalUser();
  if (!user) return { kind: 'redirect', location: new URL(signInPath(pageOf(target)), settings.appUrl).href, status: 303, ...none };

  // 4. a step of the AlreadyLogon recovery (its sign-out only in the browser that just launched), or a Join
  const plan = planLaunch(step, readRecoveryState(cookieHeader), await readRecentLaunch(cookieHeader, settings.authSecret));
  if (plan.action === 'explain') return { kind: 'redirect', location: alreadyLogonPage(settings.returnUrl), status: 303, ...none };
  const cookies = [
    ...(plan.cookie === undefined ? [] : [recoveryCookie(plan.cookie, settings.appUrl)]),
    ...(step ? [] : [relaunchTargetCookie(target, cookieHeader, settings.appUrl)].filter((c) => c !== undefined)),
  ];
  if (plan.action === 'sign-out') {
    return { kind: 'redirect', location: buildLogoutUrl({ ...settings.site, backUrl: settings.returnUrl }), status: 303, cookies, headers: {} };
  }

  // the audit row's request id, so support (and the soak) can find what happened to this click
  const requestId = randomUUID();
  const answered: Answered = { cookies, headers: { 'X-Request-Id': requestId } };
  let result: LaunchResult;
  try {
    // 5. at most LAUNCH_RATE_LIMIT launches per user and window, counted across instances
    const rate = await deps.consumeLaunch(user.email);
    if (!rate.allowed) return failed('RATE_LIMITED', settings.appUrl, { cookies, headers: {} }, undefined, rate.retryAfterSeconds);
    // 6. mapping → ticket → login URL (XML), or → the Service App's start/join link (REST), audited inside
    result = await deps.launch(user, target, requestId);
  } catch (err) {
    // the portal's own store failed (database down, or locked past busy_timeout by a long import):
    // no URL leaves without its audit row, and the employee gets a page that says so, not a bare 500
    log.error({ requestId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'launch failed inside the portal');
    metrics().launches.inc({ outcome: 'PORTAL_UNAVAILABLE' });
    return failed('PORTAL_UNAVAILABLE', settings.appUrl, answered);
  }
  if (!result.ok) return failed(result.code, settings.appUrl, answered, target, result.retryAfterSeconds);
  // 7. a REST link is a link (302); a login URL goes by 302 or POST form as configured, with the
  //    mark that lets the AlreadyLogon recovery act in this browser (WebEx may answer AlreadyLogon)
  if (result.via === 'rest') return { kind: 'redirect', location: result.location, status: 302, ...answered };
  const listed = result.site === undefined ? undefined : launchedSitesCookie(result.site, cookieHeader, settings.appUrl, settings.sessionMaxAgeSeconds);
  const marked: Answered = { ...answered, cookies: [...cookies, await launchedCookie(Date.now(), settings), ...(listed ? [listed] : [])] };
  if (settings.loginDelivery === 'post') return { kind: 'form', form: loginFormOf(result.location), ...marked };
  return { kind: 'redirect', location: result.location, status: 302, ...marked };
}
