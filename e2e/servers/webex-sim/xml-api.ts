import { EXCEPTIONS, failureFor } from './exceptions';
import type { FaultBoard } from './faults';
import { htmlAnswer, textAnswer, type HttpAnswer } from './http';
import type { AccessTokenCheck } from './oauth';
import type { SamlVerifier } from './saml';
import type { SessionTicketStore } from './session-tickets';
import type { TicketStore } from './tickets';
import type { SimFault, SimUser } from './types';
import { checkPassword, type UserDirectory } from './users';
import {
  buildFailureAnswer,
  buildLoginTicketAnswer,
  buildSessionTicketAnswer,
  buildSiteAnswer,
  buildEntityTicketAnswer,
  buildTruncatedAnswer,
  buildUserAnswer,
  XML_CONTENT_TYPE,
  type GsbStatus,
  type XmlFailure,
} from './xml-answers';
import { parseXmlRequest, type ParsedXmlRequest, type SecurityContext } from './xml-request';

export interface XmlApiDeps {
  site: { siteName: string; autoLogin: boolean; enableSSO: boolean };
  users: UserDirectory;
  tickets: TicketStore;
  sessionTickets: SessionTicketStore;
  /** the site's SAML trust, when SSO is configured */
  saml: SamlVerifier | undefined;
  /** the Meetings OAuth server's access tokens, when the organisation has integrations */
  oauth: AccessTokenCheck | undefined;
  faults: FaultBoard;
}

export type XmlOutcome = { kind: 'answer'; answer: HttpAnswer; delayMs: number; note: string } | { kind: 'hang' | 'reset'; note: string };

type Credential = 'password' | 'sessionTicket' | 'webExAccessToken';

/**
 * Answers one POST /WBXService/XMLService body, as the site its securityContext names (`siteOf`).
 * The body is raw XML whatever the content-type says.
 */
export function answerXmlRequest(body: string, siteOf: (siteName: string | undefined) => XmlApiDeps): XmlOutcome {
  const request = parseXmlRequest(body);
  const deps = siteOf(request.context.siteName);
  const user = deps.users.find(request.context);
  const webExID = request.context.webExID ?? user?.webExID;
  const fault = deps.faults.take({ api: 'xml', webExID, call: request.ok ? request.type : undefined, credential: credentialOf(request.context) });
  const note = fault ? `${describe(request)} fault=${fault.kind}` : describe(request);

  const faulted = fault && answerFault(fault, deps, user);
  if (faulted === 'hang' || faulted === 'reset') return { kind: faulted, note };
  if (faulted) return { kind: 'answer', answer: faulted, delayMs: 0, note };

  const gsbStatus: GsbStatus = fault?.kind === 'backup' ? 'BACKUP' : 'PRIMARY';
  const delayMs = fault?.kind === 'latency' ? fault.ms : 0;
  return { kind: 'answer', answer: xmlAnswer(answerRequest(request, user, deps, gsbStatus)), delayMs, note };
}

function credentialOf(context: SecurityContext): Credential | undefined {
  if (context.sessionTicket !== undefined) return 'sessionTicket';
  if (context.webExAccessToken !== undefined) return 'webExAccessToken';
  return context.password !== undefined ? 'password' : undefined;
}

/** The answer a fault forces, or undefined for faults that only alter a normal answer or the simulator's state. */
function answerFault(fault: SimFault, deps: XmlApiDeps, user: SimUser | undefined): HttpAnswer | 'hang' | 'reset' | undefined {
  switch (fault.kind) {
    case 'hang':
      return 'hang';
    case 'reset':
      return 'reset';
    case 'http-status':
      return textAnswer(fault.status, `Simulated HTTP ${fault.status}`);
    case 'malformed-xml':
      return xmlAnswer(buildTruncatedAnswer());
    case 'entity-ticket':
      return xmlAnswer(buildEntityTicketAnswer());
    case 'html':
      return htmlAnswer(200, MAINTENANCE_PAGE);
    case 'failure':
      return xmlAnswer(buildFailureAnswer(failureFor(fault.exceptionID, fault.reason), 'PRIMARY'));
    case 'empty-ticket':
      return xmlAnswer(buildLoginTicketAnswer('', 'PRIMARY'));
    case 'session-ticket-expired':
      if (user) deps.sessionTickets.expireAll(user.webExID);
      return undefined;
    case 'access-token-expired':
      if (user) deps.oauth?.expireAccessTokens(user.webExID);
      return undefined;
    default:
      return undefined;
  }
}

function answerRequest(request: ParsedXmlRequest, user: SimUser | undefined, deps: XmlApiDeps, gsbStatus: GsbStatus): string {
  const fail = (failure: XmlFailure) => buildFailureAnswer(failure, gsbStatus);
  // Simulator's choice of exceptionIDs for requests it cannot read: see exceptions.ts.
  if (!request.ok) {
    return fail(request.problem === 'unsupported-type' ? EXCEPTIONS.unsupportedRequest : EXCEPTIONS.invalidRequest);
  }
  if (request.context.siteName !== deps.site.siteName) return fail(EXCEPTIONS.unknownSite);

  if (request.type === 'AuthenticateUser') {
    const outcome = authenticate(request, user, deps);
    return 'exceptionID' in outcome ? fail(outcome) : buildSessionTicketAnswer(deps.sessionTickets.issue(outcome.webExID), gsbStatus);
  }

  const credentialFailure = checkCredential(request.context, user, deps);
  if (credentialFailure || !user) return fail(credentialFailure ?? EXCEPTIONS.incorrectPassword);
  if (user.active === false) return fail(EXCEPTIONS.accessDenied);

  switch (request.type) {
    case 'GetSite':
      // GetSite reports the switches the faults flip, as a real site's would.
      return buildSiteAnswer({ ...deps.site, autoLogin: deps.site.autoLogin && !deps.faults.has('auto-login-disabled') }, gsbStatus);
    case 'GetUser':
      // Simulator's choice: a host may read only their own profile (site admins are not simulated).
      if (request.body.webExId?.toLowerCase() !== user.webExID.toLowerCase()) return fail(EXCEPTIONS.accessDenied);
      return buildUserAnswer(user, gsbStatus);
    case 'GetLoginTicket':
      // The ticket belongs to the host named in the security context [D1] (docs/webex.md §4.1).
      return buildLoginTicketAnswer(deps.tickets.currentTicket(user.webExID), gsbStatus);
  }
}

/**
 * Checks the one credential in the security context; the host must be the one it was issued to.
 * Credentials are checked before the account state so an inactive account is only revealed to
 * someone who holds its credential.
 */
function checkCredential(context: SecurityContext, user: SimUser | undefined, deps: XmlApiDeps): XmlFailure | undefined {
  const given = (['password', 'sessionTicket', 'webExAccessToken'] as const).filter((name) => context[name] !== undefined);
  // Simulator assumption: docs/webex.md (§3.1) documents each credential as replacing the password,
  // never a mix, so a request carrying several is refused rather than guessed at.
  if (given.length > 1) return EXCEPTIONS.invalidRequest;
  if (context.sessionTicket !== undefined) {
    return user && deps.sessionTickets.holder(context.sessionTicket) === user.webExID ? undefined : EXCEPTIONS.invalidSessionTicket;
  }
  if (context.webExAccessToken !== undefined) {
    return user && deps.oauth?.accessTokenHolder(context.webExAccessToken) === user.webExID ? undefined : EXCEPTIONS.invalidAccessToken;
  }
  return checkPassword(user, context.password);
}

/**
 * AuthenticateUser [docs/webex.md §3.2, docs/webex.md §3.3, docs/webex.md §6.1]: a password in the header with an empty body, or
 * no credential in the header and an access token or a SAML Response in the body. The proof must
 * name the host of the security context.
 */
function authenticate(request: Extract<ParsedXmlRequest, { ok: true }>, user: SimUser | undefined, deps: XmlApiDeps): { webExID: string } | XmlFailure {
  const { context, body } = request;
  if (context.sessionTicket !== undefined || context.webExAccessToken !== undefined) return EXCEPTIONS.invalidRequest;
  const proofs = [context.password !== undefined, body.accessToken !== undefined, body.samlResponse !== undefined].filter(Boolean).length;
  if (proofs !== 1) return EXCEPTIONS.invalidRequest;

  if (context.password !== undefined) {
    const failure = checkPassword(user, context.password);
    if (failure || !user) return failure ?? EXCEPTIONS.incorrectPassword;
  } else if (body.accessToken !== undefined) {
    if (!user || deps.oauth?.accessTokenHolder(body.accessToken) !== user.webExID) return refused('access token');
  } else {
    if (body.protocol !== 'SAML2.0' || !deps.saml) return refused(deps.saml ? 'protocol must be SAML2.0' : 'the site has no SSO configuration');
    const verdict = deps.saml.verify(body.samlResponse ?? '');
    if (!verdict.ok) return refused(verdict.problem);
    if (!user || deps.users.findByNameId(verdict.nameId) !== user) return refused('NameID is not the host of the security context');
  }
  if (user.active === false) return EXCEPTIONS.accessDenied;
  return { webExID: user.webExID };
}

/** 030048 with subError AS0001; the subError's value saying why is the simulator's addition. */
function refused(why: string): XmlFailure {
  return { ...EXCEPTIONS.noSessionTicket, subErrors: EXCEPTIONS.noSessionTicket.subErrors.map((sub) => ({ ...sub, value: why })) };
}

function xmlAnswer(xml: string): HttpAnswer {
  return { status: 200, headers: { 'content-type': XML_CONTENT_TYPE }, body: xml };
}

function describe(request: ParsedXmlRequest): string {
  return request.ok ? request.type : request.problem;
}

const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Service unavailable</title></head>
<body><h1>We'll be back soon</h1><p>WebEx is undergoing scheduled maintenance. Please try again later.</p></body></html>
`;
