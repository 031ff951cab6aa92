import type { Kysely } from 'kysely';
import { recordLaunch } from '../audit';
import { type CredentialUse, type HostCredentialCode, HostCredentialError, type HostCredentials, type HostIdentity, type PortalSignIn, type ServiceApp } from '../credentials';
import type { Database } from '../db';
import { log } from '../log';
import { metrics } from '../metrics';
import { type MappingRule, type ResolvedAccount, resolveWebexAccount, type RuleInput } from '../mappings';
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
} from '../webex';
import { hostEmailFor, meetingLink, type RestLaunchDeps } from '../webex-rest';

/**
 * Why a launch did not produce a login URL or meeting link; each has an employee-facing page.
 * LAUNCH_UNAVAILABLE: the configured launch API does not serve that button (WEBEX_LAUNCH_API).
 */
export type LaunchFailureCode = 'MAPPING_MISSING' | 'LAUNCH_UNAVAILABLE' | HostCredentialCode | WebexErrorCode;

/**
 * Where a launch takes the employee: the site's home signed in (MU = WEBEX_LANDING_URL), a
 * meeting to join or start as its host (MU = the site's m.php, or a REST start/join link), or
 * their own personal room, started as its host (REST only). A small value on purpose: it travels
 * from the route through the use case into the audit, whichever API serves it.
 */
/** xml: GetLoginTicket → p.php for every button; rest: meetings over REST, no site sign-in; auto: REST for meetings, XML for the site's home */
export type LaunchApi = 'xml' | 'rest' | 'auto';

/** How the login ticket reaches p.php (WEBEX_LOGIN_DELIVERY): a 302 to its URL, or an auto-submitted POST form. */
export type LoginDelivery = 'redirect' | 'post';

export type LaunchTarget = { kind: 'home' } | { kind: 'meeting'; number: MeetingNumber; role: MeetingRole } | { kind: 'personal-room' };

export const HOME: LaunchTarget = { kind: 'home' };
export const PERSONAL_ROOM: LaunchTarget = { kind: 'personal-room' };

/** The form field (and its one value) that asks for the employee's personal room. */
export const ROOM_FIELD = 'room';
export const PERSONAL_ROOM_VALUE = 'personal';

const absent = (value: unknown) => value === null || value === undefined;

/**
 * The target a Join form names: no field → the site's home; `room=personal` alone → the personal
 * room; a meeting number with a role → that meeting; anything else → undefined, refused (outside
 * input never picks another target).
 */
export function parseLaunchTarget(meeting: unknown, role: unknown, room?: unknown): LaunchTarget | undefined {
  if (!absent(room)) return room === PERSONAL_ROOM_VALUE && absent(meeting) && absent(role) ? PERSONAL_ROOM : undefined;
  if (absent(meeting)) return absent(role) ? HOME : undefined;
  const number = parseMeetingNumber(meeting);
  const parsedRole = parseMeetingRole(role);
  return number && parsedRole ? { kind: 'meeting', number, role: parsedRole } : undefined;
}

/** The portal page a target is launched from: where a sign-in comes back to. */
export function pageOf(target: LaunchTarget): string {
  return target.kind === 'meeting' ? `/meet/${target.number}` : '/';
}

/**
 * Which API serves a target under WEBEX_LAUNCH_API: xml serves the site's home and meetings;
 * rest serves meetings and the personal room (REST has no signed-in landing on the site's home,
 * reference §10); auto serves the home by XML and the rest by REST. Undefined: not offered.
 */
export function launchPathFor(api: LaunchApi, target: LaunchTarget): 'xml' | 'rest' | undefined {
  if (target.kind === 'home') return api === 'rest' ? undefined : 'xml';
  if (api === 'xml') return target.kind === 'meeting' ? 'xml' : undefined;
  return 'rest';
}

export type LaunchResult =
  /** via: how to deliver it (an XML login URL as configured, a REST link by 302 only) */
  | { ok: true; location: string; webexId: string; via: 'xml' | 'rest' }
  /** retryAfterSeconds: when WebEx asked the portal to wait (REST 429) */
  | { ok: false; code: LaunchFailureCode; webexId?: string; retryAfterSeconds?: number };

/** Who launches: the portal user and their sign-in, with the name a join shows in the meeting. */
export type Launcher = RuleInput & PortalSignIn & { name?: string };

/** The REST adapter as the launch and the admin's checks use it: its calls made as the company's Service App. */
export type RestDeps = RestLaunchDeps<ServiceApp>;

export interface LaunchDeps {
  db: Kysely<Database>;
  webex: WebexClient;
  /** how the portal acts as a host in the configured credential mode */
  credentials: HostCredentials;
  site: { siteName: string; baseUrl: string; landingUrl: string };
  rule: MappingRule;
  /** BU: this app's /webex/return */
  backUrl: string;
  /** which API serves which button (WEBEX_LAUNCH_API; xml when absent) */
  launchApi?: LaunchApi;
  /** the REST adapter, when WEBEX_LAUNCH_API is rest or auto */
  rest?: RestDeps;
}

export type HostCallOutcome<T> =
  | { ok: true; value: T; credential: CredentialUse }
  | { ok: false; code: Exclude<LaunchFailureCode, 'MAPPING_MISSING'>; exceptionID?: string; reason?: string; httpStatus?: number };

/** The host behind a resolved account, as the credential seam needs it, in the sign-in `signIn` makes the call in. */
export function hostOf(email: string, account: ResolvedAccount, signIn: PortalSignIn): HostIdentity {
  return { email, webexId: account.webexId, sealedCredential: account.sealedCredential, signIn: { email: signIn.email, signedInAt: signIn.signedInAt, sessionEndsAt: signIn.sessionEndsAt } };
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
  const api = launchPathFor(deps.launchApi ?? 'xml', target);
  if (!api) return { result: { ok: false, code: 'LAUNCH_UNAVAILABLE' }, detail: { launchApi: deps.launchApi ?? 'xml' } };
  const account = await resolveWebexAccount(deps.db, user, deps.rule);
  if (!account) return { result: { ok: false, code: 'MAPPING_MISSING' } };
  if (api === 'rest' && target.kind !== 'home') return attemptRest(user, account, deps, target);
  return attemptXml(user, account, deps, target);
}

/** The XML adapter: GetLoginTicket as the host, then the p.php login URL (MU = the target). */
async function attemptXml(user: Launcher, account: ResolvedAccount, deps: LaunchDeps, target: LaunchTarget): Promise<Attempt> {
  const { webexId, source } = account;
  const outcome = await callAsHost(hostOf(user.email, account, user), deps, (context) => deps.webex.getLoginTicket(context));
  if (!outcome.ok) {
    return { result: { ok: false, code: outcome.code, webexId }, detail: { source, api: 'xml', exceptionID: outcome.exceptionID, httpStatus: outcome.httpStatus } };
  }
  const location = buildLoginUrl({
    baseUrl: deps.site.baseUrl,
    siteName: deps.site.siteName,
    webExID: webexId,
    ticket: outcome.value.ticket,
    landingUrl: landingUrlFor(target, deps),
    backUrl: deps.backUrl,
  });
  return { result: { ok: true, location, webexId, via: 'xml' }, detail: { source, api: 'xml', credential: outcome.credential, gsbStatus: outcome.value.gsbStatus } };
}

/** The REST adapter: a start or join link asked by the Service App for the employee's WebEx e-mail. */
async function attemptRest(user: Launcher, account: ResolvedAccount, deps: LaunchDeps, target: Exclude<LaunchTarget, { kind: 'home' }>): Promise<Attempt> {
  const { webexId, source } = account;
  if (!deps.rest) throw new TypeError('webex-sso: Bad usage. WEBEX_LAUNCH_API=rest|auto needs the REST adapter in LaunchDeps');
  const hostEmail = hostEmailFor(user.email, webexId);
  try {
    const link = await meetingLink(deps.rest, { hostEmail, attendee: { email: user.email, displayName: user.name || user.email }, target });
    return { result: { ok: true, location: link.location, webexId, via: 'rest' }, detail: { source, api: 'rest', hostEmail, credential: link.refreshed ? 'refreshed-service-app-token' : 'service-app-token' } };
  } catch (err) {
    if (!(err instanceof WebexError)) throw err;
    return {
      result: { ok: false, code: err.code, webexId, retryAfterSeconds: err.retryAfterSeconds },
      detail: { source, api: 'rest', hostEmail, httpStatus: err.httpStatus, trackingId: err.trackingId, reason: err.reason, retryAfterSeconds: err.retryAfterSeconds },
    };
  }
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
  const where = describeTarget(target);
  const auditDetail = target.kind === 'home' ? detail : { ...detail, ...where };
  // recorded before anything leaves, or the launch fails (PORTAL_UNAVAILABLE in app/launch/route.ts); counted once recorded
  await recordLaunch(deps.db, { actor: user.email, target: result.webexId ?? null, outcome, detail: auditDetail, durationMs, requestId });
  const counters = metrics();
  counters.launches.inc({ outcome });
  counters.launchDuration.observe({ result: result.ok ? 'ok' : 'failed' }, durationMs / 1000);
  if (typeof detail?.credential === 'string') counters.launchCredentials.inc({ credential: detail.credential });
  log.info({ requestId, actor: user.email, webexId: result.webexId, outcome, api: detail?.api, ...where, durationMs: Math.round(durationMs) }, 'launch');
  return result;
}
