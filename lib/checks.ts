import { recordAudit } from './audit';
import { callAsHost, hostOf, type LaunchDeps, type LaunchFailureCode } from './launch';
import { resolveWebexAccount, type MappingSource } from './mappings/resolve';
import { describeLaunchFailure } from './problems';
import type { SiteInfo, WebexUser } from './webex';
import type { CredentialUse } from './credentials';

/** What the admin's "test" tells about one user, without logging anyone in. */
export interface MappingTestResult {
  email: string;
  source: MappingSource | null;
  webexId: string | null;
  outcome: 'OK' | LaunchFailureCode;
  exceptionID?: string;
  /** how the host's credential was obtained (password, session ticket, access token) */
  credential?: CredentialUse;
  /** what WebEx knows of the host */
  webexUser?: WebexUser;
  /** one sentence for the admin */
  meaning: string;
}

type CheckDeps = Pick<LaunchDeps, 'db' | 'webex' | 'site' | 'rule' | 'credentials'>;

/**
 * Resolves a user as a launch would and proves the host's credential with GetUser (the host's own
 * profile). It never asks for a login ticket: WebEx hands out the host's current unused ticket
 * again and again [reference §4.1], so a test that fetched one would hold the very ticket the
 * host's next Join uses.
 */
export async function testMapping(deps: CheckDeps, actor: string, email: string, support: string): Promise<MappingTestResult> {
  const started = performance.now();
  const account = await resolveWebexAccount(deps.db, { email }, deps.rule);
  let result: MappingTestResult;
  if (!account) {
    result = { email, source: null, webexId: null, outcome: 'MAPPING_MISSING', meaning: 'No explicit mapping, and the automatic rule gives no WebEx ID for this user.' };
  } else {
    const outcome = await callAsHost(hostOf(email, account), deps, (context) => deps.webex.getUser(context));
    result = outcome.ok
      ? {
          email,
          source: account.source,
          webexId: account.webexId,
          outcome: 'OK',
          credential: outcome.credential,
          webexUser: outcome.value,
          meaning: 'WebEx accepted the credential for this host: this user can join.',
        }
      : {
          email,
          source: account.source,
          webexId: account.webexId,
          outcome: outcome.code,
          exceptionID: outcome.exceptionID,
          meaning: describeLaunchFailure(outcome.code, support).what,
        };
  }
  await recordAudit(deps.db, {
    actor,
    action: 'mapping.test',
    target: email,
    outcome: result.outcome,
    detail: { source: result.source, webexId: result.webexId, credential: result.credential, exceptionID: result.exceptionID },
    durationMs: performance.now() - started,
  });
  return result;
}

export type ConnectionCheck =
  | { ok: true; site: SiteInfo; checkedAs: string }
  | { ok: false; code: LaunchFailureCode; exceptionID?: string; reason?: string; checkedAs: string | null; meaning: string };

const NOT_LINKED = 'The check calls the XML API as your own WebEx account: link your portal account (and, in password mode, set its password; in oauth mode, connect it) first.';

/**
 * Calls GetSite as the admin's own linked WebEx account: proves the base URL, the XML API and the
 * credential work, and reports whether ticket login (autoLogin) is on and whether the site uses SSO.
 */
export async function checkConnection(deps: CheckDeps, admin: { email: string }, support: string): Promise<ConnectionCheck> {
  const started = performance.now();
  const result = await runConnectionCheck(deps, admin, support);
  await recordAudit(deps.db, {
    actor: admin.email,
    action: 'webex.check',
    target: deps.site.siteName,
    outcome: result.ok ? 'OK' : result.code,
    detail: result.ok ? { autoLogin: result.site.autoLogin, ssoEnabled: result.site.ssoEnabled, checkedAs: result.checkedAs } : { exceptionID: result.exceptionID, checkedAs: result.checkedAs },
    durationMs: performance.now() - started,
  });
  return result;
}

async function runConnectionCheck(deps: CheckDeps, admin: { email: string }, support: string): Promise<ConnectionCheck> {
  const account = await resolveWebexAccount(deps.db, admin, deps.rule);
  if (!account) return { ok: false, code: 'MAPPING_MISSING', checkedAs: null, meaning: NOT_LINKED };
  const outcome = await callAsHost(hostOf(admin.email, account), deps, (context) => deps.webex.getSite(context));
  if (outcome.ok) return { ok: true, site: outcome.value, checkedAs: account.webexId };
  const { code, exceptionID, reason } = outcome;
  const meaning = code === 'CREDENTIAL_MISSING' || code === 'WEBEX_NOT_CONNECTED' ? NOT_LINKED : describeLaunchFailure(code, support).what;
  return { ok: false, code, exceptionID, reason, checkedAs: account.webexId, meaning };
}
