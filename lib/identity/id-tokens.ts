import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { log } from '../log';
import { sealSecret, type SecretKeys, unsealSecret } from '../secrets';

/**
 * The identity provider's ID token of each portal session, for `id_token_hint` at sign-out. The
 * session cookie carries only a random reference: an ID token (1–3 KB, more with group claims)
 * would push next-auth's cookie past the 4 KB browsers keep, and the proxy writes the session
 * back on every renewal. Sealed at rest; a row lives until its session's latest end.
 */
export interface IdTokenStore {
  /** Keeps the token until `expiresAt`; the reference, or undefined when it could not be kept (sign-out then goes without a hint). */
  remember(idToken: string, expiresAt: Date): Promise<string | undefined>;
  /** The token of a reference, removed: a sign-out uses it once. */
  take(ref: string): Promise<string | undefined>;
}

function isSealedIdToken(value: unknown): value is { idToken: string } {
  return typeof value === 'object' && value !== null && typeof (value as { idToken?: unknown }).idToken === 'string';
}

export function createIdTokenStore(db: () => Promise<Kysely<Database>>, keys: SecretKeys, now: () => Date = () => new Date()): IdTokenStore {
  return {
    async remember(idToken, expiresAt) {
      try {
        const store = await db();
        const ref = randomBytes(24).toString('base64url');
        // rows of sessions that ended without a sign-out go here, at the next sign-in
        await store.deleteFrom('portal_id_tokens').where('expires_at', '<', now().toISOString()).execute();
        await store
          .insertInto('portal_id_tokens')
          .values({ ref, sealed: await sealSecret({ idToken }, keys), expires_at: expiresAt.toISOString() })
          .execute();
        return ref;
      } catch (err) {
        log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'could not keep the ID token for sign-out; the identity provider will be asked without id_token_hint',
        );
        return undefined;
      }
    },
    async take(ref) {
      try {
        const store = await db();
        const row = await store.selectFrom('portal_id_tokens').select(['sealed', 'expires_at']).where('ref', '=', ref).executeTakeFirst();
        if (!row) return undefined;
        await store.deleteFrom('portal_id_tokens').where('ref', '=', ref).execute();
        if (row.expires_at < now().toISOString()) return undefined;
        return (await unsealSecret(row.sealed, keys, isSealedIdToken)).idToken;
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the ID token for sign-out; going on without id_token_hint');
        return undefined;
      }
    },
  };
}
