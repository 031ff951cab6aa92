/**
 * Recovery from `RS=AlreadyLogon` (docs/webex.md §10): sign the browser out of WebEx (`AT=LO`), then
 * launch once more. The ticket of the refused login was not used and stays WebEx's current ticket
 * for that host (docs/webex.md §4.3), so the fresh launch gets it again and WebEx consumes it: the p.php URL left
 * in the browser's history stops working. A short-lived cookie is the loop guard: one automatic
 * sign-out and one relaunch per recovery, never a second bounce. The return page is anybody's
 * link, so the recovery starts only in a browser that carries the mark of its own launch, made
 * moments ago (LAUNCHED_COOKIE).
 */

import { clearCookie, readCookie, serializeCookie } from '../http';
import { sealShortLived, unsealShortLived } from '../secrets';
import { HOME, type LaunchTarget, parseLaunchTarget } from './target';

export const RECOVERY_COOKIE = 'webex-sso.recovery';

/**
 * The target of the last Join, for the relaunch: the recovery's automatic steps are started by a
 * page anyone can link to, so they never take a target from the page, only from this cookie,
 * which only a same-origin Join sets.
 */
export const TARGET_COOKIE = 'webex-sso.target';

/**
 * The mark of a launch to p.php, set on the launch's own answer only: sealed with the portal's
 * secret (no other site, nor a sibling subdomain, can make one), HttpOnly, and holding the launch
 * time, so an AlreadyLogon long after this browser's last Join starts nothing.
 */
export const LAUNCHED_COOKIE = 'webex-sso.launched';
// Join → p.php → WebEx's AlreadyLogon → BU → the automatic sign-out takes seconds, a minute on a
// slow WebEx; a link followed later finds the mark expired.
const LAUNCHED_SECONDS = 120;

/** Where a recovery stands: WebEx is being signed out, or the one relaunch has been made. */
export type RecoveryState = 'signing-out' | 'relaunched';

/** The form field the return page posts to /launch for each automatic step. */
export const RECOVERY_FIELD = 'recovery';
export type RecoveryStep = 'sign-out' | 'relaunch';

// Long enough for LO → BU → relaunch → LI → BU on a slow WebEx, short enough that a later,
// unrelated AlreadyLogon gets its own automatic recovery.
const RECOVERY_SECONDS = 120;

export function parseRecoveryState(value: string | undefined): RecoveryState | undefined {
  return value === 'signing-out' || value === 'relaunched' ? value : undefined;
}

export function parseRecoveryStep(value: unknown): RecoveryStep | undefined {
  return value === 'sign-out' || value === 'relaunch' ? value : undefined;
}

function setCookie(name: string, value: string | null, appUrl: URL, maxAgeSeconds = RECOVERY_SECONDS): string {
  return value ? serializeCookie(name, value, appUrl, { maxAgeSeconds }) : clearCookie(name, appUrl);
}

/** Set-Cookie marking this browser as the one that launched at `launchedAt` (ms since the epoch). */
export async function launchedCookie(launchedAt: number, config: { appUrl: URL; authSecret: string }): Promise<string> {
  const seal = await sealShortLived({ launchedAt }, config.authSecret, LAUNCHED_SECONDS);
  return setCookie(LAUNCHED_COOKIE, seal, config.appUrl, LAUNCHED_SECONDS);
}

/** True when `value` is a mark the portal sealed for a launch less than LAUNCHED_SECONDS before `now`. */
export async function isRecentLaunch(value: string | undefined, secret: string, now = Date.now()): Promise<boolean> {
  if (!value) return false;
  const launchedAt = (await unsealShortLived(value, secret, LAUNCHED_SECONDS))?.launchedAt;
  return typeof launchedAt === 'number' && now - launchedAt < LAUNCHED_SECONDS * 1000;
}

/** The same, from a Cookie header. */
export async function readRecentLaunch(cookieHeader: string | null, secret: string, now = Date.now()): Promise<boolean> {
  return isRecentLaunch(readCookie(cookieHeader, LAUNCHED_COOKIE), secret, now);
}

/** The recovery state from a Cookie header. */
export function readRecoveryState(cookieHeader: string | null): RecoveryState | undefined {
  return parseRecoveryState(readCookie(cookieHeader, RECOVERY_COOKIE));
}

/** Set-Cookie for a state, or to clear it (null). */
export function recoveryCookie(state: RecoveryState | null, appUrl: URL): string {
  return setCookie(RECOVERY_COOKIE, state, appUrl);
}

/** The target a relaunch relaunches: the last Join's, else the site's home. */
export function readRelaunchTarget(cookieHeader: string | null): LaunchTarget {
  const [role, number, site] = (readCookie(cookieHeader, TARGET_COOKIE) ?? '').split('.');
  const named = site || undefined;
  return (number ? parseLaunchTarget(number, role, undefined, named) : named && parseLaunchTarget(undefined, undefined, undefined, named)) || HOME;
}

/**
 * Set-Cookie remembering a Join's target for a possible recovery (as long as the recovery's own
 * cookie lives); undefined when there is nothing to set or clear.
 */
export function relaunchTargetCookie(target: LaunchTarget, cookieHeader: string | null, appUrl: URL): string | undefined {
  // role.number, and the site when the Join named one: `join.123456789.acme-eu`, `..acme-eu` for a site's home
  if (target.kind === 'meeting') return setCookie(TARGET_COOKIE, [target.role, target.number, ...(target.site ? [target.site] : [])].join('.'), appUrl);
  if (target.kind === 'home' && target.site) return setCookie(TARGET_COOKIE, `..${target.site}`, appUrl);
  return readCookie(cookieHeader, TARGET_COOKIE) === undefined ? undefined : setCookie(TARGET_COOKIE, null, appUrl);
}

/** What POST /launch does: sign out of WebEx, launch, or show the AlreadyLogon explanation; and
 * what becomes of the recovery cookie (a state to set, `null` to clear it, undefined to leave it). */
export interface LaunchPlan {
  action: 'sign-out' | 'launch' | 'explain';
  cookie?: RecoveryState | null;
}

/**
 * - `sign-out`: go to WebEx's AT=LO, only in the browser that just launched (`launchedHere`;
 *   elsewhere the explanation, whose sign-out button is the employee's own choice); a recovery
 *   starts only when none is under way (the guard).
 * - `relaunch` after our sign-out: launch, and record that the one relaunch has been made.
 * - a plain Join: launch; an employee's own click ends any recovery, so a later AlreadyLogon
 *   gets its automatic recovery again.
 */
export function planLaunch(step: RecoveryStep | undefined, state: RecoveryState | undefined, launchedHere: boolean): LaunchPlan {
  if (step === 'sign-out' && !launchedHere) return { action: 'explain' };
  if (step === 'sign-out') return state ? { action: 'sign-out' } : { action: 'sign-out', cookie: 'signing-out' };
  if (step === 'relaunch') return state === 'signing-out' ? { action: 'launch', cookie: 'relaunched' } : { action: 'launch' };
  return state ? { action: 'launch', cookie: null } : { action: 'launch' };
}

/**
 * What the return page does on BU: continue the recovery automatically, or leave it to the
 * employee. AlreadyLogon starts one only in the browser that just launched (`launchedHere`);
 * back from our sign-out, the state it set is the proof.
 */
export function nextRecoveryStep(page: 'already-logged-on' | 'signed-out', state: RecoveryState | undefined, launchedHere: boolean): RecoveryStep | undefined {
  if (page === 'already-logged-on') return state || !launchedHere ? undefined : 'sign-out';
  return state === 'signing-out' ? 'relaunch' : undefined;
}

/** The return page as WebEx sends it for AlreadyLogon: the explanation, with the employee's own sign-out button. */
export function alreadyLogonPage(returnUrl: string): string {
  const url = new URL(returnUrl);
  url.search = new URLSearchParams({ AT: 'LI', ST: 'FAIL', RS: 'AlreadyLogon' }).toString();
  return url.href;
}
