/**
 * Recovery from `RS=AlreadyLogon` (reference §8.5): sign the browser out of WebEx (`AT=LO`), then
 * launch once more. The ticket of the refused login was not used and stays WebEx's current ticket
 * for that host (§4.1), so the fresh launch gets it again and WebEx consumes it: the p.php URL left
 * in the browser's history stops working. A short-lived cookie is the loop guard: one automatic
 * sign-out and one relaunch per recovery, never a second bounce.
 */

export const RECOVERY_COOKIE = 'webex-sso.recovery';

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

/** The recovery state from a Cookie header. */
export function readRecoveryState(cookieHeader: string | null): RecoveryState | undefined {
  for (const pair of cookieHeader?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === RECOVERY_COOKIE) return parseRecoveryState(pair.slice(separator + 1).trim());
  }
  return undefined;
}

/** Set-Cookie for a state, or to clear it (null). */
export function recoveryCookie(state: RecoveryState | null, appUrl: URL): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(appUrl.protocol === 'https:' ? ['Secure'] : [])];
  return [`${RECOVERY_COOKIE}=${state ?? ''}`, `Max-Age=${state ? RECOVERY_SECONDS : 0}`, ...attributes].join('; ');
}

/** What POST /launch does: sign out of WebEx or launch, and what becomes of the recovery cookie
 * (a state to set, `null` to clear it, undefined to leave it). */
export interface LaunchPlan {
  action: 'sign-out' | 'launch';
  cookie?: RecoveryState | null;
}

/**
 * - `sign-out`: go to WebEx's AT=LO; a recovery starts only when none is under way (the guard).
 * - `relaunch` after our sign-out: launch, and record that the one relaunch has been made.
 * - a plain Join: launch; an employee's own click ends any recovery, so a later AlreadyLogon
 *   gets its automatic recovery again.
 */
export function planLaunch(step: RecoveryStep | undefined, state: RecoveryState | undefined): LaunchPlan {
  if (step === 'sign-out') return state ? { action: 'sign-out' } : { action: 'sign-out', cookie: 'signing-out' };
  if (step === 'relaunch') return state === 'signing-out' ? { action: 'launch', cookie: 'relaunched' } : { action: 'launch' };
  return state ? { action: 'launch', cookie: null } : { action: 'launch' };
}

/** What the return page does on BU: continue the recovery automatically, or leave it to the employee. */
export function nextRecoveryStep(page: 'already-logged-on' | 'signed-out', state: RecoveryState | undefined): RecoveryStep | undefined {
  if (page === 'already-logged-on') return state ? undefined : 'sign-out';
  return state === 'signing-out' ? 'relaunch' : undefined;
}
