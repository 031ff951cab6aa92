import * as oauth from 'oauth4webapi';
import { HostCredentialError } from './errors';

/** What the token endpoint gave: lifetimes in seconds, as sent (never assumed). */
export interface TokenSet {
  accessToken: string;
  /** absent when the server keeps the old refresh token */
  refreshToken: string | undefined;
  expiresIn: number | undefined;
  refreshExpiresIn: number | undefined;
}

export interface OAuthClientOptions {
  /** with `scopes` and `redirectUri`: needed only to start an authorization (a Service App never does) */
  authorizeUrl?: string;
  tokenUrl: string;
  revokeUrl?: string;
  clientId: string;
  clientSecret: string;
  scopes?: string;
  redirectUri?: string;
  /**
   * Read a token answer without `token_type` as a bearer token. The Webex platform's documented
   * token answers (docs/webex.md §9.3, Service Apps and Login with Webex) show none, and oauth4webapi
   * refuses such an answer; whether today's endpoint sends one is unverified.
   */
  assumeBearer?: boolean;
  /** one deadline per request, connect to last byte */
  timeoutMs: number;
  /** answers beyond this are refused */
  maxResponseBytes: number;
  /** tests inject one; defaults to the global fetch */
  fetch?: typeof fetch;
}

/** The authorization request to send the browser to, and what the callback must prove. */
export interface AuthorizationStart {
  url: string;
  state: string;
  codeVerifier: string;
}

/** The "Connect WebEx" OAuth client: authorization code with PKCE and state, refresh, revocation. */
export interface WebexOAuthClient {
  startAuthorization(): Promise<AuthorizationStart>;
  /** Validates the callback (state, error) and exchanges the code. */
  finishAuthorization(callback: URL, expected: { state: string; codeVerifier: string }): Promise<TokenSet>;
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Best effort: true when the server confirmed, false when there is no revocation endpoint. */
  revoke(token: string): Promise<boolean>;
}

/** The server refused the grant (invalid_grant): the employee must connect again. */
export function isGrantRefused(err: unknown): boolean {
  return err instanceof HostCredentialError && err.code === 'WEBEX_RECONNECT_NEEDED';
}

function isLoopback(url: string): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}

async function readLimited(response: Response, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.byteLength;
    if (size > limit) {
      await reader?.cancel();
      throw new HostCredentialError('WEBEX_OAUTH_UNAVAILABLE', `the token endpoint answered more than ${limit} bytes`);
    }
    chunks.push(next.value);
  }
  // a copy of its own: Buffer.concat may answer a view into Node's shared pool
  return new Uint8Array(Buffer.concat(chunks));
}

/** A 200 JSON token answer with `token_type` added when it lacks one (assumeBearer). */
function withBearerType(body: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  try {
    const json: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    if (typeof json !== 'object' || json === null || Array.isArray(json) || Object.hasOwn(json, 'token_type')) return body;
    return new Uint8Array(Buffer.from(JSON.stringify({ ...json, token_type: 'Bearer' })));
  } catch {
    return body; // not JSON: oauth4webapi says so itself
  }
}

function toTokenSet(result: oauth.TokenEndpointResponse): TokenSet {
  const refreshExpiresIn = result.refresh_token_expires_in;
  return {
    accessToken: result.access_token,
    refreshToken: result.refresh_token,
    expiresIn: result.expires_in,
    refreshExpiresIn: typeof refreshExpiresIn === 'number' && refreshExpiresIn > 0 ? refreshExpiresIn : undefined,
  };
}

/** Turns whatever oauth4webapi or the network threw into the two codes the launch knows. */
function toCredentialError(err: unknown): HostCredentialError {
  if (err instanceof HostCredentialError) return err;
  if (err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant') {
    return new HostCredentialError('WEBEX_RECONNECT_NEEDED', 'WebEx refused the refresh token (revoked or expired)', { cause: err });
  }
  if (err instanceof oauth.AuthorizationResponseError) {
    return new HostCredentialError('WEBEX_NOT_CONNECTED', `WebEx did not authorize the connection (${err.error})`, { cause: err });
  }
  return new HostCredentialError('WEBEX_OAUTH_UNAVAILABLE', `the WebEx token endpoint failed: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

/** Creates the client over oauth4webapi (RFC 6749 + PKCE, client_secret_post as Cisco's sample uses). */
export function createWebexOAuthClient(options: OAuthClientOptions): WebexOAuthClient {
  const as: oauth.AuthorizationServer = {
    issuer: new URL(options.authorizeUrl ?? options.tokenUrl).origin,
    ...(options.authorizeUrl ? { authorization_endpoint: options.authorizeUrl } : {}),
    token_endpoint: options.tokenUrl,
    ...(options.revokeUrl ? { revocation_endpoint: options.revokeUrl } : {}),
  };
  const client: oauth.Client = { client_id: options.clientId };
  const clientAuth = oauth.ClientSecretPost(options.clientSecret);
  const send = options.fetch ?? fetch;
  const request = (url: string) => ({
    // oauth4webapi insists on https; the simulator on this machine speaks http (config allows it only on loopback).
    [oauth.allowInsecureRequests]: isLoopback(url),
    signal: AbortSignal.timeout(options.timeoutMs),
    [oauth.customFetch]: async (target: string, init: oauth.CustomFetchOptions<'POST', URLSearchParams>) => {
      const response = await send(target, init);
      const read = await readLimited(response, options.maxResponseBytes);
      const body = options.assumeBearer && response.status === 200 ? withBearerType(read) : read;
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      return new Response(body, { status: response.status, statusText: response.statusText, headers });
    },
  });

  return {
    async startAuthorization() {
      const { authorizeUrl, redirectUri, scopes } = options;
      if (!authorizeUrl || !redirectUri || scopes === undefined)
        throw new TypeError('webex-sso: Bad usage. startAuthorization needs authorizeUrl, redirectUri and scopes');
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', scopes);
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      return { url: url.href, state, codeVerifier };
    },
    async finishAuthorization(callback, expected) {
      let params: URLSearchParams;
      try {
        params = oauth.validateAuthResponse(as, client, callback, expected.state);
      } catch (err) {
        // a wrong state, an error answer: this callback does not complete our request
        if (err instanceof oauth.AuthorizationResponseError) throw toCredentialError(err);
        throw new HostCredentialError('WEBEX_NOT_CONNECTED', 'the WebEx authorization answer does not match our request', { cause: err });
      }
      try {
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          options.redirectUri ?? '',
          expected.codeVerifier,
          request(options.tokenUrl),
        );
        return toTokenSet(await oauth.processAuthorizationCodeResponse(as, client, response));
      } catch (err) {
        throw toCredentialError(err);
      }
    },
    async refresh(refreshToken) {
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, request(options.tokenUrl));
        return toTokenSet(await oauth.processRefreshTokenResponse(as, client, response));
      } catch (err) {
        throw toCredentialError(err);
      }
    },
    async revoke(token) {
      if (!options.revokeUrl) return false;
      try {
        await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, token, request(options.revokeUrl)));
        return true;
      } catch (err) {
        throw toCredentialError(err);
      }
    },
  };
}
