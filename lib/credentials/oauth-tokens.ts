import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit';
import type { Database } from '../db';
import { forgetSessionTickets } from './session-tickets';
import { SealedSecretError, sealSecret, type SecretKeys, unsealSecret } from '../secrets';
import { HostCredentialError } from './errors';
import type { TokenSet, WebexOAuthClient } from './oauth-client';
import { normalizeEmail } from '../identity';

/** Refresh when less than this is left of the access token's life (or a tenth of it, if shorter). */
const RENEW_BEFORE_MS = 60_000;
/** While another refresher holds the lease, look again this often. */
const LEASE_POLL_MS = 100;

interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
}

function isStoredTokens(value: unknown): value is StoredTokens {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.accessToken === 'string' && (v.refreshToken === undefined || typeof v.refreshToken === 'string');
}

/**
 * The row of the company's Service App grant (the REST path, lib/webex-rest): the same sealed
 * tokens, refresh lease and audit as an employee's grant, under a key no e-mail can be (no @).
 * Its `webex_id` holds the Service App's client ID, so a grant of another app is never used.
 */
export const SERVICE_APP_GRANT = 'service-app';

/** What the home page and the admin pages show of a connection (never a token). */
export interface ConnectionStatus {
  email: string;
  webexId: string;
  state: 'connected' | 'reconnect';
  accessExpiresAt: string | null;
  refreshExpiresAt: string | null;
  connectedAt: string;
  updatedAt: string;
}

export interface AccessToken {
  token: string;
  /** the row version it came from: a refresher passes it back so a concurrent refresh is noticed */
  version: number;
  /** true when this call refreshed (or found a refresh done meanwhile): a rejection then is final */
  refreshed: boolean;
}

export interface HostRef {
  email: string;
  webexId: string;
}

export interface OAuthTokenStore {
  status(email: string): Promise<ConnectionStatus | undefined>;
  list(): Promise<ConnectionStatus[]>;
  /** Stores a new grant for the portal user, proven to belong to webexId (connect or reconnect). */
  save(email: string, webexId: string, tokens: TokenSet): Promise<void>;
  /**
   * Stores a grant known only by its refresh token, unless the key has a row already (any state):
   * its access token counts as expired, so the first use refreshes under the lease and a refresh
   * token that rotates is spent once, however many instances start with it. True when stored.
   */
  seed(email: string, webexId: string, refreshToken: string): Promise<boolean>;
  /**
   * The host's grant, when it is connected as this WebEx ID (else the reason to (re)connect), named
   * by when it was made: what a session ticket made from it is bound to.
   */
  connection(host: HostRef): Promise<{ connectedAt: string }>;
  /** The host's access token, refreshed first when it is about to run out. */
  accessToken(host: HostRef): Promise<AccessToken>;
  /** After WebEx refused the token of `staleVersion`: refresh once, or take the refresh someone else made meanwhile. */
  renewAfterRejection(host: HostRef, staleVersion: number): Promise<AccessToken>;
  /** Forgets the grant and the session tickets made from it, revoking it at WebEx when a revocation endpoint is configured. */
  disconnect(email: string): Promise<{ existed: boolean; revokedAtWebex: boolean }>;
}

export interface OAuthTokenStoreOptions {
  db: Kysely<Database>;
  keys: SecretKeys;
  client: Pick<WebexOAuthClient, 'refresh' | 'revoke'>;
  /** longer than one token request can take (its timeout), so a lease never expires under a live refresher */
  leaseMs: number;
  /** the site its grants are for ('' the default site): an employee connects once per site they launch on */
  site?: string;
  now?: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** An UPDATE conditional on the lease (or on the row's state) that found its row. */
const held = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;

/**
 * Sealed OAuth grants per portal user, shared by every instance. A rotating refresh token is
 * spent by one refresher only: it first takes a lease on the row (a compare-and-set UPDATE that
 * works the same on SQLite and PostgreSQL); the others wait for the new version and use its token.
 */
export function createOAuthTokenStore(options: OAuthTokenStoreOptions): OAuthTokenStore {
  const { db, keys } = options;
  const site = options.site ?? '';
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<AccessToken>>();

  const read = (email: string) => db.selectFrom('webex_oauth_tokens').selectAll().where('email', '=', email).where('site', '=', site).executeTakeFirst();

  function toStatus(row: NonNullable<Awaited<ReturnType<typeof read>>>): ConnectionStatus {
    return {
      email: row.email,
      webexId: row.webex_id,
      state: row.status === 'connected' && row.sealed ? 'connected' : 'reconnect',
      accessExpiresAt: row.access_expires_at,
      refreshExpiresAt: row.refresh_expires_at,
      connectedAt: row.connected_at,
      updatedAt: row.updated_at,
    };
  }

  async function open(sealed: string): Promise<StoredTokens> {
    try {
      return await unsealSecret(sealed, keys, isStoredTokens);
    } catch (err) {
      if (err instanceof SealedSecretError) throw new HostCredentialError('CREDENTIAL_UNREADABLE', err.message, { cause: err });
      throw err;
    }
  }

  /** The row for this host, or the reason the host has to (re)connect. */
  async function usableRow(host: HostRef) {
    const row = await read(normalizeEmail(host.email));
    if (!row) throw new HostCredentialError('WEBEX_NOT_CONNECTED', 'no WebEx connection for this user');
    if (row.status !== 'connected' || !row.sealed) throw new HostCredentialError('WEBEX_RECONNECT_NEEDED', 'the WebEx connection ended; connect again');
    if (row.webex_id.toLowerCase() !== host.webexId.toLowerCase()) {
      throw new HostCredentialError('WEBEX_RECONNECT_NEEDED', 'the WebEx ID linked to this user changed since they connected; connect again');
    }
    return { ...row, sealed: row.sealed };
  }

  function renewDue(expiresAt: string | null, issuedAt: string): boolean {
    if (expiresAt === null) return false;
    const end = Date.parse(expiresAt);
    const lifetime = end - Date.parse(issuedAt);
    return end - Math.min(RENEW_BEFORE_MS, lifetime / 10) <= now();
  }

  async function refreshUnderLease(host: HostRef, staleVersion: number): Promise<AccessToken> {
    const email = normalizeEmail(host.email);
    const giveUpAt = now() + options.leaseMs * 2;
    for (;;) {
      const row = await usableRow(host);
      if (row.version !== staleVersion) {
        // someone refreshed (or reconnected) since our token was read: theirs is the one to use
        return { token: (await open(row.sealed)).accessToken, version: row.version, refreshed: true };
      }
      // a new owner per lease: a lease this refresher lost and took again is not mistaken for the old one
      const owner = randomUUID();
      const at = now();
      const taken = await db
        .updateTable('webex_oauth_tokens')
        .where('site', '=', site)
        .set({ lock_owner: owner, lock_until: iso(at + options.leaseMs) })
        .where('email', '=', email)
        .where('version', '=', staleVersion)
        .where((eb) => eb.or([eb('lock_until', 'is', null), eb('lock_until', '<=', iso(at))]))
        .executeTakeFirst();
      if (held(taken)) {
        const spent = await spendRefreshToken(email, owner, row.sealed, staleVersion);
        if (spent) return spent;
        // the lease ran out under a slow refresh and another instance took it: what it stored (or is
        // storing) is the outcome, read from the row like any other refresher's
      }
      if (now() > giveUpAt) throw new HostCredentialError('WEBEX_OAUTH_UNAVAILABLE', 'another instance has been refreshing this WebEx token for too long');
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    }
  }

  /**
   * Spends the refresh token under the lease `owner` took. Every write is conditional on still
   * holding it: undefined when it changed no row (the lease expired and another refresher took it),
   * so this refresher's answer, whatever it was, never replaces that one's.
   */
  async function spendRefreshToken(email: string, owner: string, sealed: string, version: number): Promise<AccessToken | undefined> {
    const mine = db.updateTable('webex_oauth_tokens').where('email', '=', email).where('site', '=', site).where('lock_owner', '=', owner);
    const stored = await open(sealed);
    let fresh: TokenSet;
    try {
      if (!stored.refreshToken) throw new HostCredentialError('WEBEX_RECONNECT_NEEDED', 'WebEx gave no refresh token and the access token ran out');
      fresh = await options.client.refresh(stored.refreshToken);
    } catch (err) {
      const code = err instanceof HostCredentialError ? err.code : 'WEBEX_OAUTH_UNAVAILABLE';
      if (code === 'WEBEX_RECONNECT_NEEDED') {
        // a refusal after the lease was lost says nothing of the grant (the new holder may have spent the token first): the row tells
        if (
          !held(
            await mine
              .set({ status: 'reconnect', sealed: null, version: version + 1, lock_owner: null, lock_until: null, updated_at: iso(now()) })
              .executeTakeFirst(),
          )
        )
          return undefined;
      } else {
        await mine.set({ lock_owner: null, lock_until: null }).execute();
      }
      await recordAudit(db, { actor: email, action: 'oauth.refresh', target: email, outcome: code });
      throw err;
    }
    const at = now();
    const written = await mine
      .set({
        sealed: await sealSecret({ accessToken: fresh.accessToken, refreshToken: fresh.refreshToken ?? stored.refreshToken }, keys),
        access_expires_at: fresh.expiresIn === undefined ? null : iso(at + fresh.expiresIn * 1000),
        ...(fresh.refreshExpiresIn === undefined ? {} : { refresh_expires_at: iso(at + fresh.refreshExpiresIn * 1000) }),
        version: version + 1,
        lock_owner: null,
        lock_until: null,
        updated_at: iso(at),
      })
      .executeTakeFirst();
    return held(written) ? { token: fresh.accessToken, version: version + 1, refreshed: true } : undefined;
  }

  /** One refresh per user at a time in this process; the lease covers the other instances. */
  function renew(host: HostRef, staleVersion: number): Promise<AccessToken> {
    const email = normalizeEmail(host.email);
    const running = inFlight.get(email);
    if (running) return running;
    const flight = refreshUnderLease(host, staleVersion).finally(() => inFlight.delete(email));
    inFlight.set(email, flight);
    return flight;
  }

  return {
    async status(email) {
      const row = await read(normalizeEmail(email));
      return row && toStatus(row);
    },
    async list() {
      // employees' connections only: the Service App's grant is shown on the settings page
      const rows = await db
        .selectFrom('webex_oauth_tokens')
        .selectAll()
        .where('email', '!=', SERVICE_APP_GRANT)
        .where('site', '=', site)
        .orderBy('email')
        .execute();
      return rows.map(toStatus);
    },
    async save(email, webexId, tokens) {
      const at = now();
      const values = {
        webex_id: webexId,
        sealed: await sealSecret({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }, keys),
        status: 'connected',
        access_expires_at: tokens.expiresIn === undefined ? null : iso(at + tokens.expiresIn * 1000),
        refresh_expires_at: tokens.refreshExpiresIn === undefined ? null : iso(at + tokens.refreshExpiresIn * 1000),
        lock_owner: null,
        lock_until: null,
        connected_at: iso(at),
        updated_at: iso(at),
      };
      await db
        .insertInto('webex_oauth_tokens')
        .values({ email: normalizeEmail(email), site, version: 1, ...values })
        .onConflict((oc) => oc.columns(['email', 'site']).doUpdateSet((eb) => ({ ...values, version: eb('webex_oauth_tokens.version', '+', 1) })))
        .execute();
    },
    async seed(email, webexId, refreshToken) {
      const at = iso(now());
      const inserted = await db
        .insertInto('webex_oauth_tokens')
        .values({
          email: normalizeEmail(email),
          site,
          webex_id: webexId,
          sealed: await sealSecret({ accessToken: '', refreshToken }, keys),
          status: 'connected',
          // due at once: renewDue() sees a zero lifetime that has run out
          access_expires_at: at,
          refresh_expires_at: null,
          version: 1,
          lock_owner: null,
          lock_until: null,
          connected_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.columns(['email', 'site']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async connection(host) {
      return { connectedAt: (await usableRow(host)).connected_at };
    },
    async accessToken(host) {
      const row = await usableRow(host);
      if (renewDue(row.access_expires_at, row.updated_at)) return renew(host, row.version);
      return { token: (await open(row.sealed)).accessToken, version: row.version, refreshed: false };
    },
    renewAfterRejection: renew,
    async disconnect(email) {
      const key = normalizeEmail(email);
      const row = await read(key);
      if (!row) return { existed: false, revokedAtWebex: false };
      let revokedAtWebex = false;
      if (row.sealed) {
        const tokens = await open(row.sealed).catch(() => undefined);
        const token = tokens?.refreshToken ?? tokens?.accessToken;
        // Revocation is a courtesy to WebEx: the grant is forgotten here whatever it answers.
        if (token) revokedAtWebex = await options.client.revoke(token).catch(() => false);
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('webex_oauth_tokens').where('email', '=', key).where('site', '=', site).execute();
        await forgetSessionTickets(trx, [key], site);
      });
      return { existed: true, revokedAtWebex };
    },
  };
}
