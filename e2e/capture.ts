import { appendFileSync, mkdirSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';
import { appOrigin, E2E_MODES, postgresOrigin } from './ports';

/** Where every portal page, JSON and text answer the suite saw is kept, for the secrets sweep. */
export const CAPTURE_DIR = 'data/captured';
export const CAPTURED_BODIES = `${CAPTURE_DIR}/bodies.txt`;
export const CAPTURED_SESSION_COOKIES = `${CAPTURE_DIR}/session-cookies.txt`;

const PORTALS = new Set<string>([...E2E_MODES.map(appOrigin), postgresOrigin('a'), postgresOrigin('b')]);
const READABLE = /text\/html|application\/json|text\/plain|text\/csv|xml/;

/** Records the portal's answers in this browser context: bodies, and the session cookies it set. */
export function captureResponses(context: BrowserContext): void {
  mkdirSync(CAPTURE_DIR, { recursive: true });
  context.on('response', async (response) => {
    if (!PORTALS.has(new URL(response.url()).origin)) return;
    // an answer that arrives as its test closes the context can no longer be read: there is nothing to keep
    const headers = await response.headersArray().catch(() => []);
    for (const { name, value } of headers) {
      const cookie = name.toLowerCase() === 'set-cookie' ? /next-auth\.session-token=([^;]+)/.exec(value)?.[1] : undefined;
      if (cookie) appendFileSync(CAPTURED_SESSION_COOKIES, `${cookie}\n`);
    }
    if (response.status() >= 300 && response.status() < 400) return;
    if (!READABLE.test(response.headers()['content-type'] ?? '')) return;
    const body = await response.text().catch(() => undefined);
    if (body) appendFileSync(CAPTURED_BODIES, `\n--- ${response.status()} ${response.url()}\n${body}`);
  });
}
