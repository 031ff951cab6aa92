import type { SessionPolicy } from './settings';

/** The times a session carries in its token, in seconds since the epoch (JWT style). */
export interface SessionTimes {
  /** when the user signed in at the identity provider: the absolute lifetime counts from here */
  signedInAt: number;
  /** the last request that carried the session: the idle timeout counts from here */
  lastSeenAt: number;
  /** when admin rights were last checked against the identity provider's current claims */
  adminCheckedAt: number;
}

/** Why a session is over. */
export type SessionEnd = 'expired' | 'idle' | 'revoked' | 'unreadable';

// A page rendered right after the proxy's re-check still counts the rights as fresh; past
// interval + grace without a re-check (the proxy did not run) they lapse: fail closed.
const ADMIN_GRACE_SECONDS = 30;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The session's times, or undefined for a token without them (issued before they existed, or forged). */
export function timesOf(token: Record<string, unknown>): SessionTimes | undefined {
  const { signedInAt, lastSeenAt, adminCheckedAt } = token;
  return isTime(signedInAt) && isTime(lastSeenAt) && isTime(adminCheckedAt) ? { signedInAt, lastSeenAt, adminCheckedAt } : undefined;
}

/** Whether the session is over at `now`: past its absolute lifetime, or idle too long. */
export function sessionEnd(times: SessionTimes | undefined, now: number, policy: SessionPolicy): SessionEnd | undefined {
  if (!times) return 'unreadable';
  if (now >= times.signedInAt + policy.maxAgeSeconds) return 'expired';
  if (now >= times.lastSeenAt + policy.idleSeconds) return 'idle';
  return undefined;
}

/** Seconds the session may still live; the cookie never outlives it. */
export function remainingSeconds(times: SessionTimes, now: number, policy: SessionPolicy): number {
  return times.signedInAt + policy.maxAgeSeconds - now;
}

export function adminRecheckDue(times: SessionTimes, now: number, policy: SessionPolicy): boolean {
  return now - times.adminCheckedAt >= policy.adminRecheckSeconds;
}

/** Admin rights count only while their last check against the identity provider is recent. */
export function adminCheckFresh(times: SessionTimes, now: number, policy: SessionPolicy): boolean {
  return now - times.adminCheckedAt < policy.adminRecheckSeconds + ADMIN_GRACE_SECONDS;
}

/** Activity is written back at most this often, so most requests re-encode nothing. */
export function touchDue(times: SessionTimes, now: number, policy: SessionPolicy): boolean {
  return now - times.lastSeenAt >= Math.min(60, Math.floor(policy.idleSeconds / 10));
}
