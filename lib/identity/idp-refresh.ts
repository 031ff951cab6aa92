import type { OidcSettings } from './settings';

/** What a refresh token grant tells about the user now. */
export type RefreshOutcome =
  /** the identity provider's current claims, and the refresh token to use next time */
  | { kind: 'claims'; claims: Record<string, unknown>; refreshToken: string }
  /** the grant is gone (user disabled, signed out everywhere, consent withdrawn): end the session */
  | { kind: 'revoked' }
  /** no answer we can use (network, 5xx, misconfiguration): the rights stay unverified */
  | { kind: 'unavailable'; detail: string };

type Oidc = Pick<OidcSettings, 'issuer' | 'clientId' | 'clientSecret'>;
type FetchFn = typeof fetch;

// Every request of an admin may be waiting on this: a hanging identity provider must not hang the portal.
const IDP_TIMEOUT_MS = 5_000;
// Requests in flight with the old refresh token share the one grant (and its answer for a few
// seconds) instead of presenting a token the provider may have rotated meanwhile (a reuse it can
// punish by revoking the grant).
const SHARED_ANSWER_MS = 5_000;

/** The identity provider's endpoints the portal uses, from its discovery document. */
export interface Endpoints {
  token: string;
  userinfo: string | undefined;
  /** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), when the provider offers it */
  endSession: string | undefined;
}

const discovered = new Map<string, Promise<Endpoints>>();
const inFlight = new Map<string, { at: number; outcome: Promise<RefreshOutcome> }>();

/** The provider's endpoints, discovered once per issuer (a failed discovery is tried again next time). */
export async function discover(issuer: string, fetchFn: FetchFn = fetch): Promise<Endpoints> {
  let endpoints = discovered.get(issuer);
  if (!endpoints) {
    endpoints = (async () => {
      const res = await fetchFn(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(IDP_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`discovery answered HTTP ${res.status}`);
      const meta = (await res.json()) as { token_endpoint?: unknown; userinfo_endpoint?: unknown; end_session_endpoint?: unknown };
      if (typeof meta.token_endpoint !== 'string') throw new Error('discovery names no token_endpoint');
      const optional = (value: unknown) => (typeof value === 'string' ? value : undefined);
      return { token: meta.token_endpoint, userinfo: optional(meta.userinfo_endpoint), endSession: optional(meta.end_session_endpoint) };
    })();
    discovered.set(issuer, endpoints);
    endpoints.catch(() => discovered.delete(issuer));
  }
  return endpoints;
}

/**
 * The claims of an ID token received straight from the token endpoint over TLS with client
 * authentication: OpenID Connect Core §3.1.3.7 lets TLS stand in for the signature check here.
 * Issuer, audience and subject are still checked.
 */
function idTokenClaims(idToken: string, oidc: Oidc, subject: string): Record<string, unknown> | undefined {
  const payload = idToken.split('.')[1];
  if (!payload) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== oidc.issuer || !audience.includes(oidc.clientId) || claims.sub !== subject) return undefined;
  return claims;
}

async function grant(oidc: Oidc, refreshToken: string, subject: string, fetchFn: FetchFn): Promise<RefreshOutcome> {
  try {
    const endpoints = await discover(oidc.issuer, fetchFn);
    const basic = Buffer.from(`${encodeURIComponent(oidc.clientId)}:${encodeURIComponent(oidc.clientSecret)}`).toString('base64');
    const res = await fetchFn(endpoints.token, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      signal: AbortSignal.timeout(IDP_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: unknown; id_token?: unknown; access_token?: unknown; refresh_token?: unknown };
    if (res.status === 400 && body.error === 'invalid_grant') return { kind: 'revoked' };
    if (!res.ok) return { kind: 'unavailable', detail: `token endpoint answered HTTP ${res.status}${typeof body.error === 'string' ? ` ${body.error}` : ''}` };
    const next = typeof body.refresh_token === 'string' ? body.refresh_token : refreshToken;

    if (typeof body.id_token === 'string') {
      const claims = idTokenClaims(body.id_token, oidc, subject);
      return claims
        ? { kind: 'claims', claims, refreshToken: next }
        : { kind: 'unavailable', detail: 'the refreshed ID token is not for this client and user' };
    }
    // no ID token on refresh (allowed by the spec): ask userinfo with the new access token
    if (!endpoints.userinfo || typeof body.access_token !== 'string') return { kind: 'unavailable', detail: 'no ID token and no userinfo to read claims from' };
    const info = await fetchFn(endpoints.userinfo, { headers: { authorization: `Bearer ${body.access_token}` }, signal: AbortSignal.timeout(IDP_TIMEOUT_MS) });
    if (!info.ok) return { kind: 'unavailable', detail: `userinfo answered HTTP ${info.status}` };
    const claims = (await info.json()) as Record<string, unknown>;
    return claims.sub === subject ? { kind: 'claims', claims, refreshToken: next } : { kind: 'unavailable', detail: 'userinfo is about another user' };
  } catch (err) {
    return { kind: 'unavailable', detail: err instanceof Error ? err.message : 'identity provider unreachable' };
  }
}

/**
 * The user's current claims from the identity provider, by refresh token grant (client_secret_basic).
 * Concurrent and closely following calls with one refresh token share one grant, unless `fresh`
 * (an admin's write must see the claims of this moment, not of a grant started before it).
 */
export function refreshClaims(
  oidc: Oidc,
  refreshToken: string,
  subject: string,
  options: { fresh?: boolean; fetchFn?: FetchFn } = {},
): Promise<RefreshOutcome> {
  const { fresh = false, fetchFn = fetch } = options;
  const now = Date.now();
  for (const [key, entry] of inFlight) if (now - entry.at > SHARED_ANSWER_MS) inFlight.delete(key);
  const shared = inFlight.get(refreshToken);
  if (shared && !fresh) return shared.outcome;
  const outcome = grant(oidc, refreshToken, subject, fetchFn);
  inFlight.set(refreshToken, { at: now, outcome });
  return outcome;
}
