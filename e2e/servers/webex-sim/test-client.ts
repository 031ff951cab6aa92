/** HTTP helpers for the simulator's own tests: requests as Cisco's samples write them, and a tiny browser. */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { WebexSimulator } from './index';

export const SITE = 'acme';
export const NS = {
  serv: 'http://www.webex.com/schemas/2002/06/service',
  com: 'http://www.webex.com/schemas/2002/06/common',
  use: 'http://www.webex.com/schemas/2002/06/service/user',
  site: 'http://www.webex.com/schemas/2002/06/service/site',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
};
export const GET_LOGIN_TICKET = 'java:com.webex.service.binding.user.GetLoginTicket';
export const GET_SITE = 'java:com.webex.service.binding.site.GetSite';
export const AUTHENTICATE_USER = 'java:com.webex.service.binding.user.AuthenticateUser';
export const GET_USER = 'java:com.webex.service.binding.user.GetUser';

// ---------- XML API helpers ----------

export interface ContextFields {
  siteName?: string;
  webExID?: string;
  email?: string;
  password?: string;
  sessionTicket?: string;
  webExAccessToken?: string;
}

const requestBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });

/** A request the way Cisco's samples write it: prefixed root, unprefixed header/body. */
export function buildRequest(context: ContextFields, type = GET_LOGIN_TICKET, body: Record<string, string> = {}): string {
  return requestBuilder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'serv:message': {
      '@_xmlns:serv': NS.serv,
      '@_xmlns:xsi': NS.xsi,
      header: { securityContext: { siteName: SITE, ...context } },
      body: { bodyContent: { '@_xsi:type': type, ...body } },
    },
  });
}

export const aliceByPassword = { webExID: 'alice', password: 'Alice-WebEx-1' };

/** Parses answers keeping prefixes, so the tests check WebEx's exact `serv:`/`use:` spelling. */
export const answerParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

export type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed XML is untyped; tests index it freely

export async function postXml(sim: WebexSimulator, body: string, contentType = 'application/xml', signal?: AbortSignal) {
  const response = await fetch(`${sim.url}/WBXService/XMLService`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    signal,
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text };
}

export async function callXml(sim: WebexSimulator, context: ContextFields, type = GET_LOGIN_TICKET, body: Record<string, string> = {}) {
  const answer = await postXml(sim, buildRequest(context, type, body));
  const tree: Tree = answerParser.parse(answer.text);
  const message: Tree = tree['serv:message'];
  const response: Tree = message['serv:header']['serv:response'];
  return { ...answer, message, response, bodyContent: message['serv:body']['serv:bodyContent'] as Tree | string };
}

export async function ticketFor(sim: WebexSimulator, context: ContextFields = aliceByPassword): Promise<string> {
  const answer = await callXml(sim, context);
  expect(answer.response['serv:result']).toBe('SUCCESS');
  return (answer.bodyContent as Tree)['use:ticket'];
}

export function expectFailure(answer: Awaited<ReturnType<typeof callXml>>, exceptionID: string, reason?: string) {
  expect(answer.status).toBe(200);
  expect(answer.response['serv:result']).toBe('FAILURE');
  expect(answer.response['serv:exceptionID']).toBe(exceptionID);
  expect(answer.response['serv:gsbStatus']).toBe('PRIMARY');
  if (reason) expect(answer.response['serv:reason']).toBe(reason);
  expect(answer.bodyContent).toBe('');
  expect(answer.text).toContain('<serv:bodyContent/>');
}

/** A session ticket from AuthenticateUser with the host's password in the header (docs/webex.md §3.3, last paragraph). */
export async function sessionTicketFor(sim: WebexSimulator, context: ContextFields = aliceByPassword): Promise<string> {
  const answer = await callXml(sim, context, AUTHENTICATE_USER);
  expect(answer.response['serv:result']).toBe('SUCCESS');
  return (answer.bodyContent as Tree)['use:sessionTicket'];
}

// ---------- Browser helpers (cookie jar + p.php's script redirect) ----------

export function createBrowser() {
  const jar = new Map<string, string>();
  return {
    cookies: jar,
    async open(url: string, init: RequestInit = {}) {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(url, { ...init, headers: { ...init.headers, ...(cookie ? { cookie } : {}) } });
      const setCookies = response.headers.getSetCookie();
      for (const header of setCookies) {
        const [pair = ''] = header.split(';');
        const name = pair.slice(0, pair.indexOf('='));
        if (/;\s*Max-Age=0/i.test(header)) jar.delete(name);
        else jar.set(name, pair.slice(pair.indexOf('=') + 1));
      }
      return { response, html: await response.text(), setCookies };
    },
  };
}

/** Where p.php's page sends the browser: the target of `location.href="…"`. */
export function scriptRedirectTarget(html: string): string {
  const match = /location\.href=("(?:[^"\\]|\\.)*")/.exec(html);
  if (!match?.[1]) throw new Error(`no location.href in page: ${html}`);
  return JSON.parse(match[1]) as string;
}

export function heading(html: string): string | undefined {
  return /<h1>(.*?)<\/h1>/.exec(html)?.[1];
}

export function loginUrl(sim: WebexSimulator, params: Record<string, string>): string {
  const url = new URL(`/${SITE}/p.php`, sim.url);
  url.search = new URLSearchParams({ AT: 'LI', ...params }).toString();
  return url.href;
}

export const BACK_URL = 'http://portal.example/webex/back?flow=42';
