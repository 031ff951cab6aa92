import { clearCookie, serializeCookie } from '../http';
import { unsealShortLived, sealShortLived } from '../secrets';
import { log } from '../log';
import { discover, type IdTokenStore, type OidcSettings, sessionCookieWrites, sessionSetCookie } from '../identity';
import type { LaunchApi } from '../launch';
import { buildLogoutUrl } from '../webex';
import { continueAfterWebex, planSignOut, type SignOutStep } from './plan';

/** Where WebEx comes back after AT=LO during a sign-out (app/auth/signout/continue). */
export const CONTINUE_PATH = '/auth/signout/continue';
/** The chain's last page, and the provider's post_logout_redirect_uri. */
export const SIGNED_OUT_PATH = '/auth/signed-out';

/** The steps still to take while the browser is at WebEx: sealed, for the continue route only. */
export const SIGN_OUT_COOKIE = 'webex-sso.signout';
// Long enough for a slow WebEx logout, short enough that a later visit to the continue route finds nothing.
const SIGN_OUT_SECONDS = 300;

/** What Sign out reads of the configuration (lib/config.ts validates it). */
export interface SignOutSettings {
  appUrl: URL;
  oidc: Pick<OidcSettings, 'issuer' | 'clientId'>;
  /** what Sign out ends besides the portal session (SIGNOUT_WEBEX, SIGNOUT_IDP) */
  signOut: { webex: boolean; idp: boolean };
  webex: { baseUrl: string; siteName: string; launchApi: LaunchApi };
  /** every configured site (the default first); a sign-out visits the default and those this browser was launched into */
  sites?: readonly { siteName: string; baseUrl: string; launchApi: LaunchApi }[];
}

/** The portal's own secret and origin, for the sealed cookie that carries the way on after WebEx. */
type CookieSettings = { appUrl: URL; authSecret: string };

export interface SignOutDeps {
  config: SignOutSettings;
  idTokens: IdTokenStore;
  /** the provider's end_session_endpoint; default: its discovery document */
  endSessionEndpoint?: () => Promise<string | undefined>;
}

async function discoveredEndSession(issuer: string): Promise<string | undefined> {
  try {
    return (await discover(issuer)).endSession;
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'identity provider discovery failed; sign-out skips its logout');
    return undefined;
  }
}

/** The sign-out's way, once the portal session is over. */
export interface SignOutWay {
  /** where to send the browser now */
  location: string;
  /** the step `location` is; none when it is the signed-out page */
  first?: SignOutStep['kind'];
  /** the steps after that one */
  remaining: SignOutStep[];
  /** the signed-out page, telling which sessions were left open (a step not configured or not possible) */
  done: string;
}

/**
 * The sign-out's way after the portal session (the caller clears its cookie). `idTokenRef` is
 * the session's reference to its ID token, when it has one.
 */
export async function planSignOutFor(idTokenRef: unknown, deps: SignOutDeps, launchedSites: readonly string[] = []): Promise<SignOutWay> {
  const { config } = deps;
  const idTokenHint = typeof idTokenRef === 'string' ? await deps.idTokens.take(idTokenRef) : undefined;
  const endSessionEndpoint = config.signOut.idp ? await (deps.endSessionEndpoint ?? (() => discoveredEndSession(config.oidc.issuer)))() : undefined;
  // WEBEX_LAUNCH_API=rest never signs anyone in to the WebEx site (REST links make no site session,
  // and the site's URL API may be retired): there is no WebEx session of ours to end or to warn about
  const siteSession = config.webex.launchApi !== 'rest';
  // the default site as ever, and every other site this browser was launched into (lib/launch launched-sites)
  const others = (config.sites ?? []).slice(1).filter((site) => site.launchApi !== 'rest' && launchedSites.includes(site.siteName));
  const backUrl = new URL(CONTINUE_PATH, config.appUrl).href;
  const steps = planSignOut({
    settings: { ...config.signOut, webex: config.signOut.webex && (siteSession || others.length > 0) },
    webexLogoutUrls: [...(siteSession ? [config.webex] : []), ...others].map((site) =>
      buildLogoutUrl({ baseUrl: site.baseUrl, siteName: site.siteName, backUrl }),
    ),
    endSessionEndpoint,
    idTokenHint,
    clientId: config.oidc.clientId,
    postLogoutRedirectUri: new URL(SIGNED_OUT_PATH, config.appUrl).href,
  });
  const done = new URL(SIGNED_OUT_PATH, config.appUrl);
  for (const kind of siteSession ? (['webex', 'idp'] as const) : (['idp'] as const))
    if (!steps.some((step) => step.kind === kind)) done.searchParams.set(kind, OPEN);
  const [first, ...remaining] = steps;
  return { location: first?.url ?? done.href, first: first?.kind, remaining, done: done.href };
}

/** The signed-out page's flag for a session the sign-out did not end (`webex=open`, `idp=open`). */
export const OPEN = 'open';

/**
 * After WebEx's AT=LO: the next URL, from the sealed way (none, or unreadable: the signed-out page),
 * and, when that URL is another site's AT=LO, the way on from its return (for signOutCookie).
 */
export async function continueSignOut(
  sealed: string | undefined,
  webexStatus: string,
  config: CookieSettings,
): Promise<{ location: string; way: SignOutCookieWay | undefined }> {
  let remaining: SignOutStep[] = [];
  let done = new URL(SIGNED_OUT_PATH, config.appUrl).href;
  // an altered or expired cookie opens to nothing: nothing more to do than the signed-out page
  const data = sealed ? await unsealShortLived(sealed, config.authSecret, SIGN_OUT_SECONDS) : undefined;
  if (Array.isArray(data?.remaining)) remaining = data.remaining.filter(isStep);
  if (typeof data?.done === 'string' && new URL(data.done).origin === config.appUrl.origin) done = data.done;
  const next = continueAfterWebex(remaining, webexStatus, done, data?.unconfirmed === true);
  // the browser goes on to another site's AT=LO: its BU comes back here, and must find the rest
  const toWebex = remaining[0]?.kind === 'webex';
  return { location: next.location, way: toWebex ? { remaining: next.remaining, done, unconfirmed: next.unconfirmed } : undefined };
}

function isStep(value: unknown): value is SignOutStep {
  const step = value as Partial<SignOutStep> | null;
  return typeof step === 'object' && step !== null && (step.kind === 'webex' || step.kind === 'idp') && typeof step.url === 'string';
}

/** What the continue route needs on WebEx's return: the steps left, the signed-out page, and whether a site already failed to confirm. */
export type SignOutCookieWay = Pick<SignOutWay, 'remaining' | 'done'> & { unconfirmed?: boolean };

/** Set-Cookie keeping the way after WebEx for the continue route (sealed: it may hold the ID token), or clearing it. */
export async function signOutCookie(way: SignOutCookieWay | undefined, config: CookieSettings): Promise<string> {
  if (!way) return clearCookie(SIGN_OUT_COOKIE, config.appUrl, CONTINUE_PATH);
  const value = await sealShortLived({ remaining: way.remaining, done: way.done, unconfirmed: way.unconfirmed === true }, config.authSecret, SIGN_OUT_SECONDS);
  return serializeCookie(SIGN_OUT_COOKIE, value, config.appUrl, { maxAgeSeconds: SIGN_OUT_SECONDS, path: CONTINUE_PATH });
}

/**
 * Set-Cookie clearing the portal session: next-auth's session cookie, and the chunks it splits a
 * large one into (`.0`, `.1`, …), of those the browser sent.
 */
export function clearSessionCookies(sentNames: readonly string[], appUrl: URL): string[] {
  return sessionCookieWrites(sentNames, appUrl).map((write) => sessionSetCookie(write, appUrl));
}
