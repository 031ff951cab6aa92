/**
 * The Webex Meetings OAuth authorization server, as far as an integration sees it: Cisco's sample
 * uses https://api.webex.com/v1/oauth2/authorize and …/token with PKCE S256 and
 * client_secret_post [docs/webex.md §8.4, C7 oauth2.py]; Splunk refreshes with refresh_token
 * [C10]. What docs/webex.md does not give is the simulator's choice, marked "unverified": PKCE is
 * required, codes live 60 s and work once, refresh tokens rotate and a reused one revokes its
 * grant, /v1/oauth2/revoke exists (RFC 7009) and revokes the whole grant.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FaultBoard } from './faults';
import { escapeHtml, renderPage } from './html';
import { htmlAnswer, type HttpAnswer } from './http';
import { safeEqual } from './safe-equal';
import type { SimOAuthClient, SimStats } from './types';
import { checkPassword, type UserDirectory } from './users';

export const OAUTH_PATHS = { authorize: '/v1/oauth2/authorize', token: '/v1/oauth2/token', revoke: '/v1/oauth2/revoke' } as const;

const CODE_TTL_MS = 60_000; // unverified
const PENDING_TTL_MS = 10 * 60_000;

interface PendingAuthorization {
  client: SimOAuthClient;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  scope: string;
  expiresAt: number;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  webExID: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  /** the grant this code produced, revoked if the code is presented again */
  grantId?: string;
}

interface Grant {
  id: string;
  clientId: string;
  webExID: string;
  scope: string;
  refreshToken: string;
  refreshExpiresAt: number;
  revoked: boolean;
}

interface AccessToken {
  grantId: string;
  webExID: string;
  expiresAt: number;
}

export interface OAuthServerOptions {
  clients: readonly SimOAuthClient[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  users: UserDirectory;
  faults: FaultBoard;
  stats: SimStats;
  now: () => number;
}

export interface OAuthServer {
  /** GET/POST /v1/oauth2/authorize, POST /v1/oauth2/token, POST /v1/oauth2/revoke */
  answer(method: string, pathname: string, query: URLSearchParams, body: string, authorization: string | undefined): HttpAnswer;
  /** The WebEx ID a live access token was issued to (webExAccessToken in a securityContext, accessToken in AuthenticateUser). */
  accessTokenHolder(token: string): string | undefined;
  /** Ends every access token of the host now (the access-token-expired fault). */
  expireAccessTokens(webExID: string): void;
  secrets(): { accessTokens: string[]; refreshTokens: string[]; authorizationCodes: string[] };
}

const token = () => randomBytes(32).toString('base64url');

export function createOAuthServer(options: OAuthServerOptions): OAuthServer {
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  const pending = new Map<string, PendingAuthorization>();
  const codes = new Map<string, AuthorizationCode>();
  const grants = new Map<string, Grant>();
  const grantByRefreshToken = new Map<string, string>();
  /** refresh tokens already rotated out, by the grant they belonged to */
  const retiredRefreshTokens = new Map<string, string>();
  const accessTokens = new Map<string, AccessToken>();
  const everRefreshTokens: string[] = [];

  function issueTokens(grant: Grant): HttpAnswer {
    const access = token();
    accessTokens.set(access, { grantId: grant.id, webExID: grant.webExID, expiresAt: options.now() + options.accessTokenTtlSeconds * 1000 });
    return json(200, {
      access_token: access,
      token_type: 'Bearer',
      expires_in: options.accessTokenTtlSeconds,
      refresh_token: grant.refreshToken,
      refresh_token_expires_in: Math.max(0, Math.floor((grant.refreshExpiresAt - options.now()) / 1000)),
      scope: grant.scope,
    });
  }

  function newRefreshToken(grant: Grant): void {
    grant.refreshToken = token();
    grant.refreshExpiresAt = options.now() + options.refreshTokenTtlSeconds * 1000;
    grantByRefreshToken.set(grant.refreshToken, grant.id);
    everRefreshTokens.push(grant.refreshToken);
  }

  function revoke(grant: Grant | undefined): void {
    if (grant) grant.revoked = true;
  }

  function authorizePage(id: string, request: PendingAuthorization, error?: string): HttpAnswer {
    const body =
      `<h1>Sign in to WebEx</h1><p>${escapeHtml(request.client.clientId)} asks to use your WebEx account (${escapeHtml(request.scope || 'no scope')}).</p>` +
      (error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : '') +
      `<form method="post" action="${OAUTH_PATHS.authorize}"><input type="hidden" name="request" value="${escapeHtml(id)}">` +
      '<label>WebEx ID or e-mail <input name="login" autocomplete="username"></label> ' +
      '<label>Password <input name="password" type="password" autocomplete="current-password"></label> ' +
      '<button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny">Deny</button></form>';
    return htmlAnswer(error ? 401 : 200, renderPage('Sign in to WebEx', body));
  }

  function startAuthorization(query: URLSearchParams): HttpAnswer {
    const client = clients.get(query.get('client_id') ?? '');
    const redirectUri = query.get('redirect_uri') ?? '';
    // Never redirect to an unregistered URI: an error page instead [RFC 6749 §4.1.2.1].
    if (!client || !client.redirectUris.includes(redirectUri)) return htmlAnswer(400, renderPage('WebEx', '<h1>Unknown client or redirect URI</h1>'));
    const state = query.get('state') ?? undefined;
    if (query.get('response_type') !== 'code') return redirectWithError(redirectUri, 'unsupported_response_type', state);
    const codeChallenge = query.get('code_challenge') ?? '';
    if (query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge))
      return redirectWithError(redirectUri, 'invalid_request', state);
    const id = token();
    const request = { client, redirectUri, state, codeChallenge, scope: query.get('scope') ?? '', expiresAt: options.now() + PENDING_TTL_MS };
    pending.set(id, request);
    return authorizePage(id, request);
  }

  function finishAuthorization(form: URLSearchParams): HttpAnswer {
    const id = form.get('request') ?? '';
    const request = pending.get(id);
    if (!request || request.expiresAt < options.now()) return htmlAnswer(400, renderPage('WebEx', '<h1>This sign-in request has expired</h1>'));
    if (form.get('decision') !== 'allow') {
      pending.delete(id);
      return redirectWithError(request.redirectUri, 'access_denied', request.state);
    }
    const login = (form.get('login') ?? '').trim();
    const user = options.users.find(login.includes('@') ? { email: login } : { webExID: login }) ?? options.users.find({ webExID: login });
    if (!user || checkPassword(user, form.get('password') ?? undefined) || user.active === false)
      return authorizePage(id, request, 'Wrong WebEx ID or password.');
    pending.delete(id);
    const code = token();
    codes.set(code, {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      webExID: user.webExID,
      scope: request.scope,
      expiresAt: options.now() + CODE_TTL_MS,
      used: false,
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state !== undefined) target.searchParams.set('state', request.state);
    return { status: 303, headers: { location: target.href, 'cache-control': 'no-store' }, body: '' };
  }

  function authenticateClient(form: URLSearchParams, authorization: string | undefined): SimOAuthClient | undefined {
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    const client = clients.get(id);
    return client && safeEqual(client.clientSecret, secret) ? client : undefined;
  }

  function tokenRequest(form: URLSearchParams, authorization: string | undefined): HttpAnswer {
    const grantType = form.get('grant_type') ?? '';
    const refreshGrant = grantType === 'refresh_token' ? grants.get(grantByRefreshToken.get(form.get('refresh_token') ?? '') ?? '') : undefined;
    const fault = options.faults.take({ api: 'oauth-token', grantType, webExID: refreshGrant?.webExID });
    if (fault?.kind === 'token-endpoint-down') return json(503, { error: 'temporarily_unavailable' });
    const client = authenticateClient(form, authorization);
    if (!client) return json(401, { error: 'invalid_client' });

    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code || code.clientId !== client.clientId) return json(400, { error: 'invalid_grant' });
      if (code.used) {
        // A code presented twice was stolen or replayed: what it produced is revoked [RFC 6749 §4.1.2].
        revoke(grants.get(code.grantId ?? ''));
        return json(400, { error: 'invalid_grant' });
      }
      code.used = true;
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (code.expiresAt < options.now() || code.redirectUri !== form.get('redirect_uri') || !safeEqual(challenge, code.codeChallenge))
        return json(400, { error: 'invalid_grant' });
      const grant: Grant = {
        id: token(),
        clientId: client.clientId,
        webExID: code.webExID,
        scope: code.scope,
        refreshToken: '',
        refreshExpiresAt: 0,
        revoked: false,
      };
      newRefreshToken(grant);
      grants.set(grant.id, grant);
      code.grantId = grant.id;
      options.stats.authorizationCodeGrants += 1;
      return issueTokens(grant);
    }

    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const retiredFrom = grants.get(retiredRefreshTokens.get(presented) ?? '');
      if (retiredFrom) {
        // Rotation: an old refresh token coming back means two parties hold the grant (unverified).
        options.stats.refreshTokenReuses += 1;
        revoke(retiredFrom);
        return json(400, { error: 'invalid_grant' });
      }
      const grant = refreshGrant;
      if (!grant || grant.clientId !== client.clientId || grant.revoked || grant.refreshExpiresAt < options.now()) return json(400, { error: 'invalid_grant' });
      if (fault?.kind === 'refresh-revoked') {
        revoke(grant);
        return json(400, { error: 'invalid_grant' });
      }
      grantByRefreshToken.delete(presented);
      retiredRefreshTokens.set(presented, grant.id);
      newRefreshToken(grant);
      options.stats.refreshTokenGrants += 1;
      return issueTokens(grant);
    }
    return json(400, { error: 'unsupported_grant_type' });
  }

  function revocationRequest(form: URLSearchParams, authorization: string | undefined): HttpAnswer {
    const client = authenticateClient(form, authorization);
    if (!client) return json(401, { error: 'invalid_client' });
    const presented = form.get('token') ?? '';
    const grantId = accessTokens.get(presented)?.grantId ?? grantByRefreshToken.get(presented) ?? retiredRefreshTokens.get(presented);
    const grant = grants.get(grantId ?? '');
    if (grant?.clientId === client.clientId) revoke(grant);
    // RFC 7009 §2.2: 200 whether or not the token was known.
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: '' };
  }

  return {
    answer(method, pathname, query, body, authorization) {
      const form = new URLSearchParams(body);
      if (pathname === OAUTH_PATHS.authorize) {
        if (method === 'GET') return startAuthorization(query);
        if (method === 'POST') return finishAuthorization(form);
      } else if (method === 'POST') {
        if (pathname === OAUTH_PATHS.token) return tokenRequest(form, authorization);
        if (pathname === OAUTH_PATHS.revoke) return revocationRequest(form, authorization);
      }
      return { status: 405, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Method not allowed' };
    },
    accessTokenHolder(presented) {
      const access = accessTokens.get(presented);
      if (!access || access.expiresAt <= options.now() || grants.get(access.grantId)?.revoked !== false) return undefined;
      return access.webExID;
    },
    expireAccessTokens(webExID) {
      for (const access of accessTokens.values()) if (access.webExID === webExID) access.expiresAt = 0;
    },
    secrets() {
      return { accessTokens: [...accessTokens.keys()], refreshTokens: [...everRefreshTokens], authorizationCodes: [...codes.keys()] };
    },
  };
}

function json(status: number, value: unknown): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(value) };
}

function redirectWithError(redirectUri: string, error: string, state: string | undefined): HttpAnswer {
  const target = new URL(redirectUri);
  target.searchParams.set('error', error);
  if (state !== undefined) target.searchParams.set('state', state);
  return { status: 303, headers: { location: target.href, 'cache-control': 'no-store' }, body: '' };
}

/** What a site's XML API asks of the OAuth server: whose access token this is, and the expiry fault. */
export type AccessTokenCheck = Pick<OAuthServer, 'accessTokenHolder' | 'expireAccessTokens'>;

/**
 * The organisation's OAuth server as another site sees it. _Simulator's choice_ (unverified,
 * docs/webex.md §1.3): the token is the person's, so another site takes it for its host with the
 * same e-mail as the token's holder on the first site.
 */
export function accessTokensOnSite(oauth: OAuthServer, orgUsers: UserDirectory, siteUsers: UserDirectory): AccessTokenCheck {
  return {
    accessTokenHolder(token) {
      const holder = oauth.accessTokenHolder(token);
      const email = holder === undefined ? undefined : orgUsers.find({ webExID: holder })?.email;
      return email === undefined ? undefined : siteUsers.find({ email })?.webExID;
    },
    expireAccessTokens(webExID) {
      const email = siteUsers.find({ webExID })?.email;
      const holder = email === undefined ? undefined : orgUsers.find({ email });
      if (holder) oauth.expireAccessTokens(holder.webExID);
    },
  };
}
