/**
 * "Connect WebEx": the employee authorizes the portal once at WebEx (authorization code + PKCE +
 * state), tied to their portal session by a sealed, short-lived cookie; the tokens are proven to
 * belong to the employee's WebEx ID before they are kept.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit';
import { clearCookie, serializeCookie } from '../http';
import type { Database } from '../db';
import { normalizeEmail } from '../identity';
import { type WebexClient, WebexError } from '../webex';
import { HostCredentialError, type HostCredentialCode } from './errors';
import type { TokenSet, WebexOAuthClient } from './oauth-client';
import type { OAuthTokenStore } from './oauth-tokens';
import { SealedSecretError, sealSecret, type SecretKeys, unsealSecret } from '../secrets';

export const CONNECT_COOKIE = 'webex_connect';
/** Long enough to sign in at WebEx, short enough that a forgotten tab's state is useless. */
export const CONNECT_TTL_SECONDS = 10 * 60;
// the routes that start and finish a connection: nowhere else is the cookie sent
const CONNECT_PATH = '/webex/connect';

/** Set-Cookie for a started connection's sealed state, or clearing it (undefined). */
export function connectCookie(sealed: string | undefined, appUrl: URL): string {
  return sealed === undefined
    ? clearCookie(CONNECT_COOKIE, appUrl, CONNECT_PATH)
    : serializeCookie(CONNECT_COOKIE, sealed, appUrl, { maxAgeSeconds: CONNECT_TTL_SECONDS, path: CONNECT_PATH });
}

interface PendingConnect {
  email: string;
  /** the site the connection is for ('' the default site): the callback finishes it there */
  site: string;
  state: string;
  codeVerifier: string;
  expiresAt: number;
}

function isPendingConnect(value: unknown): value is PendingConnect {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.email === 'string' &&
    typeof v.site === 'string' &&
    typeof v.state === 'string' &&
    typeof v.codeVerifier === 'string' &&
    typeof v.expiresAt === 'number'
  );
}

async function readPending(sealed: string | undefined, keys: SecretKeys): Promise<PendingConnect | undefined> {
  try {
    return sealed ? await unsealSecret(sealed, keys, isPendingConnect) : undefined;
  } catch (err) {
    if (!(err instanceof SealedSecretError)) throw err;
    return undefined;
  }
}

/** The site a started connection is for, so the callback can take that site's wiring; undefined for no readable state. */
export async function connectSiteOf(sealedPending: string | undefined, keys: SecretKeys): Promise<string | undefined> {
  return (await readPending(sealedPending, keys))?.site;
}

export interface ConnectDeps {
  db: Kysely<Database>;
  keys: SecretKeys;
  oauth: WebexOAuthClient;
  tokens: OAuthTokenStore;
  webex: Pick<WebexClient, 'getUser' | 'authenticateUser'>;
  /** the site's key ('' the default site) and WebEx name: tokens are kept per site */
  site: string;
  siteName: string;
  tokenUse: 'access-token' | 'session-ticket';
}

/** Where to send the browser, and the sealed cookie that remembers what the callback must prove. */
export async function startConnect(deps: Pick<ConnectDeps, 'oauth' | 'keys' | 'site'>, email: string): Promise<{ location: string; cookie: string }> {
  const start = await deps.oauth.startAuthorization();
  const pending: PendingConnect = {
    email: normalizeEmail(email),
    site: deps.site,
    state: start.state,
    codeVerifier: start.codeVerifier,
    expiresAt: Date.now() + CONNECT_TTL_SECONDS * 1000,
  };
  return { location: start.url, cookie: await sealSecret(pending, deps.keys) };
}

export type ConnectResult =
  { ok: true; webexId: string } | { ok: false; code: HostCredentialCode | 'CONNECT_EXPIRED' | 'CONNECT_WRONG_ACCOUNT'; message: string };

/** Proves the new tokens act as `webexId` at WebEx, as the launch will use them. */
async function proveOwnership(deps: ConnectDeps, webexId: string, tokens: TokenSet): Promise<boolean> {
  const context = { siteName: deps.siteName, webExID: webexId };
  try {
    if (deps.tokenUse === 'access-token') await deps.webex.getUser({ ...context, webExAccessToken: tokens.accessToken });
    else await deps.webex.authenticateUser(context, { accessToken: tokens.accessToken });
    return true;
  } catch (err) {
    if (err instanceof WebexError && ['WEBEX_CREDENTIAL_EXPIRED', 'WEBEX_BAD_CREDENTIALS', 'WEBEX_ACCESS_DENIED', 'WEBEX_REFUSED'].includes(err.code))
      return false;
    throw err;
  }
}

/**
 * Completes the connection for the signed-in employee: the callback must carry the state of a
 * request this same employee started, recently, for this site. Audited whatever the outcome.
 */
export async function finishConnect(
  deps: ConnectDeps,
  user: { email: string; webexId: string },
  callback: URL,
  sealedPending: string | undefined,
): Promise<ConnectResult> {
  const email = normalizeEmail(user.email);
  const result = await exchange();
  await recordAudit(deps.db, {
    actor: email,
    action: 'oauth.connect',
    target: user.webexId,
    outcome: result.ok ? 'OK' : result.code,
    // the audit names a site other than the default, as the launch's does
    ...(deps.site ? { detail: { site: deps.site } } : {}),
  });
  return result;

  async function exchange(): Promise<ConnectResult> {
    const pending = await readPending(sealedPending, deps.keys);
    if (!pending || pending.email !== email || pending.site !== deps.site || pending.expiresAt < Date.now()) {
      return { ok: false, code: 'CONNECT_EXPIRED', message: 'This connection attempt expired or was started in another session. Start again from the portal.' };
    }
    let tokens: TokenSet;
    try {
      tokens = await deps.oauth.finishAuthorization(callback, pending);
    } catch (err) {
      if (err instanceof HostCredentialError) return { ok: false, code: err.code, message: err.message };
      throw err;
    }
    if (!(await proveOwnership(deps, user.webexId, tokens))) {
      await deps.oauth.revoke(tokens.refreshToken ?? tokens.accessToken).catch(() => false);
      return {
        ok: false,
        code: 'CONNECT_WRONG_ACCOUNT',
        message: `The WebEx account you signed in with is not ${user.webexId}, the one linked to your portal account.`,
      };
    }
    await deps.tokens.save(email, user.webexId, tokens);
    return { ok: true, webexId: user.webexId };
  }
}

/** Ends a connection (the employee's "Disconnect", or an admin's "Revoke"), audited. */
export async function disconnect(deps: Pick<ConnectDeps, 'db' | 'tokens' | 'site'>, email: string, actor: string): Promise<boolean> {
  const outcome = await deps.tokens.disconnect(email);
  if (outcome.existed) {
    await recordAudit(deps.db, {
      actor,
      action: actor === normalizeEmail(email) ? 'oauth.disconnect' : 'oauth.revoke',
      target: normalizeEmail(email),
      outcome: 'OK',
      detail: { revokedAtWebex: outcome.revokedAtWebex, ...(deps.site ? { site: deps.site } : {}) },
    });
  }
  return outcome.existed;
}
