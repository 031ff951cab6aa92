/**
 * The bundled identity provider: a real OpenID Provider (oidc-provider) for the demo command
 * and the tests, never for production. Discovery, JWKS, authorization code + PKCE, token,
 * userinfo and RP-initiated logout come from oidc-provider; the sign-in page is ours.
 */
import { generateKeyPair, randomBytes, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { createAccountDirectory, type AccountDirectory, type IdpUser } from './accounts';
import { createInteractionHandler, type InteractionHandler } from './interactions';
import { createMemoryAdapter } from './memory-adapter';
import { ORGANIZATION_NAME, renderLogoutPage, renderMessagePage } from './pages';

export { subjectForEmail, type IdpUser } from './accounts';

export interface IdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface IdpOptions {
  /** 0 = any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default http://{host}:{port} once listening; must not have a path */
  issuer?: string;
  clients: IdpClient[];
  users: readonly IdpUser[];
}

export interface IdentityProvider {
  issuer: string;
  /** changes a user's groups from now on: the next refresh, userinfo or sign-in reports them */
  setGroups(email: string, groups: readonly string[]): void;
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';

/** The ID token algorithm every OpenID client supports without configuration. */
const SIGNING_ALGORITHM = 'RS256';

/** Scopes beyond `openid`, each with the claims it releases. `groups` rides along with `profile`
 * so a client asking only for `openid email profile` still learns the user's groups. */
const SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'groups'],
  groups: ['groups'],
};

/** Lifetimes in seconds: oidc-provider's defaults, spelled out (its default functions log a notice). */
const TTL_SECONDS = {
  AccessToken: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 60 * 60,
  Session: 14 * 24 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
} as const;

/** Own names so the provider's cookies cannot be mistaken for an app's on a shared host. */
const COOKIE_NAMES = { session: 'idp_session', interaction: 'idp_interaction', resume: 'idp_interaction_resume' };

type OidcProviderModule = typeof import('oidc-provider');
let oidcProviderModule: Promise<OidcProviderModule> | undefined;

/**
 * oidc-provider 9 prints "Unsupported runtime" once when imported on Node 20, the project's
 * supported engine, where it works (docs/operations.md lists the version pins). Import it with exactly that
 * line held back so the demo and test output stay quiet; every other warning passes through.
 */
function loadOidcProvider(): Promise<OidcProviderModule> {
  oidcProviderModule ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return oidcProviderModule;
}

/** A fresh signing key per start: nothing to commit, and old tokens die with the process. */
async function generateSigningKey(): Promise<JsonWebKey> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), alg: SIGNING_ALGORITHM, use: 'sig' };
}

function toClientMetadata(client: IdpClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    // refresh_token: the portal re-reads a user's claims (admin group) while the session lasts
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // oidc-provider 9 accepts the secret by HTTP Basic or in the form body for this method,
    // so clients configured for client_secret_basic or client_secret_post both work.
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

function assertUsableOptions(options: IdpOptions): void {
  if (!options.clients?.length) {
    throw new Error('idp: Bad usage. Pass at least one client in `clients`; nobody could sign in otherwise.');
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)) {
    throw new Error(`idp: Bad usage. \`port\` must be an integer from 0 to 65535, got ${String(options.port)}.`);
  }
  if (options.issuer !== undefined) {
    const issuer = URL.parse(options.issuer);
    if (!issuer || (issuer.protocol !== 'http:' && issuer.protocol !== 'https:')) {
      throw new Error(`idp: Bad usage. \`issuer\` must be an http(s) URL, got "${options.issuer}".`);
    }
    // The provider is served from the server's root; an issuer path would not match its routes.
    if (issuer.pathname !== '/' || issuer.search || issuer.hash) {
      throw new Error(`idp: Bad usage. \`issuer\` must be an origin without path, query or fragment, got "${options.issuer}".`);
    }
  }
}

function originOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function sendPlainError(res: ServerResponse, status: number, heading: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const html = renderMessagePage(heading, message);
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

/** Test control: `POST {"email", "groups"}` changes a user's groups, for Playwright in another process. */
export const CONTROL_GROUPS_PATH = '/__idp/groups';
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Only a test runner on this machine may change groups: the caller must be on loopback and must
 * not be a web page (browsers send Origin; test runners do not).
 */
async function answerGroupsControl(req: IncomingMessage, res: ServerResponse, accounts: AccountDirectory): Promise<void> {
  const reply = (status: number, text: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  };
  if (!LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '') || req.headers.origin !== undefined) {
    reply(403, 'idp: the control API answers test runners on this machine only');
    return;
  }
  if (req.method !== 'POST') {
    reply(405, 'idp: POST {"email": "...", "groups": ["..."]}');
    return;
  }
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) {
      reply(413, 'idp: body too large');
      return;
    }
  }
  let parsed: { email?: unknown; groups?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    reply(400, 'idp: the body must be JSON {"email": "...", "groups": ["..."]}');
    return;
  }
  const { email, groups } = parsed;
  if (typeof email !== 'string' || !Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
    reply(400, 'idp: the body must be JSON {"email": "...", "groups": ["..."]}');
    return;
  }
  if (!accounts.setGroups(email, groups)) {
    reply(404, `idp: no user with the e-mail ${email}`);
    return;
  }
  res.writeHead(204).end();
}

function buildConfiguration(options: IdpOptions, accounts: AccountDirectory, signingKey: JsonWebKey): Configuration {
  return {
    adapter: createMemoryAdapter(),
    clients: options.clients.map(toClientMetadata),
    jwks: { keys: [signingKey] },
    cookies: {
      // Random per start: cookies from an earlier run are simply not recognised.
      keys: [randomBytes(32).toString('base64url')],
      names: COOKIE_NAMES,
    },
    claims: SCOPE_CLAIMS,
    scopes: ['openid'],
    responseTypes: ['code'],
    // Put the scope claims (email, name, groups) into the ID token too, not only into userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // A refresh token for every client allowed the grant, without the offline_access scope and its
    // consent prompt that real providers ask for (Okta, Entra ID, Keycloak: add offline_access to
    // OIDC_SCOPES). Rotation stays oidc-provider's default.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Only the portal's server talks to the token and userinfo endpoints: no browser CORS needed.
    clientBasedCORS: () => false,
    findAccount: (_ctx, sub) => accounts.findAccount(sub),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'html';
      ctx.body = renderMessagePage(
        'Sign-in problem',
        `${out.error}${out.error_description ? `: ${out.error_description}` : ''}. Go back to the application and try again.`,
      );
    },
    ttl: { ...TTL_SECONDS },
    features: {
      devInteractions: { enabled: false },
      // No resource servers here: access tokens are for userinfo only.
      resourceIndicators: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = renderLogoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = renderMessagePage('Signed out', `You have signed out of ${ORGANIZATION_NAME}.`);
        },
      },
    },
  };
}

/**
 * Starts the provider on its own node:http server: `/interaction/…` is served by our sign-in
 * pages, everything else by oidc-provider. Resolves once it accepts connections.
 */
export async function startIdentityProvider(options: IdpOptions): Promise<IdentityProvider> {
  assertUsableOptions(options);
  const accounts = createAccountDirectory(options.users);
  const [{ Provider, errors }, signingKey] = await Promise.all([loadOidcProvider(), generateSigningKey()]);
  const configuration = buildConfiguration(options, accounts, signingKey);

  let providerCallback: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  let handleInteraction: InteractionHandler | undefined;

  const server = createServer((req, res) => {
    if (!providerCallback || !handleInteraction) {
      sendPlainError(res, 503, 'Starting', 'The identity provider is starting; try again in a moment.');
      return;
    }
    const pathname = URL.parse(req.url ?? '/', 'http://idp.invalid')?.pathname ?? '/';
    if (pathname === CONTROL_GROUPS_PATH) {
      void answerGroupsControl(req, res, accounts);
      return;
    }
    if (pathname === '/interaction' || pathname.startsWith('/interaction/')) {
      handleInteraction(req, res, pathname).catch((error: unknown) => {
        // The message only: requests here carry passwords, so never the request itself.
        console.error(`idp: interaction failed: ${error instanceof Error ? error.message : String(error)}`);
        sendPlainError(res, 500, 'Something went wrong', 'Go back to the application and sign in again.');
      });
      return;
    }
    void providerCallback(req, res);
  });

  const address = await listen(server, options.port ?? 0, options.host ?? DEFAULT_HOST);
  const issuer = options.issuer ?? originOf(options.host ?? DEFAULT_HOST, address.port);

  try {
    const provider = new Provider(issuer, configuration);
    providerCallback = provider.callback();
    handleInteraction = createInteractionHandler({ provider, accounts, errors });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    issuer,
    setGroups(email, groups) {
      if (!accounts.setGroups(email, groups)) throw new Error(`idp: Bad usage. No user with the e-mail "${email}".`);
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections (browsers, fetch) would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
