import { afterEach, describe, expect, it } from 'vitest';
import { createWebexClient } from './client';
import { WebexError } from './errors';
import { createUpstreamGuard, type UpstreamGuard } from './guard';
import type { Transport, TransportResponse } from './transport';

const OK =
  '<serv:message xmlns:serv="s"><serv:header><serv:response><serv:result>SUCCESS</serv:result></serv:response></serv:header><serv:body><serv:bodyContent><ticket>T</ticket></serv:bodyContent></serv:body></serv:message>';
const FAILURE =
  '<serv:message xmlns:serv="s"><serv:header><serv:response><serv:result>FAILURE</serv:result><serv:exceptionID>030002</serv:exceptionID></serv:response></serv:header><serv:body><serv:bodyContent/></serv:body></serv:message>';
const CONTEXT = { siteName: 'acme', webExID: 'alice', password: 'pw' };

async function* once(text: string) {
  yield Buffer.from(text);
}
const answer = (text: string): TransportResponse => ({
  status: 200,
  contentLength: undefined,
  header: () => undefined,
  body: once(text),
  discard: () => undefined,
});
const refused: Transport = async () => {
  throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
};

const guards: UpstreamGuard[] = [];
afterEach(() => {
  for (const g of guards.splice(0)) g.close();
});
function guard(options: Partial<Parameters<typeof createUpstreamGuard>[0]> = {}) {
  const g = createUpstreamGuard({ maxConcurrency: 2, maxWaitMs: 50, failureThreshold: 3, coolDownMs: 200, ...options });
  guards.push(g);
  return g;
}
const client = (transport: Transport, g: UpstreamGuard, timeoutMs = 1_000) =>
  createWebexClient({ baseUrl: 'http://webex.test', timeoutMs, maxResponseBytes: 65_536, transport, guard: g });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof WebexError ? e.code : `not a WebexError: ${String(e)}`),
  );

describe('upstream guard', () => {
  it('caps calls in flight; past the bounded wait the answer is WEBEX_BUSY, and the slots are given back', async () => {
    const g = guard();
    const releases: (() => void)[] = [];
    let maxInFlight = 0;
    let inFlight = 0;
    const slow: Transport = () =>
      new Promise((resolve) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        releases.push(() => {
          inFlight -= 1;
          resolve(answer(OK));
        });
      });
    const c = client(slow, g);
    const first = [codeOf(c.getLoginTicket(CONTEXT)), codeOf(c.getLoginTicket(CONTEXT))];
    const third = codeOf(c.getLoginTicket(CONTEXT));
    expect(await third).toBe('WEBEX_BUSY');
    expect(g.stats()).toMatchObject({ inFlight: 2, waiting: 0 });
    for (const release of releases.splice(0)) release();
    expect(await Promise.all(first)).toEqual(['OK', 'OK']);
    expect(maxInFlight).toBe(2);
    expect(g.stats()).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('a waiting call gets the slot another gives back within the wait', async () => {
    const g = guard({ maxConcurrency: 1, maxWaitMs: 500 });
    const c = client(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return answer(OK);
    }, g);
    expect(await Promise.all([codeOf(c.getLoginTicket(CONTEXT)), codeOf(c.getLoginTicket(CONTEXT))])).toEqual(['OK', 'OK']);
  });

  it('opens after a run of connection failures, answers at once, lets one probe through after the cool-down, and closes on success', async () => {
    const g = guard();
    let up = false;
    let calls = 0;
    const transport: Transport = async (url, body, signal) => {
      calls += 1;
      if (!up) return refused(url, body, signal);
      return answer(OK);
    };
    const c = client(transport, g);
    for (let i = 0; i < 3; i += 1) expect(await codeOf(c.getLoginTicket(CONTEXT))).toBe('WEBEX_UNREACHABLE');
    expect(g.stats().circuit).toBe('open');
    const before = calls;
    expect(await codeOf(c.getLoginTicket(CONTEXT))).toBe('WEBEX_CIRCUIT_OPEN');
    expect(calls).toBe(before);

    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(g.stats().circuit).toBe('half-open');
    up = true;
    expect(await codeOf(c.getLoginTicket(CONTEXT))).toBe('OK');
    expect(g.stats().circuit).toBe('closed');
  });

  it('a failing probe opens the circuit again; while it is in flight, others are answered at once', async () => {
    const g = guard();
    const c = client(refused, g);
    for (let i = 0; i < 3; i += 1) await codeOf(c.getLoginTicket(CONTEXT));
    await new Promise((resolve) => setTimeout(resolve, 250));
    let finishProbe: () => void = () => undefined;
    const probing = client(
      () =>
        new Promise((_resolve, reject) => {
          finishProbe = () => reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
        }),
      g,
    );
    const probe = codeOf(probing.getLoginTicket(CONTEXT));
    expect(await codeOf(c.getLoginTicket(CONTEXT))).toBe('WEBEX_CIRCUIT_OPEN');
    finishProbe();
    expect(await probe).toBe('WEBEX_UNREACHABLE');
    expect(g.stats().circuit).toBe('open');
  });

  it('WebEx FAILURE answers and timeouts are told apart: only outages count, and open it once they are most of the window', async () => {
    const g = guard();
    const failing = client(async () => answer(FAILURE), g);
    for (let i = 0; i < 6; i += 1) expect(await codeOf(failing.getLoginTicket(CONTEXT))).toBe('WEBEX_BAD_CREDENTIALS');
    expect(g.stats().circuit).toBe('closed');
    const hanging = client((_u, _b, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))), g, 20);
    for (let i = 0; i < 6; i += 1) expect(await codeOf(hanging.getLoginTicket(CONTEXT))).toBe('WEBEX_TIMEOUT');
    expect(g.stats().circuit).toBe('closed'); // 6 outages in 12 calls: not more than half
    expect(await codeOf(hanging.getLoginTicket(CONTEXT))).toBe('WEBEX_TIMEOUT');
    expect(g.stats().circuit).toBe('open');
  });
});
