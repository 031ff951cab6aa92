/**
 * The OAuth token store: sealed grants, refresh before expiry, and the refresh race that a
 * rotating refresh token does not survive twice — on SQLite and on PostgreSQL, with two store
 * instances on two connections, as two portal instances would be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db';
import { sharedDatabaseCases, type TwoConnections } from '../testing/temp-database';
import { HostCredentialError } from './errors';
import type { TokenSet } from './oauth-client';
import { createOAuthTokenStore, type OAuthTokenStore } from './oauth-tokens';
import { rotatingTokenEndpoint as rotatingServer } from '../testing/rotating-token-endpoint';

const KEYS = { '1': 'oauth-store-test-key-0123456789abcdef' };

function contract(name: string, open: (() => Promise<TwoConnections>) | undefined) {
  let dbs: TwoConnections | undefined;
  beforeAll(async () => {
    dbs = await open?.();
  });
  afterAll(async () => {
    await dbs?.close();
  });

  const stores = (server: ReturnType<typeof rotatingServer>, now: () => number = Date.now): [OAuthTokenStore, OAuthTokenStore] => {
    const make = (db: Db) => createOAuthTokenStore({ db: db.db, keys: KEYS, client: server.client, leaseMs: 2_000, now });
    if (!dbs) throw new Error('no database');
    return [make(dbs.a), make(dbs.b)];
  };

  describe.skipIf(!open)(name, () => {
    it("keeps each site's grants apart: connected on one site is not connected on another, and a disconnect ends one site's only", async () => {
      const server = rotatingServer();
      const db = dbs?.a.db;
      if (!db) throw new Error('no database');
      const onSite = (site: string) => createOAuthTokenStore({ db, keys: KEYS, client: server.client, leaseMs: 2_000, site });
      const [home, eu] = [onSite(''), onSite('acme-eu')];
      await home.save('Sites@Example.com', 'sites', server.initial);
      expect(await home.status('sites@example.com')).toMatchObject({ webexId: 'sites' });
      expect(await eu.status('sites@example.com')).toBeUndefined();
      await expect(eu.accessToken({ email: 'sites@example.com', webexId: 'sites' })).rejects.toThrow(HostCredentialError);
      await eu.save('sites@example.com', 'sites.eu', { ...server.initial });
      expect((await eu.list()).map((c) => c.webexId)).toEqual(['sites.eu']);
      expect(await eu.disconnect('sites@example.com')).toMatchObject({ existed: true });
      expect(await eu.status('sites@example.com')).toBeUndefined();
      expect(await home.status('sites@example.com')).toMatchObject({ webexId: 'sites' });
      await home.disconnect('sites@example.com');
    });

    it('stores the grant sealed and answers the access token while it is fresh', async () => {
      const server = rotatingServer();
      const [a] = stores(server);
      await a.save('Fresh@Example.com', 'fresh', server.initial);
      expect(await a.accessToken({ email: 'fresh@example.com', webexId: 'FRESH' })).toMatchObject({ token: 'at-0', refreshed: false });
      const row = await dbs?.a.db.selectFrom('webex_oauth_tokens').selectAll().where('email', '=', 'fresh@example.com').executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toMatch(/at-0|rt-0/);
      expect(server.refreshes()).toBe(0);
    });

    it('refreshes shortly before expiry', async () => {
      const server = rotatingServer(0);
      let clock = Date.now();
      const [a] = stores(server, () => clock);
      await a.save('soon@example.com', 'soon', server.initial);
      clock += 3600_000 - 59_000;
      expect(await a.accessToken({ email: 'soon@example.com', webexId: 'soon' })).toMatchObject({ token: 'at-1', refreshed: true });
      expect((await a.status('soon@example.com'))?.state).toBe('connected');
    });

    it('two instances refreshing one user at once spend the rotating refresh token once; both get the new token', async () => {
      const server = rotatingServer(50);
      const [a, b] = stores(server);
      await a.save('race@example.com', 'race', server.initial);
      const host = { email: 'race@example.com', webexId: 'race' };
      const version = (await a.accessToken(host)).version;
      const results = await Promise.all([
        a.renewAfterRejection(host, version),
        b.renewAfterRejection(host, version),
        a.renewAfterRejection(host, version),
        b.renewAfterRejection(host, version),
      ]);
      expect(server.refreshes()).toBe(1);
      expect(server.revoked()).toBe(false);
      expect(new Set(results.map((r) => r.token))).toEqual(new Set(['at-1']));
      // and the grant still refreshes afterwards
      expect((await b.renewAfterRejection(host, version + 1)).token).toBe('at-2');
    });

    it('a refused refresh token marks the connection for reconnect, audits it, and never loops', async () => {
      const server = rotatingServer(0);
      const [a, b] = stores(server);
      await a.save('gone@example.com', 'gone', { ...server.initial, refreshToken: 'rt-not-current' });
      const host = { email: 'gone@example.com', webexId: 'gone' };
      await expect(a.renewAfterRejection(host, 1)).rejects.toMatchObject({ code: 'WEBEX_RECONNECT_NEEDED' });
      await expect(b.accessToken(host)).rejects.toMatchObject({ code: 'WEBEX_RECONNECT_NEEDED' });
      expect(server.refreshes()).toBe(1);
      const audited = await dbs?.a.db.selectFrom('audit_events').select(['action', 'outcome']).where('actor', '=', host.email).execute();
      expect(audited).toEqual([{ action: 'oauth.refresh', outcome: 'WEBEX_RECONNECT_NEEDED' }]);
      expect(await a.status(host.email)).toMatchObject({ state: 'reconnect' });
      const row = await dbs?.a.db.selectFrom('webex_oauth_tokens').select(['sealed', 'lock_owner']).where('email', '=', host.email).executeTakeFirstOrThrow();
      expect(row).toEqual({ sealed: null, lock_owner: null });
    });

    it('a token endpoint that fails releases the lease, so the next try can refresh', async () => {
      const server = rotatingServer(0);
      let down = true;
      const refresh = server.client.refresh;
      server.client.refresh = async (token) => {
        if (down) throw new HostCredentialError('WEBEX_OAUTH_UNAVAILABLE', '503');
        return refresh(token);
      };
      const [a] = stores(server);
      await a.save('flaky@example.com', 'flaky', server.initial);
      const host = { email: 'flaky@example.com', webexId: 'flaky' };
      await expect(a.renewAfterRejection(host, 1)).rejects.toMatchObject({ code: 'WEBEX_OAUTH_UNAVAILABLE' });
      down = false;
      expect((await a.renewAfterRejection(host, 1)).token).toBe('at-1');
    });

    // issue 16 finding 12: the write of a refresh that outlived its lease changed no row, and nobody noticed
    it.each<[string, string, (refreshToken: string) => TokenSet]>([
      ['answers late', 'late@example.com', () => ({ accessToken: 'at-slow', refreshToken: 'rt-slow', expiresIn: 3600, refreshExpiresIn: undefined })],
      [
        'is refused late (the other instance spent the refresh token)',
        'refused-late@example.com',
        () => {
          throw new HostCredentialError('WEBEX_RECONNECT_NEEDED', 'invalid_grant');
        },
      ],
    ])(
      'a refresh that %s after its lease ran out never writes over the token another instance stored; its caller gets the stored one',
      async (_name, email, slowAnswer) => {
        if (!dbs) throw new Error('no database');
        let clock = Date.now();
        let started!: () => void;
        const slowStarted = new Promise<void>((resolve) => (started = resolve));
        let finish!: () => void;
        const gate = new Promise<void>((resolve) => (finish = resolve));
        const slow = {
          async refresh(refreshToken: string) {
            started();
            await gate;
            return slowAnswer(refreshToken);
          },
          revoke: async () => true,
        };
        const fast = {
          refresh: async (): Promise<TokenSet> => ({ accessToken: 'at-fast', refreshToken: 'rt-fast', expiresIn: 3600, refreshExpiresIn: undefined }),
          revoke: async () => true,
        };
        const a = createOAuthTokenStore({ db: dbs.a.db, keys: KEYS, client: slow, leaseMs: 2_000, now: () => clock });
        const b = createOAuthTokenStore({ db: dbs.b.db, keys: KEYS, client: fast, leaseMs: 2_000, now: () => clock });
        const host = { email, webexId: 'slow' };
        await a.save(email, 'slow', { accessToken: 'at-0', refreshToken: 'rt-0', expiresIn: 3600, refreshExpiresIn: undefined });

        const first = a.renewAfterRejection(host, 1);
        await slowStarted;
        clock += 2_001; // the lease has run out under the slow refresh…
        expect(await b.renewAfterRejection(host, 1)).toMatchObject({ token: 'at-fast', version: 2 }); // …and the other instance took it and stored its token
        finish();

        expect(await first).toMatchObject({ token: 'at-fast', version: 2, refreshed: true });
        expect(await b.accessToken(host)).toMatchObject({ token: 'at-fast', version: 2 });
        expect(await a.status(email)).toMatchObject({ state: 'connected' });
      },
    );

    it('not connected, or connected as another WebEx ID, asks the employee to (re)connect', async () => {
      const server = rotatingServer();
      const [a] = stores(server);
      await expect(a.accessToken({ email: 'never@example.com', webexId: 'never' })).rejects.toMatchObject({ code: 'WEBEX_NOT_CONNECTED' });
      await a.save('moved@example.com', 'old-id', server.initial);
      await expect(a.accessToken({ email: 'moved@example.com', webexId: 'new-id' })).rejects.toMatchObject({ code: 'WEBEX_RECONNECT_NEEDED' });
    });

    it('disconnect forgets the grant and asks WebEx to revoke it', async () => {
      const server = rotatingServer();
      const revoked: string[] = [];
      server.client.revoke = async (token: string) => {
        revoked.push(token);
        return true;
      };
      const [a] = stores(server);
      await a.save('bye@example.com', 'bye', server.initial);
      expect(await a.disconnect('BYE@example.com')).toEqual({ existed: true, revokedAtWebex: true });
      expect(revoked).toEqual(['rt-0']);
      expect(await a.status('bye@example.com')).toBeUndefined();
      expect(await a.disconnect('bye@example.com')).toEqual({ existed: false, revokedAtWebex: false });
    });
  });
}

for (const [name, open] of await sharedDatabaseCases('oauth')) contract(name, open);
