import type { Kysely } from 'kysely';
import { recordAudit } from './audit';
import type { Database } from './db/schema';
import { log } from './log';
import { resolveWebexAccount } from './mappings/resolve';
import {
  CredentialError,
  WebexError,
  buildLoginUrl,
  buildSecurityContext,
  unsealCredential,
  type CredentialKeys,
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
  /** BU: this app's /webex/return */
  backUrl: string;
  credentialKeys: CredentialKeys;
}

interface Attempt {
  result: LaunchResult;
  detail?: Record<string, unknown>;
}

async function attempt(email: string, deps: LaunchDeps): Promise<Attempt> {
  const account = await resolveWebexAccount(deps.db, { email });
  if (!account) return { result: { ok: false, code: 'MAPPING_MISSING' } };
  const { webexId } = account;
  if (!account.sealedCredential) return { result: { ok: false, code: 'CREDENTIAL_MISSING', webexId } };

  try {
    const credential = await unsealCredential(account.sealedCredential, deps.credentialKeys);
    const login = await deps.webex.getLoginTicket(buildSecurityContext(deps.site.siteName, webexId, credential));
    const location = buildLoginUrl({
      baseUrl: deps.site.baseUrl,
      siteName: deps.site.siteName,
      webExID: webexId,
      ticket: login.ticket,
      landingUrl: deps.site.landingUrl,
      backUrl: deps.backUrl,
    });
    return { result: { ok: true, location, webexId }, detail: { source: account.source, gsbStatus: login.gsbStatus } };
  } catch (err) {
    if (err instanceof CredentialError) return { result: { ok: false, code: 'CREDENTIAL_UNREADABLE', webexId } };
    if (err instanceof WebexError) {
      return {
        result: { ok: false, code: err.code, webexId },
        detail: { source: account.source, exceptionID: err.exceptionID, httpStatus: err.httpStatus },
      };
    }
    throw err;
  }
}

/**
 * The journey's use case: portal user → WebEx login URL carrying a fresh ticket, or a typed
 * failure. Every outcome is audited and logged by code; the URL (it holds the ticket) is not.
 */
export async function launchWebex(user: { email: string }, deps: LaunchDeps, requestId: string): Promise<LaunchResult> {
  const started = performance.now();
  const { result, detail } = await attempt(user.email, deps);
  const durationMs = performance.now() - started;
  const outcome = result.ok ? 'OK' : result.code;
  await recordAudit(deps.db, { actor: user.email, action: 'launch', target: result.webexId ?? null, outcome, detail, durationMs, requestId });
  log.info({ requestId, actor: user.email, webexId: result.webexId, outcome, durationMs: Math.round(durationMs) }, 'launch');
  return result;
}
