import { randomUUID } from 'node:crypto';
import type { BrowserSessions } from './browser-session';
import type { FaultBoard } from './faults';
import { escapeHtml, renderPage, renderRedirectPage } from './html';
import { htmlAnswer, textAnswer, type HttpAnswer } from './http';
import { dashboardPath, myWebexPath } from './landing';
import type { TicketStore } from './tickets';
import { checkPassword, type UserDirectory } from './users';

export interface UrlApiDeps {
  siteName: string;
  autoLogin: boolean;
  tickets: TicketStore;
  users: UserDirectory;
  faults: FaultBoard;
  sessions: BrowserSessions;
  onLogin(succeeded: boolean): void;
}

export interface UrlApiRequest {
  /** GET query, or a POST's form body laid over its query */
  params: URLSearchParams;
  /** whether a password came in a POST body, the only way WebEx takes one since 2016 [docs/webex.md §7.4, D13] */
  passwordPosted: boolean;
  /** the origins that count as "this site" for MU: the simulator's own and the one the browser used */
  siteOrigins: readonly string[];
  /** where the browser reached us; sim-internal redirects stay on it so the cookie travels */
  origin: string;
  signedInAs: string | undefined;
}

export interface UrlApiOutcome {
  answer: HttpAnswer;
  setCookie?: string;
  /** for the request log: command and result, never WID/TK */
  note: string;
}

/** p.php: AT=LI (ticket login) and AT=LO (logout) [docs/webex.md §7]. */
export async function answerUrlApiRequest(request: UrlApiRequest, deps: UrlApiDeps): Promise<UrlApiOutcome> {
  const command = request.params.get('AT');
  if (command === 'LI') return logIn(request, deps);
  if (command === 'LO') return logOut(request, deps);
  return {
    answer: textAnswer(400, `webex-sim: unsupported command AT=${command ?? ''}; the simulator implements AT=LI and AT=LO`),
    note: 'unsupported AT',
  };
}

async function logIn(request: UrlApiRequest, deps: UrlApiDeps): Promise<UrlApiOutcome> {
  const wid = nonEmpty(request.params.get('WID'));
  const ticket = nonEmpty(request.params.get('TK'));
  const password = nonEmpty(request.params.get('PW'));
  const backUrl = parseBackUrl(request.params.get('BU'));
  const fail = (rs: string): UrlApiOutcome => {
    deps.onLogin(false);
    return { answer: failureAnswer('LI', rs, backUrl), note: `LI FAIL ${rs}` };
  };

  const fault = deps.faults.take({ api: 'url-login', webExID: wid });
  if (fault?.kind === 'url-failure') return fail(fault.rs);
  // Site-level refusals come first and leave the ticket unused.
  if (!deps.autoLogin || fault?.kind === 'auto-login-disabled') return fail('AutoLoginDisabled');
  // Any open WebEx session in this browser, whoever holds it, stops a login [docs/webex.md §7.6, D7];
  // the ticket stays unused (and usable) — the portal must not leave it lying in a URL.
  if (request.signedInAs !== undefined) return fail('AlreadyLogon');
  // Simulator assumption: docs/webex.md (§7.6) names no RS for a missing WID or TK/PW.
  const user = wid ? deps.users.find({ webExID: wid }) : undefined;
  if (password !== undefined) {
    // Simulator's choice (unverified RS): a password in a query string is refused, as WebEx has since 2016.
    if (!request.passwordPosted) return fail('AccessDenied');
    if (ticket !== undefined || checkPassword(user, password) || !user) return fail('BadWebIDorPassword');
  } else if (!user || !ticket || !deps.tickets.redeem(user.webExID, ticket)) {
    return fail('InvalidTicket');
  }

  deps.onLogin(true);
  return {
    answer: htmlAnswer(200, renderRedirectPage(successTarget(request, user.webExID, backUrl, deps.siteName))),
    setCookie: await deps.sessions.signInCookie(user.webExID),
    note: 'LI SUCCESS',
  };
}

function logOut(request: UrlApiRequest, deps: UrlApiDeps): UrlApiOutcome {
  const backUrl = parseBackUrl(request.params.get('BU'));
  // AT=SU/LI/LO all need the site's autologin option [docs/webex.md §7.7].
  if (!deps.autoLogin) return { answer: failureAnswer('LO', 'AutoLoginDisabled', backUrl), note: 'LO FAIL AutoLoginDisabled' };

  const answer = backUrl
    ? htmlAnswer(200, renderRedirectPage(withResult(backUrl, { AT: 'LO', ST: 'SUCCESS' }).href))
    : htmlAnswer(200, renderPage('Signed out of WebEx', '<h1>Signed out of WebEx</h1>'));
  return { answer, setCookie: deps.sessions.signOutCookie(), note: 'LO SUCCESS' };
}

/** MU if it points to this site, `GoBack` → BU, else the default landing page [docs/webex.md §7.2, §7.5]. */
function successTarget(request: UrlApiRequest, webExID: string, backUrl: URL | undefined, siteName: string): string {
  const mainUrl = request.params.get('MU');
  if (mainUrl === 'GoBack') {
    const back = backUrl ?? withResult(new URL(myWebexPath(siteName), request.origin), { siteurl: siteName });
    return withResult(back, { AT: 'LI', ST: 'SUCCESS', WID: webExID, CSRF: randomUUID() }).href;
  }
  const target = mainUrl ? parseUrl(mainUrl, request.origin) : undefined;
  if (target && request.siteOrigins.includes(target.origin)) return target.href;
  return new URL(dashboardPath(siteName), request.origin).href;
}

const FAILURE_TITLES = { LI: 'WebEx login failed', LO: 'WebEx logout failed', JM: 'Joining the meeting failed', HM: 'Starting the meeting failed' } as const;

/** A URL API command's failure: on to BU with `AT&ST=FAIL&RS` [docs/webex.md §7.6], or WebEx's own page without BU. */
export function failureAnswer(command: keyof typeof FAILURE_TITLES, rs: string, backUrl: URL | undefined): HttpAnswer {
  if (backUrl) return htmlAnswer(200, renderRedirectPage(withResult(backUrl, { AT: command, ST: 'FAIL', RS: rs }).href));
  const title = FAILURE_TITLES[command];
  return htmlAnswer(200, renderPage(title, `<h1>${title}</h1><p>Reason: <code id="rs">${escapeHtml(rs)}</code></p>`));
}

/** BU may be any Internet URL [D8] (docs/webex.md §7.2); the simulator only follows absolute http(s) ones. */
export function parseBackUrl(value: string | null): URL | undefined {
  const url = value ? parseUrl(value) : undefined;
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : undefined;
}

function withResult(url: URL, result: Record<string, string>): URL {
  const copy = new URL(url);
  for (const [name, value] of Object.entries(result)) copy.searchParams.set(name, value);
  return copy;
}

function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | null): string | undefined {
  return value ? value : undefined;
}
