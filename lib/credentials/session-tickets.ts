import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { CredentialError, sealSecret, unsealSecret, type CredentialKeys } from '../webex/credentials';
import type { SessionTicket } from '../webex/xml-api';

/** Stop using a session ticket this long before WebEx says it ends (or a tenth of its life, if shorter). */
const RENEW_BEFORE_MS = 60_000;

export interface UsableSessionTicket {
  sessionTicket: string;
  /** the sealed form as stored: what `drop` compares, so it never deletes a newer ticket */
  sealed: string;
  /** read from the cache rather than made just now: a rejection may mean it went stale */
  cached: boolean;
}

export interface SessionTicketCache {
  /** The host's cached session ticket, or a new one from `authenticate` (once per host at a time in this process). */
  get(webexId: string, authenticate: () => Promise<SessionTicket>): Promise<UsableSessionTicket>;
  /** Forgets a ticket WebEx refused, unless another has replaced it meanwhile. */
  drop(webexId: string, sealed: string): Promise<void>;
}

function isStoredTicket(value: unknown): value is { sessionTicket: string } {
  return typeof value === 'object' && value !== null && typeof (value as { sessionTicket?: unknown }).sessionTicket === 'string';
}

/**
 * Session tickets per host, sealed with CREDENTIAL_KEYS in the database so every instance reuses
 * them until shortly before `timeToLive` runs out. Instances do not lock: two that miss at once
 * each authenticate, and the later write wins — one extra AuthenticateUser at most.
 */
export function createSessionTicketCache(options: { db: Kysely<Database>; keys: CredentialKeys; now?: () => number }): SessionTicketCache {
  const { db, keys } = options;
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<UsableSessionTicket>>();

  async function readCached(key: string): Promise<UsableSessionTicket | undefined> {
    const row = await db.selectFrom('webex_session_tickets').select(['sealed', 'use_until']).where('webex_id', '=', key).executeTakeFirst();
    if (!row || Date.parse(row.use_until) <= now()) return undefined;
    try {
      const stored = await unsealSecret(row.sealed, keys, isStoredTicket);
      return { sessionTicket: stored.sessionTicket, sealed: row.sealed, cached: true };
    } catch (err) {
      // a key removed from CREDENTIAL_KEYS: the ticket is simply made again
      if (err instanceof CredentialError) return undefined;
      throw err;
    }
  }

  async function authenticateAndStore(key: string, authenticate: () => Promise<SessionTicket>): Promise<UsableSessionTicket> {
    const fresh = await authenticate();
    const sealed = await sealSecret({ sessionTicket: fresh.sessionTicket }, keys);
    // A ticket whose lifetime WebEx did not state serves this launch only.
    if (fresh.timeToLive !== undefined) {
      const lifetimeMs = fresh.timeToLive * 1000;
      const at = now();
      const values = { sealed, use_until: new Date(at + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 10)).toISOString(), created_at: new Date(at).toISOString() };
      await db
        .insertInto('webex_session_tickets')
        .values({ webex_id: key, ...values })
        .onConflict((oc) => oc.column('webex_id').doUpdateSet(values))
        .execute();
    }
    return { sessionTicket: fresh.sessionTicket, sealed, cached: false };
  }

  return {
    get(webexId, authenticate) {
      const key = webexId.toLowerCase();
      const running = inFlight.get(key);
      if (running) return running;
      const flight = (async () => (await readCached(key)) ?? authenticateAndStore(key, authenticate))().finally(() => inFlight.delete(key));
      inFlight.set(key, flight);
      return flight;
    },
    async drop(webexId, sealed) {
      await db.deleteFrom('webex_session_tickets').where('webex_id', '=', webexId.toLowerCase()).where('sealed', '=', sealed).execute();
    },
  };
}
