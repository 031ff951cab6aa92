import type { Kysely } from 'kysely';
import { recordAudit } from './audit';
import { HostCredentialError, type CredentialUse, type HostCredentialCode, type HostCredentials, type HostIdentity } from './credentials';
import type { Database } from './db/schema';
import { log } from './log';
import { metrics } from './metrics';
import { resolveWebexAccount, type ResolvedAccount } from './mappings/resolve';
import type { MappingRule, RuleInput } from './mappings/rules';
import { WebexError, buildLoginUrl, type SecurityContext, type WebexClient, type WebexErrorCode } from './webex';

/** Why a launch did not produce a login URL; each has an employee-facing page. */
export type LaunchFailureCode = 'MAPPING_MISSING' | HostCredentialCode | WebexErrorCode;

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

async function attempt(user: RuleInput, deps: LaunchDeps): Promise<Attempt> {
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
    landingUrl: deps.site.landingUrl,
    backUrl: deps.backUrl,
  });
  return { result: { ok: true, location, webexId }, detail: { source, credential: outcome.credential, gsbStatus: outcome.value.gsbStatus } };
}

/**
 * The journey's use case: portal user → WebEx login URL carrying a fresh ticket, or a typed
 * failure. Every outcome is audited and logged by code; the URL (it holds the ticket) is not.
 */
export async function launchWebex(user: RuleInput, deps: LaunchDeps, requestId: string): Promise<LaunchResult> {
  const started = performance.now();
  const { result, detail } = await attempt(user, deps);
  const durationMs = performance.now() - started;
  const outcome = result.ok ? 'OK' : result.code;
  const counters = metrics();
  counters.launches.inc({ outcome });
  counters.launchDuration.observe({ result: result.ok ? 'ok' : 'failed' }, durationMs / 1000);
  if (typeof detail?.credential === 'string') counters.launchCredentials.inc({ credential: detail.credential });
  await recordAudit(deps.db, { actor: user.email, action: 'launch', target: result.webexId ?? null, outcome, detail, durationMs, requestId });
  log.info({ requestId, actor: user.email, webexId: result.webexId, outcome, durationMs: Math.round(durationMs) }, 'launch');
  return result;
}
