import { EXCEPTIONS, reasonFor } from './exceptions';
import type { FaultBoard } from './faults';
import { htmlAnswer, textAnswer, type HttpAnswer } from './http';
import type { TicketStore } from './tickets';
import type { SimFault } from './types';
import { checkCredential, type UserDirectory } from './users';
import {
  buildFailureAnswer,
  buildLoginTicketAnswer,
  buildSiteAnswer,
  buildTruncatedAnswer,
  XML_CONTENT_TYPE,
  type GsbStatus,
  type XmlFailure,
} from './xml-answers';
import { parseXmlRequest, type ParsedXmlRequest } from './xml-request';

export interface XmlApiDeps {
  site: { siteName: string; autoLogin: boolean; enableSSO: boolean };
  users: UserDirectory;
  tickets: TicketStore;
  faults: FaultBoard;
}

export type XmlOutcome =
  | { kind: 'answer'; answer: HttpAnswer; delayMs: number; note: string }
  | { kind: 'hang'; note: string };

/** Answers one POST /WBXService/XMLService body. The body is raw XML whatever the content-type says. */
export function answerXmlRequest(body: string, deps: XmlApiDeps): XmlOutcome {
  const request = parseXmlRequest(body);
  const webExID = request.context.webExID ?? deps.users.find(request.context)?.webExID;
  const isGetLoginTicket = request.ok && request.type === 'GetLoginTicket';
  const fault = deps.faults.take({ api: 'xml', webExID, isGetLoginTicket });
  const note = fault ? `${describe(request)} fault=${fault.kind}` : describe(request);

  const faulted = fault && answerFault(fault);
  if (faulted === 'hang') return { kind: 'hang', note };
  if (faulted) return { kind: 'answer', answer: faulted, delayMs: 0, note };

  const gsbStatus: GsbStatus = fault?.kind === 'backup' ? 'BACKUP' : 'PRIMARY';
  const delayMs = fault?.kind === 'latency' ? fault.ms : 0;
  return { kind: 'answer', answer: xmlAnswer(answerRequest(request, deps, gsbStatus)), delayMs, note };
}

/** The answer a fault forces, or undefined for faults that only alter a normal answer. */
function answerFault(fault: SimFault): HttpAnswer | 'hang' | undefined {
  switch (fault.kind) {
    case 'hang':
      return 'hang';
    case 'http-status':
      return textAnswer(fault.status, `Simulated HTTP ${fault.status}`);
    case 'malformed-xml':
      return xmlAnswer(buildTruncatedAnswer());
    case 'html':
      return htmlAnswer(200, MAINTENANCE_PAGE);
    case 'failure':
      return xmlAnswer(
        buildFailureAnswer({ exceptionID: fault.exceptionID, reason: fault.reason ?? reasonFor(fault.exceptionID) }, 'PRIMARY'),
      );
    case 'empty-ticket':
      return xmlAnswer(buildLoginTicketAnswer('', 'PRIMARY'));
    default:
      return undefined;
  }
}

function answerRequest(request: ParsedXmlRequest, deps: XmlApiDeps, gsbStatus: GsbStatus): string {
  const fail = (failure: XmlFailure) => buildFailureAnswer(failure, gsbStatus);
  // Simulator's choice of exceptionIDs for requests it cannot read: see exceptions.ts.
  if (!request.ok) {
    return fail(request.problem === 'unsupported-type' ? EXCEPTIONS.unsupportedRequest : EXCEPTIONS.invalidRequest);
  }
  if (request.context.siteName !== deps.site.siteName) return fail(EXCEPTIONS.unknownSite);

  const user = deps.users.find(request.context);
  if (!user) return fail(EXCEPTIONS.noUser);
  const credentialFailure = checkCredential(request.context, user);
  if (credentialFailure) return fail(credentialFailure);
  if (user.active === false) return fail(EXCEPTIONS.accessDenied);

  if (request.type === 'GetSite') return buildSiteAnswer(deps.site, gsbStatus);
  // The ticket belongs to the host named in the security context [reference D1].
  return buildLoginTicketAnswer(deps.tickets.currentTicket(user.webExID), gsbStatus);
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
