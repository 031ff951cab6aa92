import { recordAudit } from '../audit';
import { callAsHost, hostOf, type LaunchDeps, type RestDeps } from './launch';
import { chooseSite, describeSiteRule, type MappingSource, resolveWebexAccount, type RuleInput } from '../mappings';
import { describeLaunchFailure } from './problems';
import { WebexError, type SiteInfo, type WebexUser } from '../webex';
import { hostEmailFor, LIST_MEETINGS_SCOPE, type RestIdentity } from '../webex-rest';
import { type CredentialUse, type PortalSignIn, type ServiceAppStatus } from '../credentials';
import { type LaunchFailureCode } from './codes';

/** What the admin's "test" tells about one user, without logging anyone in. */
export interface MappingTestResult {
  email: string;
  source: MappingSource | null;
  webexId: string | null;
  outcome: 'OK' | LaunchFailureCode;
  exceptionID?: string;
  /** how the host's credential was obtained (password, session ticket, access token) */
  credential?: CredentialUse;
  /** rest mode: the WebEx e-mail the Service App acts for, and the personal room WebEx found for it */
  rest?: { hostEmail: string; roomTopic?: string };
  /** what WebEx knows of the host */
  webexUser?: WebexUser;
  /** one sentence for the admin */
  meaning: string;
  /** with several sites: the site tested, and the site rule that would choose a site for this user (MAPPING_SITE_RULES) */
  site?: { name: string; chosenBy: string };
}

type CheckDeps = Pick<LaunchDeps, 'db' | 'webex' | 'site' | 'rule' | 'siteRules' | 'credentials' | 'launchApi' | 'rest'>;

/** A REST call's failure as the checks report it (the launch's codes and texts). */
interface RestFailure {
  code: LaunchFailureCode;
  httpStatus?: number;
  trackingId?: string;
  reason?: string;
}

async function restOutcome<T>(run: () => Promise<T>): Promise<{ ok: true; value: T } | ({ ok: false } & RestFailure)> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (!(err instanceof WebexError)) throw err;
    return { ok: false, code: err.code, httpStatus: err.httpStatus, trackingId: err.trackingId, reason: err.reason };
  }
}

/** The personal room of a WebEx e-mail, as the Service App reads it: proves the app may act for that person. */
function readPersonalRoom(rest: RestDeps, hostEmail: string) {
  return restOutcome(async () => (await rest.serviceApp.withToken((token) => rest.client.personalRoom(token, hostEmail))).value);
}

/**
 * Resolves a user as a launch would and proves the host's credential with GetUser (the host's own
 * profile). It never asks for a login ticket: WebEx hands out the host's current unused ticket
 * again and again [docs/webex.md §4.3], so a test that fetched one would hold the very ticket the
 * host's next Join uses. With WEBEX_LAUNCH_API=rest, where no launch uses the XML API, it reads
 * the user's personal room through the Service App instead (no link is made).
 *
 * The user did not sign in for this call; the admin did: in saml mode the assertion states the
 * admin's own portal sign-in (when it was, when that session ends) as the authentication, never
 * the moment of the test, and the session ticket it yields is bound to the admin's sign-in, so the
 * user's own launches never use it (lib/credentials/session-tickets.ts).
 */
export async function testMapping(
  deps: CheckDeps,
  admin: PortalSignIn,
  email: string,
  support: string,
  sites?: readonly { key: string; siteName: string }[],
): Promise<MappingTestResult> {
  const actor = admin.email;
  const started = performance.now();
  const account = await resolveWebexAccount(deps.db, { email }, deps.rule, deps.site.key, deps.siteRules);
  // which rule picks a site for this e-mail (groups are the IdP's to state at sign-in: the test knows only the e-mail)
  const choice = chooseSite(deps.siteRules ?? [], { email });
  const siteFacts =
    sites && sites.length > 1
      ? { site: { name: deps.site.siteName, chosenBy: describeSiteRule(choice.rule, sites.find((s) => s.key === choice.site)?.siteName ?? choice.site) } }
      : {};
  let result: MappingTestResult;
  if (!account) {
    result = {
      email,
      source: null,
      webexId: null,
      outcome: 'MAPPING_MISSING',
      meaning: 'No explicit mapping, and the automatic rule gives no WebEx ID for this user.',
    };
  } else if (deps.launchApi === 'rest' && deps.rest) {
    const hostEmail = hostEmailFor(email, account.webexId);
    const room = await readPersonalRoom(deps.rest, hostEmail);
    const base = { email, source: account.source, webexId: account.webexId };
    result = room.ok
      ? {
          ...base,
          outcome: 'OK',
          rest: { hostEmail, roomTopic: room.value.topic },
          meaning: 'The company app can act for this user at WebEx: they can start their personal room and join meetings.',
        }
      : { ...base, outcome: room.code, rest: { hostEmail }, meaning: describeLaunchFailure(room.code, support).what };
  } else {
    const outcome = await callAsHost(hostOf(email, account, admin), deps, (context) => deps.webex.getUser(context));
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
    detail: {
      source: result.source,
      webexId: result.webexId,
      credential: result.credential,
      exceptionID: result.exceptionID,
      ...(result.rest ? { api: 'rest', hostEmail: result.rest.hostEmail } : {}),
      ...(siteFacts.site ? { site: siteFacts.site.name } : {}),
    },
    durationMs: performance.now() - started,
  });
  return { ...result, ...siteFacts };
}

export type ConnectionCheck =
  | { ok: true; site: SiteInfo; checkedAs: string }
  | { ok: false; code: LaunchFailureCode; exceptionID?: string; reason?: string; checkedAs: string | null; meaning: string };

const NOT_LINKED =
  'The check calls the XML API as your own WebEx account: link your portal account (and, in password mode, set its password; in oauth mode, connect it) first.';

/**
 * Calls GetSite as the admin's own linked WebEx account: proves the base URL, the XML API and the
 * credential work, and reports whether ticket login (autoLogin) is on and whether the site uses SSO.
 */
export async function checkConnection(deps: CheckDeps, admin: RuleInput & PortalSignIn, support: string): Promise<ConnectionCheck> {
  const started = performance.now();
  const result = await runConnectionCheck(deps, admin, support);
  await recordAudit(deps.db, {
    actor: admin.email,
    action: 'webex.check',
    target: deps.site.siteName,
    outcome: result.ok ? 'OK' : result.code,
    detail: result.ok
      ? { autoLogin: result.site.autoLogin, ssoEnabled: result.site.ssoEnabled, checkedAs: result.checkedAs }
      : { exceptionID: result.exceptionID, checkedAs: result.checkedAs },
    durationMs: performance.now() - started,
  });
  return result;
}

async function runConnectionCheck(deps: CheckDeps, admin: RuleInput & PortalSignIn, support: string): Promise<ConnectionCheck> {
  const account = await resolveWebexAccount(deps.db, admin, deps.rule);
  if (!account) return { ok: false, code: 'MAPPING_MISSING', checkedAs: null, meaning: NOT_LINKED };
  // the admin's own account, in the admin's own sign-in: what a launch of theirs would assert
  const outcome = await callAsHost(hostOf(admin.email, account, admin), deps, (context) => deps.webex.getSite(context));
  if (outcome.ok) return { ok: true, site: outcome.value, checkedAs: account.webexId };
  const { code, exceptionID, reason } = outcome;
  const meaning = code === 'CREDENTIAL_MISSING' || code === 'WEBEX_NOT_CONNECTED' ? NOT_LINKED : describeLaunchFailure(code, support).what;
  return { ok: false, code, exceptionID, reason, checkedAs: account.webexId, meaning };
}

/** What the settings page learns of the Service App (never a token). */
export interface ServiceAppCheck {
  ok: boolean;
  /** the first failure, when not ok */
  failure?: RestFailure & { meaning: string };
  /** whom the token belongs to (GET /people/me): proves it is valid, names the org */
  identity?: RestIdentity;
  /** the dry call: the personal room of the admin's own WebEx e-mail, which proves the scopes */
  dryCall?: { hostEmail: string; ok: boolean; roomTopic?: string; code?: LaunchFailureCode; meaning?: string };
  /** the dry list: today's meetings of the admin's own WebEx e-mail (one page of one), which proves the home page's list scope */
  dryList?: { hostEmail: string; ok: boolean; code?: LaunchFailureCode; httpStatus?: number; meaning?: string; missingScope?: string };
  /** the grant after the check: state and expiry */
  status: ServiceAppStatus;
}

const NO_DRY_CALL = "Your portal account is not linked to a WebEx account, so the check could not read a personal room (it proves the Service App's scopes).";

/**
 * Why a list of meetings failed, for an admin: a 403 names the scope `GET /meetings?hostEmail=…`
 * needs (docs/webex.md §9.8); the rest read as the launch's failures do.
 */
export function explainMeetingListFailure(code: LaunchFailureCode, support: string): { meaning: string; missingScope?: string } {
  if (code === 'WEBEX_APP_FORBIDDEN') {
    return {
      missingScope: LIST_MEETINGS_SCOPE,
      meaning: `WebEx refused to list meetings for this person (403): the Service App needs the scope ${LIST_MEETINGS_SCOPE}, authorized for your organisation in Control Hub (or the org does not let it read this person's meetings). Employees read "Your meetings could not be loaded"; Join and Start still work.`,
    };
  }
  return { meaning: `${describeLaunchFailure(code, support).what} Employees read "Your meetings could not be loaded"; Join and Start still work.` };
}

/** Today's meetings of a WebEx e-mail, one page of one: proves the Service App may list them (the home page's list). */
function listOneMeeting(rest: RestDeps, hostEmail: string, now: number) {
  const day = new Date(now).toISOString().slice(0, 10);
  return restOutcome(async () => {
    const { value } = await rest.serviceApp.withToken((token) =>
      rest.client.listMeetings(token, { hostEmail, from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, timeZone: 'UTC', pageSize: 1, maxPages: 1 }),
    );
    return value.items.length;
  });
}

/**
 * The REST path's connection check: the Service App's token (refreshed when due) must be accepted
 * by `GET /people/me`, which names its org; then the personal room of the admin's own WebEx e-mail
 * is read, a call needing the admin-level scopes the launches need. No meeting link is made.
 */
export async function checkServiceApp(
  deps: Pick<CheckDeps, 'db' | 'rule'> & { rest: RestDeps },
  admin: { email: string },
  support: string,
): Promise<ServiceAppCheck> {
  const started = performance.now();
  const { rest } = deps;
  const who = await restOutcome(async () => (await rest.serviceApp.withToken((token) => rest.client.me(token))).value);
  let result: Omit<ServiceAppCheck, 'status'>;
  if (!who.ok) {
    result = { ok: false, failure: { ...who, meaning: describeLaunchFailure(who.code, support).what } };
  } else {
    const account = await resolveWebexAccount(deps.db, admin, deps.rule);
    if (!account) {
      result = { ok: false, identity: who.value, failure: { code: 'MAPPING_MISSING', meaning: NO_DRY_CALL } };
    } else {
      const hostEmail = hostEmailFor(admin.email, account.webexId);
      const room = await readPersonalRoom(rest, hostEmail);
      const list = await listOneMeeting(rest, hostEmail, Date.now());
      const dryCall = room.ok
        ? { hostEmail, ok: true, roomTopic: room.value.topic }
        : { hostEmail, ok: false, code: room.code, meaning: describeLaunchFailure(room.code, support).what };
      const listed = list.ok ? undefined : explainMeetingListFailure(list.code, support);
      const dryList = list.ok ? { hostEmail, ok: true } : { hostEmail, ok: false, code: list.code, httpStatus: list.httpStatus, ...listed };
      // the first failure is the check's: the room's (the launches need it), else the list's
      const failure = !room.ok
        ? { ...room, meaning: describeLaunchFailure(room.code, support).what }
        : !list.ok
          ? { ...list, meaning: listed?.meaning ?? '' }
          : undefined;
      result = { ok: failure === undefined, identity: who.value, dryCall, dryList, ...(failure ? { failure } : {}) };
    }
  }
  const status = await rest.serviceApp.status();
  await recordAudit(deps.db, {
    actor: admin.email,
    action: 'service-app.check',
    target: result.identity?.orgId ?? null,
    outcome: result.ok ? 'OK' : (result.failure?.code ?? 'WEBEX_REFUSED'),
    detail: {
      orgId: result.identity?.orgId,
      dryCall: result.dryCall?.hostEmail,
      dryList: result.dryList && (result.dryList.ok ? 'OK' : result.dryList.code),
      httpStatus: result.failure?.httpStatus,
      trackingId: result.failure?.trackingId,
      reason: result.failure?.reason,
    },
    durationMs: performance.now() - started,
  });
  return { ...result, status };
}
