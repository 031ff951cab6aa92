import type { IncomingMessage } from 'node:http';
import { sealData, unsealData } from 'iron-session';

/**
 * Each site keeps its own sign-in, as each WebEx site is its own host with its own cookies: one
 * cookie per site on the simulator's one origin (RFC 6265 cookies do not isolate by path for reading).
 */
export function sessionCookieName(siteName: string): string {
  return `webex_sim_session_${siteName}`;
}

/** WebEx ends a session after 30 minutes of inactivity [docs/webex.md §7.10]; the simulator does not slide it. */
const SESSION_TTL_SECONDS = 30 * 60;

/** iron-session refuses shorter passwords; failing at start-up says what to fix. */
export const MIN_SESSION_PASSWORD_LENGTH = 32;

interface SessionData {
  webExID?: unknown;
}

/** The simulator's WebEx sign-in, kept in an iron-session sealed cookie (plain http, so not Secure). */
export interface BrowserSessions {
  /** The WebEx ID the browser is signed in as, if its cookie is valid. */
  signedInAs(req: IncomingMessage): Promise<string | undefined>;
  signInCookie(webExID: string): Promise<string>;
  signOutCookie(): string;
}

export function createBrowserSessions(password: string, siteName: string): BrowserSessions {
  const name = sessionCookieName(siteName);
  if (password.length < MIN_SESSION_PASSWORD_LENGTH) {
    throw new Error(`webex-sim: Bad usage. sessionPassword must be at least ${MIN_SESSION_PASSWORD_LENGTH} characters long.`);
  }
  const cookie = (value: string, maxAgeSeconds: number) => `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax`;

  return {
    async signedInAs(req) {
      const seal = readCookie(req.headers.cookie, name);
      if (!seal) return undefined;
      try {
        const data = await unsealData<SessionData>(seal, { password, ttl: SESSION_TTL_SECONDS });
        return typeof data.webExID === 'string' ? data.webExID : undefined;
      } catch {
        // unsealData throws on some malformed seals (e.g. "Wrong mac prefix"); a bad cookie is no session.
        return undefined;
      }
    },
    async signInCookie(webExID) {
      const seal = await sealData({ webExID }, { password, ttl: SESSION_TTL_SECONDS });
      return cookie(seal, SESSION_TTL_SECONDS);
    },
    signOutCookie() {
      return cookie('', 0);
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
