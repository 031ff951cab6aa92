import type { Kysely } from 'kysely';
import { recordAudit } from './audit';
import { HostCredentialError, type CredentialUse, type HostCredentialCode, type HostCredentials, type HostIdentity } from './credentials';
import type { Database } from './db/schema';
import { log } from './log';
import { metrics } from './metrics';
import { resolveWebexAccount, type ResolvedAccount } from './mappings/resolve';
import type { MappingRule, RuleInput } from './mappings/rules';
import {
  WebexError,
  buildLoginUrl,
  buildMeetingUrl,
  parseMeetingNumber,
  parseMeetingRole,
  type MeetingNumber,
  type MeetingRole,
  type SecurityContext,
  type WebexClient,
  type WebexErrorCode,
} from './webex';

/** Why a launch did not produce a login URL; each has an employee-facing page. */
export type LaunchFailureCode = 'MAPPING_MISSING' | HostCredentialCode | WebexErrorCode;

/**
 * Where a launch takes the employee once WebEx signed them in: the site's home (MU =
 * WEBEX_LANDING_URL), or a meeting to join or start as its host (MU = the site's m.php). A small
 * value on purpose: it travels from the route through the use case into the audit, and another
 * delivery (Webex REST `meetings/join`) can serve the meeting targets from the same value.
 */
export type LaunchTarget = { kind: 'home' } | { kind: 'meeting'; number: MeetingNumber; role: MeetingRole };

export const HOME: LaunchTarget = { kind: 'home' };

/**
 * The target a Join form names: no `meeting` field → the site's home; a meeting number with a role
 * → that meeting; anything else → undefined, refused (outside input never picks another target).
 */
export function parseLaunchTarget(meeting: unknown, role: unknown): LaunchTarget | undefined {
  if (meeting === null || meeting === undefined) return role === null || role === undefined ? HOME : undefined;
  const number = parseMeetingNumber(meeting);
  const parsedRole = parseMeetingRole(role);
  return number && parsedRole ? { kind: 'meeting', number, role: parsedRole } : undefined;
}

/** The portal page a target is launched from: where a sign-in comes back to. */
export function pageOf(target: LaunchTarget): string {
  return target.kind === 'home' ? '/' : `/meet/${target.number}`;
}

export type LaunchResult =
  | { ok: true; location: string; webexId: string }
  | { ok: false; code: LaunchFailureCode; webexId?: string };

export interface LaunchDeps {
  db: Kysely<Database>;
  webex: WebexClient;
  /** how the portal acts as a host in the configured credential mode */
  credentials: HostCredentials;
  site: { siteName: string; baseUrl: string; landingUrl: string };
  rule: MappingRule;
  /** BU: this app's /webex/return */
  backUrl: string;
}

export type HostCallOutcome<T> =
  | { ok: true; value: T; credential: CredentialUse }
  | { ok: false; code: Exclude<LaunchFailureCode, 'MAPPING_MISSING'>; exceptionID?: string; reason?: string; httpStatus?: number };

/** The host behind a resolved account, as the credential seam needs it. */
export function hostOf(email: string, account: ResolvedAccount): HostIdentity {
  return { email, webexId: account.webexId, sealedCredential: account.sealedCredential };
}

/**
 * Makes one XML API call as the host, with the credential the configured mode provides, turning
 * every expected failure into a code. Shared by launch, the admin's mapping test and the connection check.
 */
export async function callAsHost<T>(host: HostIdentity, deps: Pick<LaunchDeps, 'credentials'>, call: (context: SecurityContext) => Promise<T>): Promise<HostCallOutcome<T>> {
  try {
    const { value, credential } = await deps.credentials.asHost(host, call);
    return { ok: true, value, credential };
  } catch (err) {
    if (err instanceof HostCredentialError) return { ok: false, code: err.code, exceptionID: err.exceptionID };
    if (err instanceof WebexError) return { ok: false, code: err.code, exceptionID: err.exceptionID, reason: err.reason, httpStatus: err.httpStatus };
    throw err;
  }
}

interface Attempt {
  result: LaunchResult;
  detail?: Record<string, unknown>;
}

/**
 * MU for a target: always a page of the configured site, built by URLSearchParams. A meeting's
 * own BU names the meeting, so the return page can offer the way back to its page.
 */
export function landingUrlFor(target: LaunchTarget, deps: Pick<LaunchDeps, 'site' | 'backUrl'>): string {
  if (target.kind === 'home') return deps.site.landingUrl;
  const backUrl = new URL(deps.backUrl);
  backUrl.searchParams.set('meeting', target.number);
  return buildMeetingUrl({ baseUrl: deps.site.baseUrl, siteName: deps.site.siteName, meetingNumber: target.number, role: target.role, backUrl: backUrl.href });
}

/** What the audit and the log keep of a target (a meeting number is no secret: invites carry it). */
function describeTarget(target: LaunchTarget): Record<string, string> {
  return target.kind === 'home' ? {} : { meeting: target.number, role: target.role };
}

async function attempt(user: RuleInput, deps: LaunchDeps, target: LaunchTarget): Promise<Attempt> {
  const account = await resolveWebexAccount(deps.db, user, deps.rule);
  if (!account) return { result: { ok: false, code: 'MAPPING_MISSING' } };
  const { webexId, source } = account;
  const outcome = await callAsHost(hostOf(user.email, account), deps, (context) => deps.webex.getLoginTicket(context));
  if (!outcome.ok) {
    return { result: { ok: false, code: outcome.code, webexId }, detail: { source, exceptionID: outcome.exceptionID, httpStatus: outcome.httpStatus } };
  }
  const location = buildLoginUrl({
    baseUrl: deps.site.baseUrl,
    siteName: deps.site.siteName,
    webExID: webexId,
    ticket: outcome.value.ticket,
    landingUrl: landingUrlFor(target, deps),
    backUrl: deps.backUrl,
  });
  return { result: { ok: true, location, webexId }, detail: { source, credential: outcome.credential, gsbStatus: outcome.value.gsbStatus } };
}

/**
 * The journey's use case: portal user and target → WebEx login URL carrying a fresh ticket, or a
 * typed failure. Every outcome is audited and logged by code; the URL (it holds the ticket) is not.
 */
export async function launchWebex(user: RuleInput, deps: LaunchDeps, requestId: string, target: LaunchTarget = HOME): Promise<LaunchResult> {
  const started = performance.now();
  const { result, detail } = await attempt(user, deps, target);
  const durationMs = performance.now() - started;
  const outcome = result.ok ? 'OK' : result.code;
  const counters = metrics();
  counters.launches.inc({ outcome });
  counters.launchDuration.observe({ result: result.ok ? 'ok' : 'failed' }, durationMs / 1000);
  if (typeof detail?.credential === 'string') counters.launchCredentials.inc({ credential: detail.credential });
  const where = describeTarget(target);
  const auditDetail = target.kind === 'home' ? detail : { ...detail, ...where };
  await recordAudit(deps.db, { actor: user.email, action: 'launch', target: result.webexId ?? null, outcome, detail: auditDetail, durationMs, requestId });
  log.info({ requestId, actor: user.email, webexId: result.webexId, outcome, ...where, durationMs: Math.round(durationMs) }, 'launch');
  return result;
}
