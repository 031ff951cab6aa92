import type { Kysely } from 'kysely';
import { recordAudit } from './audit';
import type { Database } from './db/schema';
import { log } from './log';
import { resolveWebexAccount, type ResolvedAccount } from './mappings/resolve';
import type { MappingRule, RuleInput } from './mappings/rules';
import {
  CredentialError,
  WebexError,
  buildLoginUrl,
  buildSecurityContext,
  unsealCredential,
  type CredentialKeys,
  type SecurityContext,
  type WebexClient,
  type WebexErrorCode,
} from './webex';

/** Why a launch did not produce a login URL; each has an employee-facing page. */
export type LaunchFailureCode = 'MAPPING_MISSING' | 'CREDENTIAL_MISSING' | 'CREDENTIAL_UNREADABLE' | WebexErrorCode;

export type LaunchResult =
  | { ok: true; location: string; webexId: string }
  | { ok: false; code: LaunchFailureCode; webexId?: string };

export interface LaunchDeps {
  db: Kysely<Database>;
  webex: WebexClient;
  site: { siteName: string; baseUrl: string; landingUrl: string };
  rule: MappingRule;
  /** BU: this app's /webex/return */
  backUrl: string;
  credentialKeys: CredentialKeys;
}

export type HostCallOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: Exclude<LaunchFailureCode, 'MAPPING_MISSING'>; exceptionID?: string; reason?: string; httpStatus?: number };

/**
 * Opens the account's sealed credential and makes one XML API call as that host, turning every
 * expected failure into a code. Shared by launch, the admin's mapping test and the connection check.
 */
export async function callAsHost<T>(
  account: ResolvedAccount,
  deps: Pick<LaunchDeps, 'site' | 'credentialKeys'>,
  call: (context: SecurityContext) => Promise<T>,
): Promise<HostCallOutcome<T>> {
  if (!account.sealedCredential) return { ok: false, code: 'CREDENTIAL_MISSING' };
  try {
    const credential = await unsealCredential(account.sealedCredential, deps.credentialKeys);
    return { ok: true, value: await call(buildSecurityContext(deps.site.siteName, account.webexId, credential)) };
  } catch (err) {
    if (err instanceof CredentialError) return { ok: false, code: 'CREDENTIAL_UNREADABLE' };
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
  const outcome = await callAsHost(account, deps, (context) => deps.webex.getLoginTicket(context));
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
  return { result: { ok: true, location, webexId }, detail: { source, gsbStatus: outcome.value.gsbStatus } };
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
  await recordAudit(deps.db, { actor: user.email, action: 'launch', target: result.webexId ?? null, outcome, detail, durationMs, requestId });
  log.info({ requestId, actor: user.email, webexId: result.webexId, outcome, durationMs: Math.round(durationMs) }, 'launch');
  return result;
}
