/**
 * Portal sessions between requests: the proxy runs `renewSession` on every request that carries
 * a session. It ends a session past SESSION_MAX_AGE, idle for SESSION_IDLE_MINUTES or ended on the
 * server (signed out: ./revocations.ts), records activity, and re-checks the user's claims (admin
 * group) at the identity provider every ADMIN_RECHECK_MINUTES and on every admin write. Page
 * reads (getPortalUser) cannot write cookies, so this is where a changed session is written back.
 */
import type { JWT } from 'next-auth/jwt';
import { claimOf, identityFromClaims } from './claims';
import { normalizeEmail } from './email';
import { log } from '../log';
import { refreshClaims, type RefreshOutcome } from './idp-refresh';
import { adminRecheckDue, remainingSeconds, sessionEnd, timesOf, touchDue, type SessionEnd } from './session-policy';
import { revocableSession, type SessionRevocations } from './session-revocations';
import type { IdentitySettings } from './settings';

export type Renewal =
  | { kind: 'ended'; reason: SessionEnd }
  /**
   * The session goes on; `token` is set when it changed, to be written back for `maxAgeSeconds`.
   * `material`: the change is more than bookkeeping (claims, admin verification, a rotated refresh
   * token) and must reach the browser even where writing a cookie has a cost.
   */
  | { kind: 'active'; token?: JWT; material?: boolean; maxAgeSeconds: number }
  /** the database could not say whether the portal ended it: not honoured for this request, kept in the browser for the next */
  | { kind: 'unverified' };

export interface RenewOptions {
  now: number;
  /** an admin write: re-check now, whatever the interval says */
  forceAdminRecheck: boolean;
  refresh?: (refreshToken: string, subject: string, fresh: boolean) => Promise<RefreshOutcome>;
  revocations: Pick<SessionRevocations, 'isRevoked'>;
}

/** The session's fate for this request; `token` is what the cookie holds (decoded). */
export async function renewSession(token: JWT, config: IdentitySettings, options: RenewOptions): Promise<Renewal> {
  const { now } = options;
  const times = timesOf(token);
  const end = sessionEnd(times, now, config.session);
  if (end || !times) return { kind: 'ended', reason: end ?? 'unreadable' };
  // A token without a session id was issued before sign-out ended sessions on the server: nothing
  // can end its copies, so it ends now, like a token without times (its employee signs in once
  // more, mostly a redirect through the identity provider's open session), rather than keep up to
  // SESSION_MAX_AGE of the hole it would leave.
  const revocable = revocableSession(token);
  if (!revocable) return { kind: 'ended', reason: 'unreadable' };
  try {
    if (await options.revocations.isRevoked(revocable)) return { kind: 'ended', reason: 'revoked' };
  } catch (err) {
    log.error(
      { code: 'SESSION_CHECK_FAILED', err: err instanceof Error ? err.message : String(err) },
      'could not check whether the session was ended on the server; not honoured for this request',
    );
    return { kind: 'unverified' };
  }
  const maxAgeSeconds = remainingSeconds(times, now, config.session);

  let next: JWT | undefined;
  if (options.forceAdminRecheck || adminRecheckDue(times, now, config.session)) {
    const checked = await recheckClaims(token, config, options);
    if (checked === 'revoked') return { kind: 'ended', reason: 'revoked' };
    next = checked;
  }
  if (next || touchDue(times, now, config.session)) {
    const material = next !== undefined && MATERIAL_FIELDS.some((field) => JSON.stringify(next[field]) !== JSON.stringify(token[field]));
    return { kind: 'active', token: { ...(next ?? token), lastSeenAt: now }, material, maxAgeSeconds };
  }
  return { kind: 'active', maxAgeSeconds };
}

const MATERIAL_FIELDS = ['groups', 'mappingClaim', 'adminVerified', 'refreshToken'] as const;

async function recheckClaims(token: JWT, config: IdentitySettings, options: RenewOptions): Promise<JWT | 'revoked'> {
  const checked = { ...token, adminCheckedAt: options.now };
  // No refresh token (the provider issues none): the rights lapse, and the admin pages send the
  // user through sign-in again, which brings current claims (re-authentication instead of refresh).
  if (typeof token.refreshToken !== 'string' || typeof token.sub !== 'string') return { ...checked, adminVerified: false };

  const refresh = options.refresh ?? ((rt, sub, fresh) => refreshClaims(config.oidc, rt, sub, { fresh }));
  const outcome = await refresh(token.refreshToken, token.sub, options.forceAdminRecheck);
  if (outcome.kind === 'revoked') return 'revoked';
  if (outcome.kind === 'unavailable') {
    log.warn({ detail: outcome.detail }, 'admin re-check at the identity provider failed; admin rights suspended until the next check');
    return { ...checked, adminVerified: false };
  }
  // the e-mail is the portal identity: another one now (or no longer verified) is another person
  const email = claimOf(outcome.claims, config.oidc.emailClaim);
  if (typeof email === 'string' && normalizeEmail(email) !== token.email) return 'revoked';
  if (!config.oidc.trustUnverifiedEmail && claimOf(outcome.claims, 'email_verified') === false) return 'revoked';
  const { groups, mappingClaim } = identityFromClaims(outcome.claims, config);
  return { ...checked, groups, mappingClaim, adminVerified: true, refreshToken: outcome.refreshToken };
}
