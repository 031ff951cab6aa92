/**
 * The composition root passes the configured timeout and size limit through to the XML API
 * client: a slow and a huge local server over real HTTP, wired the way the app wires itself.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppDeps } from './deps';
import { loadConfig } from '../config';
import { testEnvironment } from '../testing/config';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { createHttpTransport, WebexError } from '../webex';

const TIMEOUT_MS = 250;
const MAX_BYTES = 2_048;
const CONTEXT = { siteName: 'acme', webExID: 'alice', password: 'pw' };

let server: Server;
let base: string;
let store: TempDatabase;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/slow/')) return; // never answers
      // a chunked answer (no Content-Length) just over the limit, then the server goes on writing
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write(`<serv:message xmlns:serv="s">${'x'.repeat(MAX_BYTES)}`);
      const more = setInterval(() => res.write('x'.repeat(1_024)), 20);
      res.on('close', () => clearInterval(more));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store = await openTempDatabase('app-context');
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.remove();
});

function depsFor(path: string) {
  const config = loadConfig(
    testEnvironment({ WEBEX_BASE_URL: `${base}/${path}`, WEBEX_TIMEOUT_MS: String(TIMEOUT_MS), WEBEX_MAX_RESPONSE_BYTES: String(MAX_BYTES) }),
  );
  return { config, deps: createAppDeps(config, store.db, createHttpTransport()).launch };
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; ms: number }> {
  const started = performance.now();
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WebexError)) throw new Error(`expected a WebexError, got ${String(err)}`);
  return { code: err.code, ms: performance.now() - started };
}

describe('createAppDeps', () => {
  it('gives the client WEBEX_TIMEOUT_MS: a server that never answers is cut off near it', async () => {
    const { deps } = depsFor('slow');
    const { code, ms } = await failureOf(deps.webex.getLoginTicket(CONTEXT));
    expect(code).toBe('WEBEX_TIMEOUT');
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    expect(ms).toBeLessThan(TIMEOUT_MS * 3);
  });

  it('gives the client WEBEX_MAX_RESPONSE_BYTES: an answer past it is refused before the timeout', async () => {
    const { deps } = depsFor('huge');
    const { code, ms } = await failureOf(deps.webex.getLoginTicket(CONTEXT));
    expect(code).toBe('WEBEX_RESPONSE_TOO_LARGE');
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });

  it('wires the site, the rule, the credential mode and BU from the same configuration', () => {
    const { config, deps } = depsFor('slow');
    expect(deps.site).toMatchObject({ siteName: 'acme', baseUrl: `${base}/slow` });
    expect(deps.backUrl).toBe('http://localhost:3000/webex/return');
    expect(deps.rule).toEqual(config.mappingRule);
    expect(deps.credentials.mode).toBe(config.hostCredentials.mode);
    expect(deps.db).toBe(store.db);
  });
});
