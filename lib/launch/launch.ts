import type { Kysely } from 'kysely';
import { recordLaunch } from '../audit';
import type { CredentialUse, HostCredentials, HostIdentity, PortalSignIn, ServiceApp } from '../credentials';
import type { Database } from '../db';
import { log } from '../log';
import { metrics } from '../metrics';
import {
  accountFor,
  type AccountUser,
  chooseSite,
  type MappingRule,
  type ResolvedAccount,
  resolveWebexAccount,
  resolveWebexAccounts,
  type SiteRule,
} from '../mappings';
import { buildLoginUrl, buildMeetingUrl, type SecurityContext, type WebexClient } from '../webex';
import { hostEmailFor, meetingLink, type RestLaunchDeps } from '../webex-rest';
import { launchFailureOf, type LaunchFailure, type LaunchFailureCode } from './codes';
import { HOME, launchPathFor, type LaunchApi, type LaunchTarget } from './target';

export type LaunchResult =
  /** via: how to deliver it (an XML login URL as configured, a REST link by 302 only) */
  /** site: the site name it launched on (the AlreadyLogon recovery and sign-out everywhere follow it) */
  | { ok: true; location: string; webexId: string; via: 'xml' | 'rest'; site?: string }
  /** retryAfterSeconds: when WebEx asked the portal to wait (REST 429) */
  | { ok: false; code: LaunchFailureCode; webexId?: string; retryAfterSeconds?: number };

/** Who launches: the portal user and their sign-in, with the name a join shows in the meeting. */
export type Launcher = AccountUser & PortalSignIn & { name?: string };

/** The REST adapter as the launch and the admin's checks use it: its calls made as the company's Service App. */
export type RestDeps = RestLaunchDeps<ServiceApp>;

export interface LaunchDeps {
  db: Kysely<Database>;
  webex: WebexClient;
  /** how the portal acts as a host in the configured credential mode */
  credentials: HostCredentials;
  /** the site this wiring launches on; key '' (or none): the default site */
  site: { siteName: string; baseUrl: string; landingUrl: string; key?: string };
  rule: MappingRule;
  /** which site an employee belongs on without a mapping row for it (MAPPING_SITE_RULES): the rule's WebEx ID applies there only */
  siteRules?: readonly SiteRule[];
  /** BU: this app's /webex/return */
  backUrl: string;
  /** which API serves which button (WEBEX_LAUNCH_API; xml when absent) */
  launchApi?: LaunchApi;
  /** the REST adapter, when WEBEX_LAUNCH_API is rest or auto */
  rest?: RestDeps;
}

export type HostCallOutcome<T> = { ok: true; value: T; credential: CredentialUse } | ({ ok: false } & LaunchFailure);

/** The host behind a resolved account, as the credential seam needs it, in the sign-in `signIn` makes the call in. */
export function hostOf(email: string, account: ResolvedAccount, signIn: PortalSignIn): HostIdentity {
  return {
    email,
    webexId: account.webexId,
    sealedCredential: account.sealedCredential,
    signIn: { email: signIn.email, signedInAt: signIn.signedInAt, sessionEndsAt: signIn.sessionEndsAt },
  };
}

/**
 * Makes one XML API call as the host, with the credential the configured mode provides, turning
 * every expected failure into a code. Shared by launch, the admin's mapping test and the connection check.
 */
export async function callAsHost<T>(
  host: HostIdentity,
  deps: Pick<LaunchDeps, 'credentials'>,
  call: (context: SecurityContext) => Promise<T>,
): Promise<HostCallOutcome<T>> {
  try {
    const { value, credential } = await deps.credentials.asHost(host, call);
    return { ok: true, value, credential };
  } catch (err) {
    return { ok: false, ...launchFailureOf(err) };
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
  if (target.kind !== 'meeting') return deps.site.landingUrl;
  const backUrl = new URL(deps.backUrl);
  backUrl.searchParams.set('meeting', target.number);
  return buildMeetingUrl({ baseUrl: deps.site.baseUrl, siteName: deps.site.siteName, meetingNumber: target.number, role: target.role, backUrl: backUrl.href });
}

/** What the audit and the log keep of a target (a meeting number is no secret: invites carry it). */
function describeTarget(target: LaunchTarget): Record<string, string> {
  if (target.kind === 'home') return {};
  return target.kind === 'meeting' ? { meeting: target.number, role: target.role } : { meeting: 'personal-room', role: 'host' };
}

async function attempt(user: Launcher, deps: LaunchDeps, target: LaunchTarget): Promise<Attempt> {
  // the caller picks the named site's wiring; a name it does not know arrives with another site's
  if (target.site !== undefined && target.site !== deps.site.siteName) return { result: { ok: false, code: 'SITE_UNKNOWN' }, detail: { site: target.site } };
  const api = launchPathFor(deps.launchApi ?? 'xml', target);
  if (!api) return { result: { ok: false, code: 'LAUNCH_UNAVAILABLE' }, detail: { launchApi: deps.launchApi ?? 'xml' } };
  const account = await resolveWebexAccount(deps.db, user, deps.rule, deps.site.key, deps.siteRules);
  if (!account) return { result: { ok: false, code: 'MAPPING_MISSING' } };
  if (api === 'rest' && target.kind !== 'home') return attemptRest(user, account, deps, target);
  return attemptXml(user, account, deps, target);
}

/** The XML adapter: GetLoginTicket as the host, then the p.php login URL (MU = the target). */
async function attemptXml(user: Launcher, account: ResolvedAccount, deps: LaunchDeps, target: LaunchTarget): Promise<Attempt> {
  const { webexId, source } = account;
  const outcome = await callAsHost(hostOf(user.email, account, user), deps, (context) => deps.webex.getLoginTicket(context));
  if (!outcome.ok) {
    return {
      result: { ok: false, code: outcome.code, webexId },
      detail: { source, api: 'xml', exceptionID: outcome.exceptionID, httpStatus: outcome.httpStatus },
    };
  }
  const location = buildLoginUrl({
    baseUrl: deps.site.baseUrl,
    siteName: deps.site.siteName,
    webExID: webexId,
    ticket: outcome.value.ticket,
    landingUrl: landingUrlFor(target, deps),
    backUrl: deps.backUrl,
  });
  return {
    result: { ok: true, location, webexId, via: 'xml', site: deps.site.siteName },
    detail: { source, api: 'xml', credential: outcome.credential, gsbStatus: outcome.value.gsbStatus },
  };
}

/** The REST adapter: a start or join link asked by the Service App for the employee's WebEx e-mail. */
async function attemptRest(user: Launcher, account: ResolvedAccount, deps: LaunchDeps, target: Exclude<LaunchTarget, { kind: 'home' }>): Promise<Attempt> {
  const { webexId, source } = account;
  if (!deps.rest) throw new TypeError('webex-sso: Bad usage. WEBEX_LAUNCH_API=rest|auto needs the REST adapter in LaunchDeps');
  const hostEmail = hostEmailFor(user.email, webexId);
  try {
    const link = await meetingLink(deps.rest, { hostEmail, attendee: { email: user.email, displayName: user.name || user.email }, target });
    return {
      result: { ok: true, location: link.location, webexId, via: 'rest', site: deps.site.siteName },
      detail: { source, api: 'rest', hostEmail, credential: link.refreshed ? 'refreshed-service-app-token' : 'service-app-token' },
    };
  } catch (err) {
    const { code, httpStatus, trackingId, reason, retryAfterSeconds } = launchFailureOf(err);
    return {
      result: { ok: false, code, webexId, retryAfterSeconds },
      detail: { source, api: 'rest', hostEmail, httpStatus, trackingId, reason, retryAfterSeconds },
    };
  }
}

/**
 * Which site's wiring launches a target: the site it names (else the first, which refuses the
 * unknown name), or the employee's own site, where they have an account: the one the site rules
 * choose if they have an account there, else their first (lib/mappings accountFor).
 */
export async function siteFor(user: AccountUser, target: LaunchTarget, sites: readonly LaunchDeps[]): Promise<LaunchDeps> {
  const [first] = sites;
  if (!first) throw new TypeError('webex-sso: Bad usage. A launch needs at least one site');
  if (target.site !== undefined) return sites.find((s) => s.site.siteName === target.site) ?? first;
  if (sites.length === 1) return first;
  const accounts = await resolveWebexAccounts(first.db, user, first.rule, first.siteRules);
  const key = accountFor(accounts, undefined, user, first.siteRules)?.site ?? chooseSite(first.siteRules ?? [], user).site;
  return sites.find((s) => (s.site.key ?? '') === key) ?? first;
}

/**
 * The journey's use case: portal user and target → WebEx login URL carrying a fresh ticket (the
 * XML adapter) or a meeting's start/join link (the REST adapter, as WEBEX_LAUNCH_API says), or a
 * typed failure. Every outcome is audited and logged by code; the URL (it holds the ticket or the
 * link's token) is not. A launch whose audit row cannot be written throws: nothing leaves unrecorded.
 */
export async function launchWebex(user: Launcher, deps: LaunchDeps, requestId: string, target: LaunchTarget = HOME): Promise<LaunchResult> {
  const started = performance.now();
  const { result, detail } = await attempt(user, deps, target);
  const durationMs = performance.now() - started;
  const outcome = result.ok ? 'OK' : result.code;
  // a site other than the default is named (the audit's and dashboard's "by site"); one-site companies' rows stay as they were
  const where = { ...describeTarget(target), ...(deps.site.key ? { site: deps.site.siteName } : {}) };
  const auditDetail = Object.keys(where).length === 0 ? detail : { ...detail, ...where };
  // recorded before anything leaves, or the launch fails (PORTAL_UNAVAILABLE in app/launch/route.ts); counted once recorded
  await recordLaunch(deps.db, { actor: user.email, target: result.webexId ?? null, outcome, detail: auditDetail, durationMs, requestId, site: deps.site.key });
  const counters = metrics();
  counters.launches.inc({ outcome, site: deps.site.siteName });
  counters.launchDuration.observe({ result: result.ok ? 'ok' : 'failed' }, durationMs / 1000);
  if (typeof detail?.credential === 'string') counters.launchCredentials.inc({ credential: detail.credential });
  log.info({ requestId, actor: user.email, webexId: result.webexId, outcome, api: detail?.api, ...where, durationMs: Math.round(durationMs) }, 'launch');
  return result;
}
