/**
 * The Webex platform's token endpoint for the organisation's Service App [docs/webex.md §9.3, R5]:
 * `POST /v1/access_token` with grant_type=refresh_token, client_id and client_secret (form fields),
 * answering access_token, expires_in, refresh_token and refresh_token_expires_in, and no
 * token_type, as the documented answers show. First tokens come from the developer portal's
 * "Generate Tokens" (`generateTokens`, the control API's POST /__sim/service-app/tokens).
 *
 * Simulator's choices, unverified against Webex: refresh tokens rotate on every refresh (Webex
 * says regularly used ones are extended, which may mean it returns the same one), and a rotated
 * one presented again revokes its grant; errors are RFC 6749 bodies (`error: invalid_grant`)
 * with Webex's `message` and `trackingId` beside them; client credentials only as form fields.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FaultBoard } from './faults';
import type { HttpAnswer } from './http';
import { safeEqual } from './safe-equal';
import type { ServiceAppTokens, SimServiceApp, SimStats } from './types';

export const SERVICE_APP_TOKEN_PATH = '/v1/access_token';

interface Grant {
  refreshToken: string;
  refreshExpiresAt: number;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export interface ServiceAppServer {
  /** POST /v1/access_token */
  answerTokenRequest(body: string): HttpAnswer;
  /** "Generate Tokens": a new grant for the authorized app */
  generateTokens(): ServiceAppTokens;
  /** The grant a live access token belongs to; undefined when unknown, expired or revoked. */
  grantOf(accessToken: string): object | undefined;
  /** Ends an access token now (the rest-access-token-expired fault); its grant lives on. */
  expire(accessToken: string): void;
  /** Revokes the grant of an access token (the service-app-revoked fault at the API). */
  revokeGrantOf(accessToken: string): void;
  orgId: string;
  secrets(): string[];
}

const token = () => randomBytes(32).toString('base64url');

/** Webex's error body: a message, and a trackingId for support. */
export function webexErrorBody(message: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({ ...extra, message, errors: [{ description: message }], trackingId: `WEBEX-SIM_${randomUUID()}` });
}

export function jsonAnswer(status: number, body: string, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', ...headers }, body };
}

export function createServiceAppServer(options: SimServiceApp & { faults: FaultBoard; stats: SimStats; now: () => number }): ServiceAppServer {
  const accessTtlSeconds = options.accessTokenTtlSeconds ?? 43_200;
  const refreshTtlSeconds = options.refreshTokenTtlSeconds ?? 60 * 24 * 60 * 60;
  const grantByRefreshToken = new Map<string, Grant>();
  const retired = new Map<string, Grant>();
  const accessTokens = new Map<string, AccessToken>();
  const issued: string[] = [];

  function issue(grant: Grant): ServiceAppTokens {
    const access = token();
    accessTokens.set(access, { grant, expiresAt: options.now() + accessTtlSeconds * 1000 });
    issued.push(access);
    return {
      access_token: access,
      expires_in: accessTtlSeconds,
      refresh_token: grant.refreshToken,
      refresh_token_expires_in: Math.max(0, Math.floor((grant.refreshExpiresAt - options.now()) / 1000)),
    };
  }

  function rotate(grant: Grant): void {
    grant.refreshToken = token();
    grant.refreshExpiresAt = options.now() + refreshTtlSeconds * 1000;
    grantByRefreshToken.set(grant.refreshToken, grant);
    issued.push(grant.refreshToken);
  }

  const invalidGrant = (why: string) => jsonAnswer(400, webexErrorBody(why, { error: 'invalid_grant', error_description: why }));

  return {
    orgId: options.orgId ?? 'Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9hY21lLWRlbW8',
    generateTokens() {
      const grant: Grant = { refreshToken: '', refreshExpiresAt: 0, revoked: false };
      rotate(grant);
      return issue(grant);
    },
    answerTokenRequest(body) {
      const form = new URLSearchParams(body);
      const fault = options.faults.take({ api: 'rest-token' });
      if (fault?.kind === 'rest-token-endpoint-down') return jsonAnswer(503, webexErrorBody('Service Unavailable'));
      const clientOk = form.get('client_id') === options.clientId && safeEqual(form.get('client_secret') ?? '', options.clientSecret);
      if (!clientOk) return jsonAnswer(401, webexErrorBody('Invalid client credentials', { error: 'invalid_client' }));
      if (form.get('grant_type') !== 'refresh_token') return jsonAnswer(400, webexErrorBody('Unsupported grant type', { error: 'unsupported_grant_type' }));
      const presented = form.get('refresh_token') ?? '';
      const stale = retired.get(presented);
      if (stale) {
        // a rotated token coming back: two parties hold the grant (simulator's choice)
        stale.revoked = true;
        return invalidGrant('The refresh token was already used');
      }
      const grant = grantByRefreshToken.get(presented);
      if (!grant || grant.revoked || grant.refreshExpiresAt <= options.now()) return invalidGrant('The refresh token is invalid, expired or revoked');
      if (fault?.kind === 'service-app-revoked') {
        grant.revoked = true;
        return invalidGrant('The Service App was deauthorized');
      }
      grantByRefreshToken.delete(presented);
      retired.set(presented, grant);
      rotate(grant);
      options.stats.serviceAppRefreshes += 1;
      return jsonAnswer(200, JSON.stringify(issue(grant)));
    },
    grantOf(presented) {
      const access = accessTokens.get(presented);
      if (!access || access.expiresAt <= options.now() || access.grant.revoked) return undefined;
      return access.grant;
    },
    expire(presented) {
      const access = accessTokens.get(presented);
      if (access) access.expiresAt = 0;
    },
    revokeGrantOf(presented) {
      const access = accessTokens.get(presented);
      if (access) access.grant.revoked = true;
    },
    secrets: () => [...issued],
  };
}
