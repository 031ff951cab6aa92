import { XMLBuilder } from 'fast-xml-parser';

// Namespaces and prefixes exactly as WebEx writes them (seed GetLoginTicket sample, docs/webex.md §2.4,
// and recorded GetSite answers).
const NS = {
  serv: 'http://www.webex.com/schemas/2002/06/service',
  com: 'http://www.webex.com/schemas/2002/06/common',
  use: 'http://www.webex.com/schemas/2002/06/service/user',
  site: 'http://www.webex.com/schemas/2002/06/service/site',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export const API_VERSION = 'WebEx XML API V10.0.0';
export const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

export type GsbStatus = 'PRIMARY' | 'BACKUP';

export interface XmlFailure {
  exceptionID: string;
  reason: string;
  /** serv:subErrors/serv:subError [docs/webex.md §5.1]; 030048 carries AS0001 */
  subErrors?: readonly { exceptionID: string; reason: string; value?: string }[];
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  format: false,
});

export function buildLoginTicketAnswer(ticket: string, gsbStatus: GsbStatus): string {
  return buildMessage({ '@_xmlns:use': NS.use }, successHeader(gsbStatus), {
    '@_xsi:type': 'use:getLoginTicketResponse',
    '@_xmlns:xsi': NS.xsi,
    'use:ticket': ticket,
    'use:apiVersion': API_VERSION,
  });
}

/**
 * GetSite in the shape of recorded answers [docs/webex.md §6.3, S-atlas]: metaData (with WebEx's own
 * spelling parterID), supportAPI, securityOptions, samlSSO. No apiVersion: GetAPIVersion has it.
 */
export function buildSiteAnswer(site: { siteName: string; autoLogin: boolean; enableSSO: boolean }, gsbStatus: GsbStatus): string {
  return buildMessage({ '@_xmlns:ns1': NS.site }, successHeader(gsbStatus), {
    '@_xsi:type': 'ns1:getSiteResponse',
    '@_xmlns:xsi': NS.xsi,
    'ns1:siteInstance': {
      'ns1:metaData': {
        'ns1:isEnterprise': 'true',
        'ns1:siteName': site.siteName,
        'ns1:brandName': site.siteName,
        'ns1:parterID': `${site.siteName}-partner`,
        'ns1:activateStatus': 'true',
      },
      'ns1:supportAPI': {
        'ns1:autoLogin': String(site.autoLogin),
        'ns1:aspAndPHPAPI': 'true',
        'ns1:backwardAPI': 'false',
        'ns1:xmlAPI': 'true',
        'ns1:cAPI': 'false',
        'ns1:scorm': 'false',
      },
      'ns1:securityOptions': {
        'ns1:passwordExpires': 'false',
        'ns1:allMeetingsUnlisted': 'false',
        'ns1:requireStrongPassword': 'true',
      },
      'ns1:samlSSO': { 'ns1:enableSSO': String(site.enableSSO), 'ns1:autoAccountCreation': 'false' },
    },
  });
}

/** AuthenticateUser's answer [docs/webex.md §6.1]: sessionTicket, createTime (epoch ms), timeToLive (seconds). */
export function buildSessionTicketAnswer(ticket: { sessionTicket: string; createTime: number; timeToLive: number }, gsbStatus: GsbStatus): string {
  return buildMessage({ '@_xmlns:use': NS.use }, successHeader(gsbStatus), {
    '@_xsi:type': 'use:authenticateUserResponse',
    '@_xmlns:xsi': NS.xsi,
    'use:sessionTicket': ticket.sessionTicket,
    'use:createTime': String(ticket.createTime),
    'use:timeToLive': String(ticket.timeToLive),
  });
}

/** GetUser's answer, the few profile fields the simulator keeps. */
export function buildUserAnswer(
  user: { webExID: string; email?: string; firstName?: string; lastName?: string; active?: boolean },
  gsbStatus: GsbStatus,
): string {
  return buildMessage({ '@_xmlns:use': NS.use }, successHeader(gsbStatus), {
    '@_xsi:type': 'use:getUserResponse',
    '@_xmlns:xsi': NS.xsi,
    'use:firstName': user.firstName ?? '',
    'use:lastName': user.lastName ?? '',
    'use:webExId': user.webExID,
    'use:email': user.email ?? '',
    'use:active': user.active === false ? 'DEACTIVATED' : 'ACTIVATED',
  });
}

/** FAILURE travels with HTTP 200 and an empty bodyContent [docs/webex.md §5.1]. */
export function buildFailureAnswer(failure: XmlFailure, gsbStatus: GsbStatus): string {
  return buildMessage(
    { '@_xmlns:use': NS.use },
    {
      'serv:result': 'FAILURE',
      'serv:reason': failure.reason,
      'serv:gsbStatus': gsbStatus,
      'serv:exceptionID': failure.exceptionID,
      ...(failure.subErrors?.length
        ? {
            'serv:subErrors': {
              'serv:subError': failure.subErrors.map((sub) => ({
                'serv:exceptionID': sub.exceptionID,
                'serv:reason': sub.reason,
                ...(sub.value === undefined ? {} : { 'serv:value': sub.value }),
              })),
            },
          }
        : {}),
    },
    '',
  );
}

/** A hostile answer: an internal DTD declares the "ticket", which a naive parser would expand. */
export function buildEntityTicketAnswer(): string {
  const whole = buildLoginTicketAnswer('&ticket;', 'PRIMARY').replace('&amp;ticket;', '&ticket;');
  return whole.replace('?>', '?><!DOCTYPE serv:message [<!ENTITY ticket "attacker-chosen-ticket">]>');
}

/** A document cut off mid-way, as a dropped upstream connection would leave it. */
export function buildTruncatedAnswer(): string {
  const whole = buildLoginTicketAnswer('', 'PRIMARY');
  return whole.slice(0, Math.floor(whole.length * 0.6));
}

function successHeader(gsbStatus: GsbStatus) {
  return { 'serv:result': 'SUCCESS', 'serv:gsbStatus': gsbStatus };
}

function buildMessage(extraNamespaces: Record<string, string>, response: object, bodyContent: object | ''): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'serv:message': {
      '@_xmlns:serv': NS.serv,
      '@_xmlns:com': NS.com,
      ...extraNamespaces,
      'serv:header': { 'serv:response': response },
      'serv:body': { 'serv:bodyContent': bodyContent },
    },
  });
}
