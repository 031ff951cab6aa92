/**
 * Runs the bundled identity provider for the demo: `tsx e2e/servers/idp/main.ts`.
 *
 * Environment (all optional):
 *   IDP_PORT                      default 4010
 *   IDP_HOST                      default 127.0.0.1 (keep it apart from the app's host name so
 *                                 the two sets of cookies never meet)
 *   IDP_ISSUER                    default http://{IDP_HOST}:{IDP_PORT}
 *   IDP_CLIENT_ID                 default webex-sso-portal
 *   IDP_CLIENT_SECRET             default demo-client-secret-change-me
 *   IDP_REDIRECT_URI              default http://localhost:3000/api/auth/callback/oidc (comma-separated for several)
 *   IDP_POST_LOGOUT_REDIRECT_URI  default the redirect URI's origin + "/" (comma-separated for several)
 * Users: the demo employees from e2e/servers/demo-users.ts.
 */
import { DEMO_EMPLOYEES } from '../demo-users';
import { startIdentityProvider } from './index';

const DEFAULTS = {
  port: 4010,
  host: '127.0.0.1',
  clientId: 'webex-sso-portal',
  clientSecret: 'demo-client-secret-change-me',
  redirectUri: 'http://localhost:3000/api/auth/callback/oidc',
} as const;

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULTS.port;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`idp: IDP_PORT must be an integer from 0 to 65535, got "${value}".`);
  }
  return port;
}

function readList(value: string | undefined, fallback: string[]): string[] {
  const items = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : fallback;
}

async function main(): Promise<void> {
  const env = process.env;
  const redirectUris = readList(env.IDP_REDIRECT_URI, [DEFAULTS.redirectUri]);
  const firstRedirect = new URL(redirectUris[0] ?? DEFAULTS.redirectUri);

  const idp = await startIdentityProvider({
    port: readPort(env.IDP_PORT),
    host: env.IDP_HOST || DEFAULTS.host,
    issuer: env.IDP_ISSUER || undefined,
    clients: [
      {
        clientId: env.IDP_CLIENT_ID || DEFAULTS.clientId,
        clientSecret: env.IDP_CLIENT_SECRET || DEFAULTS.clientSecret,
        redirectUris,
        postLogoutRedirectUris: readList(env.IDP_POST_LOGOUT_REDIRECT_URI, [new URL('/', firstRedirect).href]),
      },
    ],
    users: DEMO_EMPLOYEES,
  });
  console.log(`idp listening on ${idp.issuer}`);

  const stop = (): void => {
    idp.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`idp: close failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
