import type { Kysely } from 'kysely';
import { listAuditEvents } from '../audit';
import { HostCredentialError } from './errors';
import type { WebexOAuthClient } from './oauth-client';
import { SERVICE_APP_GRANT, type OAuthTokenStore } from './oauth-tokens';
import type { Database } from '../db';
import { WebexError } from '../webex';

/**
 * The company's Service App (docs/webex.md §9.3, [R5]): a machine account a Control Hub admin
 * authorized once. Its grant lives in the OAuth token store under a fixed key, so it is sealed,
 * shared by every instance, and refreshed (grant_type=refresh_token) under the store's row lease:
 * a refresh token that rotates is spent once. Lifetimes come from each answer's `expires_in` /
 * `refresh_token_expires_in`, never from here.
 */
export interface ServiceAppOptions {
  db: Kysely<Database>;
  /** a token store whose client refreshes at the Service App's token endpoint */
  tokens: OAuthTokenStore;
  /** the same client, for a refresh token an admin pastes */
  client: Pick<WebexOAuthClient, 'refresh'>;
  clientId: string;
  /** WEBEX_SERVICE_APP_REFRESH_TOKEN: stored once, when the database holds no grant yet */
  initialRefreshToken: string | undefined;
}

/** What the settings page shows of the grant (never a token). */
export interface ServiceAppStatus {
  /** authorized; not-authorized (no grant yet); reconnect (refused, revoked, or a grant of another client ID) */
  state: 'authorized' | 'not-authorized' | 'reconnect';
  accessExpiresAt: string | null;
  refreshExpiresAt: string | null;
  updatedAt: string | null;
  /** the grant in the database belongs to another Service App (the client ID changed) */
  otherClient: boolean;
  /** the last refresh that failed, when it came after the grant's last change */
  lastFailure: { at: string; code: string } | undefined;
}

export interface ServiceApp {
  /**
   * Runs `call` with the Service App's access token (refreshed first when due). A token WebEx
   * refuses (401) is renewed once and the call made once more; never in a loop. Failures to get
   * a token are WEBEX_APP_NOT_AUTHORIZED or WEBEX_APP_UNAVAILABLE.
   */
  withToken<T>(call: (accessToken: string) => Promise<T>): Promise<{ value: T; refreshed: boolean }>;
  status(): Promise<ServiceAppStatus>;
  /** A refresh token an admin pasted: proven by spending it at once (it rotates), then the grant is stored. */
  install(refreshToken: string): Promise<void>;
}

/** The token store's refusals, as the launch's REST codes: the employee reads "not reachable through the company app". */
function toAppError(err: unknown): unknown {
  if (!(err instanceof HostCredentialError)) return err;
  if (err.code === 'WEBEX_OAUTH_UNAVAILABLE')
    return new WebexError('WEBEX_APP_UNAVAILABLE', `the Service App's token was not renewed: ${err.message}`, { cause: err });
  return new WebexError('WEBEX_APP_NOT_AUTHORIZED', `the Service App has no usable grant: ${err.message}`, { cause: err });
}

const isRefusedToken = (err: unknown) => err instanceof WebexError && err.code === 'WEBEX_CREDENTIAL_EXPIRED';

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const { tokens, clientId } = options;
  const grant = { email: SERVICE_APP_GRANT, webexId: clientId };
  let seeding: Promise<boolean> | undefined;

  /** The environment's first refresh token into an empty store, once per process (the store makes it once overall). */
  async function seeded(): Promise<void> {
    if (!options.initialRefreshToken) return;
    seeding ??= tokens.seed(SERVICE_APP_GRANT, clientId, options.initialRefreshToken).catch((err: unknown) => {
      seeding = undefined;
      throw err;
    });
    await seeding;
  }

  async function token(renew?: number) {
    try {
      return renew === undefined ? await tokens.accessToken(grant) : await tokens.renewAfterRejection(grant, renew);
    } catch (err) {
      throw toAppError(err);
    }
  }

  return {
    async withToken(call) {
      await seeded();
      const first = await token();
      try {
        return { value: await call(first.token), refreshed: first.refreshed };
      } catch (err) {
        if (!isRefusedToken(err)) throw err;
        if (first.refreshed)
          throw new WebexError('WEBEX_APP_NOT_AUTHORIZED', "WebEx refused the Service App's access token it had just issued", { cause: err });
      }
      const renewed = await token(first.version);
      try {
        return { value: await call(renewed.token), refreshed: true };
      } catch (err) {
        if (isRefusedToken(err))
          throw new WebexError('WEBEX_APP_NOT_AUTHORIZED', "WebEx refused the Service App's renewed access token (deauthorized?)", { cause: err });
        throw err;
      }
    },
    async status() {
      await seeded().catch(() => undefined);
      const row = await tokens.status(SERVICE_APP_GRANT);
      const { rows } = await listAuditEvents(options.db, { user: SERVICE_APP_GRANT, action: 'oauth.refresh', pageSize: 1 });
      const failure = rows[0];
      const otherClient = row !== undefined && row.webexId.toLowerCase() !== clientId.toLowerCase();
      return {
        state: !row ? 'not-authorized' : row.state === 'connected' && !otherClient ? 'authorized' : 'reconnect',
        accessExpiresAt: row?.accessExpiresAt ?? null,
        refreshExpiresAt: row?.refreshExpiresAt ?? null,
        updatedAt: row?.updatedAt ?? null,
        otherClient,
        lastFailure: failure && (!row || failure.at >= row.updatedAt) ? { at: failure.at, code: failure.outcome } : undefined,
      };
    },
    async install(refreshToken) {
      let fresh;
      try {
        fresh = await options.client.refresh(refreshToken);
      } catch (err) {
        throw toAppError(err);
      }
      await tokens.save(SERVICE_APP_GRANT, clientId, fresh);
    },
  };
}
