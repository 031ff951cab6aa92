import { createHmac, hkdfSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { normalizeEmail } from '../identity';
import { SealedSecretError, sealSecret, type SecretKeys, unsealSecret } from '../secrets';
import type { SessionTicket } from '../webex';

/** Stop using a session ticket this long before WebEx says it ends (or a tenth of its life, if shorter). */
const RENEW_BEFORE_MS = 60_000;

/** What a session ticket came from, per credential mode (see ticketBinding). */
export type TicketSource =
  /** password mode converting to session tickets: the mapping's sealed password */
  | { kind: 'password'; sealedCredential: string }
  /** saml: the portal user whose sign-in the assertion stated */
  | { kind: 'saml'; signedInAs: string }
  /** oauth with WEBEX_OAUTH_TOKEN_USE=session-ticket: the employee's grant, by when it was made */
  | { kind: 'oauth'; connectedAt: string };

/**
 * Whose ticket: the portal user it acts for, the WebEx ID it was issued for, and what it came from.
 * A ticket is used only when all three are what they are now.
 */
export interface TicketKey {
  email: string;
  webexId: string;
  binding: string;
}

export interface UsableSessionTicket {
  sessionTicket: string;
  /** the sealed form as stored: what `drop` compares, so it never deletes a newer ticket */
  sealed: string;
  /** read from the cache rather than made just now: a rejection may mean it went stale */
  cached: boolean;
}

export interface SessionTicketCache {
  /** The host's cached session ticket for this key, or a new one from `authenticate` (once per key at a time in this process). */
  get(key: TicketKey, authenticate: () => Promise<SessionTicket>): Promise<UsableSessionTicket>;
  /** Forgets a ticket WebEx refused, unless another has replaced it meanwhile. */
  drop(key: TicketKey, sealed: string): Promise<void>;
}

function isStoredTicket(value: unknown): value is { sessionTicket: string } {
  return typeof value === 'object' && value !== null && typeof (value as { sessionTicket?: unknown }).sessionTicket === 'string';
}

const bindingKeys = new WeakMap<SecretKeys, Buffer>();

/** A key of its own for fingerprints, derived from every CREDENTIAL_KEYS entry (adding one makes each host authenticate once more). */
function bindingKey(keys: SecretKeys): Buffer {
  let key = bindingKeys.get(keys);
  if (!key) {
    const material = Object.entries(keys)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, secret]) => `${id}:${secret}`)
      .join('\n');
    key = Buffer.from(hkdfSync('sha256', material, '', 'webex-sso session-ticket binding', 32));
    bindingKeys.set(keys, key);
  }
  return key;
}

/**
 * What a ticket is bound to, stored beside it and compared on every use, so a ticket serves only
 * the credential it came from, for as long as that is the host's:
 *
 * - password: an HMAC of the sealed password under a key derived from CREDENTIAL_KEYS. Of the sealed
 *   form, so checking it opens nothing on the launch path and it tells nothing of the password even
 *   with the key; keyed, so only the portal can bind a ticket to a credential. A new password (or the
 *   same one set again) is a new seal, so its host's old tickets no longer match; a portal user with
 *   no password of their own has nothing to match and never reaches the cache.
 * - saml: the portal user whose sign-in the assertion stated (the host, or the admin of a mapping
 *   test), so a ticket made on one person's authentication never serves another's launch. With the
 *   row's e-mail and WebEx ID, that is portal user + WebEx ID: a WebEx ID change misses too.
 * - oauth: the employee's own grant, checked connected and for this WebEx ID first (the token
 *   store), and named by when it was made: a Disconnect, a Revoke or a grant renewed by reconnecting
 *   leaves the old tickets unmatched, and a refused refresh fails the check before the cache.
 *
 * Nothing here is a secret: a database reader learns no more than which mode made the ticket.
 */
export function ticketBinding(source: TicketSource, keys: SecretKeys): string {
  switch (source.kind) {
    case 'password':
      return `password:${createHmac('sha256', bindingKey(keys)).update(source.sealedCredential).digest('base64url')}`;
    case 'saml':
      return `saml:${normalizeEmail(source.signedInAs)}`;
    case 'oauth':
      return `oauth:${source.connectedAt}`;
  }
}

/**
 * Session tickets per portal user, sealed with CREDENTIAL_KEYS in the database so every instance
 * reuses them until shortly before `timeToLive` runs out, while their key matches. Instances do not
 * lock: two that miss at once each authenticate, and the later write wins — one extra
 * AuthenticateUser at most. Whatever ends a credential (Disconnect, Revoke, a mapping's new WebEx ID
 * or password) also deletes its host's row at once; the key check is what makes that unnecessary
 * for safety.
 */
export function createSessionTicketCache(options: {
  db: Kysely<Database>;
  keys: SecretKeys;
  /** the site its tickets are for ('' the default site): a ticket of one site is never another's */
  site?: string;
  now?: () => number;
}): SessionTicketCache {
  const { db, keys } = options;
  const site = options.site ?? '';
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<UsableSessionTicket>>();

  const normalized = (key: TicketKey): TicketKey => ({ email: normalizeEmail(key.email), webexId: key.webexId.toLowerCase(), binding: key.binding });

  async function readCached(key: TicketKey): Promise<UsableSessionTicket | undefined> {
    const row = await db
      .selectFrom('webex_session_tickets')
      .select(['sealed', 'use_until'])
      .where('email', '=', key.email)
      .where('site', '=', site)
      .where('webex_id', '=', key.webexId)
      .where('binding', '=', key.binding)
      .executeTakeFirst();
    if (!row || Date.parse(row.use_until) <= now()) return undefined;
    try {
      const stored = await unsealSecret(row.sealed, keys, isStoredTicket);
      return { sessionTicket: stored.sessionTicket, sealed: row.sealed, cached: true };
    } catch (err) {
      // a key removed from CREDENTIAL_KEYS: the ticket is simply made again
      if (err instanceof SealedSecretError) return undefined;
      throw err;
    }
  }

  async function authenticateAndStore(key: TicketKey, authenticate: () => Promise<SessionTicket>): Promise<UsableSessionTicket> {
    const fresh = await authenticate();
    const sealed = await sealSecret({ sessionTicket: fresh.sessionTicket }, keys);
    // A ticket whose lifetime WebEx did not state serves this launch only.
    if (fresh.timeToLive !== undefined) {
      const lifetimeMs = fresh.timeToLive * 1000;
      const at = now();
      const values = {
        webex_id: key.webexId,
        binding: key.binding,
        sealed,
        use_until: new Date(at + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 10)).toISOString(),
        created_at: new Date(at).toISOString(),
      };
      await db
        .insertInto('webex_session_tickets')
        .values({ email: key.email, site, ...values })
        .onConflict((oc) => oc.columns(['email', 'site']).doUpdateSet(values))
        .execute();
    }
    return { sessionTicket: fresh.sessionTicket, sealed, cached: false };
  }

  return {
    get(ticketKey, authenticate) {
      const key = normalized(ticketKey);
      const flightKey = JSON.stringify([key.email, site, key.webexId, key.binding]);
      const running = inFlight.get(flightKey);
      if (running) return running;
      const flight = (async () => (await readCached(key)) ?? authenticateAndStore(key, authenticate))().finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, flight);
      return flight;
    },
    async drop(ticketKey, sealed) {
      await db
        .deleteFrom('webex_session_tickets')
        .where('email', '=', normalizeEmail(ticketKey.email))
        .where('site', '=', site)
        .where('sealed', '=', sealed)
        .execute();
    },
  };
}

/**
 * Forgets the cached WebEx session tickets of these portal users :
 * they came from the host's WebEx ID and credential, and end with them. On one site, or (no site) on every site. Called when a mapping's
 * WebEx ID or password changes or it is deleted, and when an employee's grant ends.
 */
export async function forgetSessionTickets(db: Kysely<Database>, emails: readonly string[], site?: string): Promise<void> {
  if (emails.length === 0) return;
  await db
    .deleteFrom('webex_session_tickets')
    .where('email', 'in', emails.map(normalizeEmail))
    .$if(site !== undefined, (q) => q.where('site', '=', site ?? ''))
    .execute();
}
