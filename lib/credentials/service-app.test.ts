/**
 * The Service App's grant, network off: a fake token endpoint that rotates its refresh token
 * (a spent one revokes the grant), real token stores on two connections to one database as two
 * portal instances would have — on SQLite, and on PostgreSQL when a server answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostCredentialError } from './errors';
import { createOAuthTokenStore, SERVICE_APP_GRANT } from './oauth-tokens';
import { rotatingTokenEndpoint as tokenEndpoint } from '../testing/rotating-token-endpoint';
import type { Db } from '../db';
import { sharedDatabaseCases, type TwoConnections } from '../testing/temp-database';
import { WebexError } from '../webex';
import { createServiceApp, type ServiceApp } from './service-app';

const KEYS = { '1': 'service-app-test-key-0123456789abcdef' };
const CLIENT_ID = 'service-app-client';

/** The Service App's behaviour on one database kind, reached through two connections (two instances). */
function contract(name: string, open: (() => Promise<TwoConnections>) | undefined) {
  let dbs: TwoConnections | undefined;
  beforeAll(async () => (dbs = await open?.()));
  afterAll(() => dbs?.close());

  const instances = (endpoint: ReturnType<typeof tokenEndpoint>, first: string | null = 'rt-0'): [ServiceApp, ServiceApp] => {
    const initialRefreshToken = first ?? undefined;
    if (!dbs) throw new Error('no database');
    const make = (db: Db) =>
      createServiceApp({
        db: db.db,
        tokens: createOAuthTokenStore({ db: db.db, keys: KEYS, client: endpoint.client, leaseMs: 2_000 }),
        client: endpoint.client,
        clientId: CLIENT_ID,
        initialRefreshToken,
      });
    return [make(dbs.a), make(dbs.b)];
  };

  const forget = async () => {
    await dbs?.a.db.deleteFrom('webex_oauth_tokens').where('email', '=', SERVICE_APP_GRANT).execute();
    await dbs?.a.db.deleteFrom('audit_events').execute();
  };

  describe.skipIf(!open)(name, () => {
    it('two instances starting with the same first refresh token, launching at once: it is spent once; everyone gets the new access token', async () => {
      await forget();
      const endpoint = tokenEndpoint(50);
      const [a, b] = instances(endpoint);
      const seen = await Promise.all([a, b, a, b, a, b].map((app) => app.withToken(async (token) => token)));
      expect(endpoint.refreshes()).toBe(1);
      expect(endpoint.revoked()).toBe(false);
      expect(new Set(seen.map((s) => s.value))).toEqual(new Set(['at-1']));
      // the environment's token is never presented again, on either instance
      const later = await Promise.all([a.withToken(async (token) => token), b.withToken(async (token) => token)]);
      expect(later.map((s) => s.value)).toEqual(['at-1', 'at-1']);
      expect(endpoint.refreshes()).toBe(1);
      const row = await dbs?.a.db.selectFrom('webex_oauth_tokens').selectAll().where('email', '=', SERVICE_APP_GRANT).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toMatch(/at-1|rt-1|rt-0/);
    });

    it('WebEx refusing the token (401) on many calls at once: one refresh, each call retried once with the new token', async () => {
      await forget();
      const endpoint = tokenEndpoint(30);
      const [a, b] = instances(endpoint);
      await a.withToken(async () => undefined);
      const calls: string[] = [];
      const call = async (token: string) => {
        calls.push(token);
        if (token === 'at-1') throw new WebexError('WEBEX_CREDENTIAL_EXPIRED', 'HTTP 401');
        return token;
      };
      const results = await Promise.all([a.withToken(call), b.withToken(call), a.withToken(call), b.withToken(call)]);
      expect(results.map((r) => r.value)).toEqual(['at-2', 'at-2', 'at-2', 'at-2']);
      expect(results.every((r) => r.refreshed)).toBe(true);
      expect(endpoint.refreshes()).toBe(2);
      expect(calls.filter((t) => t === 'at-1')).toHaveLength(4);
    });

    it('a token refused again after the renewal is WEBEX_APP_NOT_AUTHORIZED, never a loop', async () => {
      await forget();
      const endpoint = tokenEndpoint(0);
      const [a] = instances(endpoint);
      let calls = 0;
      const refused = async () => {
        calls += 1;
        throw new WebexError('WEBEX_CREDENTIAL_EXPIRED', 'HTTP 401');
      };
      await expect(a.withToken(refused)).rejects.toMatchObject({ code: 'WEBEX_APP_NOT_AUTHORIZED' });
      // the first token was fresh (seeded → refreshed): refused once is final
      expect(calls).toBe(1);
      await expect(a.withToken(refused)).rejects.toMatchObject({ code: 'WEBEX_APP_NOT_AUTHORIZED' });
      expect(calls).toBe(3);
    });

    it('a revoked grant: WEBEX_APP_NOT_AUTHORIZED, the status says so, and only an installed token helps', async () => {
      await forget();
      const endpoint = tokenEndpoint(0);
      const [a, b] = instances(endpoint);
      expect(await a.status()).toMatchObject({ state: 'authorized', lastFailure: undefined });
      await a.withToken(async () => undefined);
      endpoint.revoke();
      await expect(
        b.withToken(async () => {
          throw new WebexError('WEBEX_CREDENTIAL_EXPIRED', 'HTTP 401');
        }),
      ).rejects.toMatchObject({ code: 'WEBEX_APP_NOT_AUTHORIZED' });
      expect(await a.status()).toMatchObject({ state: 'reconnect', lastFailure: { code: 'WEBEX_RECONNECT_NEEDED' } });
      await expect(a.install('rt-old')).rejects.toMatchObject({ code: 'WEBEX_APP_NOT_AUTHORIZED' });
    });

    it('without a grant and without a first token: not authorized, nothing refreshed', async () => {
      await forget();
      const endpoint = tokenEndpoint(0);
      const [a] = instances(endpoint, null);
      expect((await a.status()).state).toBe('not-authorized');
      await expect(a.withToken(async () => undefined)).rejects.toMatchObject({ code: 'WEBEX_APP_NOT_AUTHORIZED' });
      expect(endpoint.refreshes()).toBe(0);
    });

    it('the token endpoint down: WEBEX_APP_UNAVAILABLE, and the grant is kept for the next try', async () => {
      await forget();
      const endpoint = tokenEndpoint(0);
      const refresh = endpoint.client.refresh;
      let down = true;
      endpoint.client.refresh = async (token) => {
        if (down) throw new HostCredentialError('WEBEX_OAUTH_UNAVAILABLE', 'HTTP 503');
        return refresh(token);
      };
      const [a] = instances(endpoint);
      await expect(a.withToken(async () => undefined)).rejects.toMatchObject({ code: 'WEBEX_APP_UNAVAILABLE' });
      expect(await a.status()).toMatchObject({ state: 'authorized', lastFailure: { code: 'WEBEX_OAUTH_UNAVAILABLE' } });
      down = false;
      expect((await a.withToken(async (token) => token)).value).toBe('at-1');
    });

    it("the employees' Connections list leaves the Service App's grant out", async () => {
      await forget();
      const endpoint = tokenEndpoint(0);
      const [a] = instances(endpoint);
      await a.withToken(async () => undefined);
      const tokens = createOAuthTokenStore({ db: dbs!.a.db, keys: KEYS, client: endpoint.client, leaseMs: 2_000 });
      await tokens.save('employee@example.com', 'employee', { accessToken: 'a', refreshToken: 'r', expiresIn: 3600, refreshExpiresIn: undefined });
      expect((await tokens.list()).map((c) => c.email)).toEqual(['employee@example.com']);
      await tokens.disconnect('employee@example.com');
    });

    it('a grant stored for another client ID is not used', async () => {
      await forget();
      const endpoint = tokenEndpoint(0);
      const [a] = instances(endpoint);
      await a.withToken(async () => undefined);
      const other = createServiceApp({
        db: dbs!.a.db,
        tokens: createOAuthTokenStore({ db: dbs!.a.db, keys: KEYS, client: endpoint.client, leaseMs: 2_000 }),
        client: endpoint.client,
        clientId: 'another-app',
        initialRefreshToken: 'rt-x',
      });
      expect(await other.status()).toMatchObject({ state: 'reconnect', otherClient: true });
      await expect(other.withToken(async () => undefined)).rejects.toMatchObject({ code: 'WEBEX_APP_NOT_AUTHORIZED' });
    });
  });
}

for (const [name, open] of await sharedDatabaseCases('service-app')) contract(name, open);
