import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { sealCredential } from '../secrets';
import { type SessionTicket, WebexError } from '../webex';
import { createHostCredentials } from './host-credentials';
import { signedIn } from '../testing/portal-sign-in';
import { createSessionTicketCache, ticketBinding } from './session-tickets';

const KEYS = { '1': 'session-ticket-test-key-0123456789abcdef' };
let store: TempDatabase;
let clock: number;

beforeAll(async () => {
  store = await openTempDatabase('session-tickets');
});
afterAll(async () => {
  await store.remove();
});
beforeEach(async () => {
  clock = Date.parse('2026-11-29T10:00:00Z');
  await store.db.deleteFrom('webex_session_tickets').execute();
});

/** `null`: WebEx states no lifetime. */
function authenticator(ttl: number | null = 5400) {
  let n = 0;
  const calls = () => n;
  const authenticate = async (): Promise<SessionTicket> => {
    n += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { sessionTicket: `ticket-${n}`, createTime: clock, timeToLive: ttl ?? undefined };
  };
  return { authenticate, calls };
}

/** Alice's ticket as her WebEx ID is spelt `webexId`, from `binding`. */
const keyOf = (webexId: string, binding = 'saml:alice@example.com') => ({ email: 'alice@example.com', webexId, binding });

describe('session-ticket cache', () => {
  const cache = () => createSessionTicketCache({ db: store.db, keys: KEYS, now: () => clock });

  it("keeps each site's tickets apart: the same user, WebEx ID and binding on another site authenticate there", async () => {
    const onSite = (site: string) => createSessionTicketCache({ db: store.db, keys: KEYS, now: () => clock, site });
    const { authenticate, calls } = authenticator(5400);
    expect(await onSite('').get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-1', cached: false });
    expect(await onSite('acme-eu').get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-2', cached: false });
    expect(await onSite('').get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-1', cached: true });
    expect(await onSite('acme-eu').get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-2', cached: true });
    expect(calls()).toBe(2);
    // dropping one site's ticket (WebEx refused it there) keeps the other's
    const eu = await onSite('acme-eu').get(keyOf('alice'), authenticate);
    await onSite('acme-eu').drop(keyOf('alice'), eu.sealed);
    expect(await onSite('').get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-1', cached: true });
    expect(await onSite('acme-eu').get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-3', cached: false });
  });

  it('reuses a ticket until shortly before timeToLive runs out, then authenticates again', async () => {
    const { authenticate, calls } = authenticator(5400);
    expect(await cache().get(keyOf('Alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-1', cached: false });
    clock += 5400_000 - 60_001;
    expect(await cache().get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-1', cached: true });
    clock += 2;
    expect(await cache().get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-2', cached: false });
    expect(calls()).toBe(2);
  });

  it('keeps a short-lived ticket for nine tenths of its life', async () => {
    const { authenticate } = authenticator(100);
    await cache().get(keyOf('alice'), authenticate);
    clock += 89_999;
    expect((await cache().get(keyOf('alice'), authenticate)).cached).toBe(true);
    clock += 1;
    expect((await cache().get(keyOf('alice'), authenticate)).cached).toBe(false);
  });

  it('stores the ticket sealed, never in the clear', async () => {
    await cache().get(keyOf('alice'), authenticator().authenticate);
    const rows = await store.db.selectFrom('webex_session_tickets').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('ticket-1');
    expect(rows[0]?.webex_id).toBe('alice');
  });

  it('does not cache a ticket whose lifetime WebEx did not state', async () => {
    const { authenticate, calls } = authenticator(null);
    await cache().get(keyOf('alice'), authenticate);
    expect((await cache().get(keyOf('alice'), authenticate)).sessionTicket).toBe('ticket-2');
    expect(calls()).toBe(2);
  });

  it('authenticates once for concurrent requests of one host in this process', async () => {
    const { authenticate, calls } = authenticator();
    const shared = cache();
    const results = await Promise.all(Array.from({ length: 10 }, () => shared.get(keyOf('alice'), authenticate)));
    expect(calls()).toBe(1);
    expect(new Set(results.map((r) => r.sessionTicket))).toEqual(new Set(['ticket-1']));
  });

  it('across instances a lost race costs one extra AuthenticateUser at most, and both tickets work', async () => {
    const { authenticate, calls } = authenticator();
    const [a, b] = await Promise.all([cache().get(keyOf('alice'), authenticate), cache().get(keyOf('alice'), authenticate)]);
    expect(calls()).toBe(2);
    expect([a.cached, b.cached]).toEqual([false, false]);
    expect((await cache().get(keyOf('alice'), authenticate)).cached).toBe(true);
  });

  it('drop removes only the ticket that was refused, never a newer one', async () => {
    const { authenticate } = authenticator();
    const first = await cache().get(keyOf('alice'), authenticate);
    clock += 6000_000;
    const second = await cache().get(keyOf('alice'), authenticate);
    await cache().drop(keyOf('alice'), first.sealed);
    clock -= 6000_000 - 1;
    expect((await cache().get(keyOf('alice'), authenticate)).sessionTicket).toBe(second.sessionTicket);
    await cache().drop(keyOf('ALICE'), second.sealed);
    expect(await store.db.selectFrom('webex_session_tickets').selectAll().execute()).toHaveLength(0);
  });

  it('serves a ticket only to its portal user, its WebEx ID and what it came from', async () => {
    const { authenticate, calls } = authenticator();
    const shared = cache();
    expect((await shared.get(keyOf('alice'), authenticate)).sessionTicket).toBe('ticket-1');
    expect((await shared.get({ ...keyOf('alice'), email: 'bob@example.com' }, authenticate)).sessionTicket).toBe('ticket-2');
    expect((await shared.get(keyOf('alice', 'saml:admin@example.com'), authenticate)).sessionTicket).toBe('ticket-3');
    expect((await shared.get(keyOf('alice.two', 'saml:admin@example.com'), authenticate)).sessionTicket).toBe('ticket-4');
    expect(calls()).toBe(4);
  });

  it('a ticket sealed under a key no longer configured is made again, not an error', async () => {
    const { authenticate } = authenticator();
    await createSessionTicketCache({ db: store.db, keys: { '9': 'an-old-key-no-longer-listed-0123456789' }, now: () => clock }).get(
      keyOf('alice'),
      authenticate,
    );
    expect(await cache().get(keyOf('alice'), authenticate)).toMatchObject({ sessionTicket: 'ticket-2', cached: false });
  });
});

describe('ticketBinding', () => {
  it('binds a password ticket to a keyed fingerprint of the sealed password: a new seal, or other keys, give another; the seal is not in it', async () => {
    const first = await sealCredential({ kind: 'password', password: 'pw' }, KEYS);
    const again = await sealCredential({ kind: 'password', password: 'pw' }, KEYS);
    const binding = ticketBinding({ kind: 'password', sealedCredential: first }, KEYS);
    expect(binding).toMatch(/^password:[\w-]{43}$/);
    expect(ticketBinding({ kind: 'password', sealedCredential: first }, KEYS)).toBe(binding);
    expect(ticketBinding({ kind: 'password', sealedCredential: again }, KEYS)).not.toBe(binding);
    expect(ticketBinding({ kind: 'password', sealedCredential: first }, { ...KEYS, '2': 'a-second-key-for-rotation-0123456789' })).not.toBe(binding);
    expect(binding).not.toContain(first.slice(10, 30));
  });

  it('binds a saml ticket to whose sign-in was asserted, an oauth ticket to the grant', () => {
    expect(ticketBinding({ kind: 'saml', signedInAs: 'Ada@Example.com' }, KEYS)).toBe('saml:ada@example.com');
    expect(ticketBinding({ kind: 'oauth', connectedAt: '2026-11-29T10:00:00.000Z' }, KEYS)).toBe('oauth:2026-11-29T10:00:00.000Z');
  });
});

describe('asHost with session tickets: renewed once, never in a loop', () => {
  const expired = () => new WebexError('WEBEX_CREDENTIAL_EXPIRED', 'Not a valid session ticket', { exceptionID: '030047' });

  function setup() {
    let issued = 0;
    const seen: string[] = [];
    const webex = {
      async authenticateUser() {
        issued += 1;
        return { sessionTicket: `st-${issued}`, createTime: Date.now(), timeToLive: 5400 };
      },
    };
    const credentials = createHostCredentials({ config: { mode: 'password', toSessionTicket: true }, siteName: 'acme', webex, keys: KEYS, db: store.db });
    return { credentials, seen, issued: () => issued };
  }

  it('uses the cached ticket; when WebEx refuses it, authenticates once and retries once', async () => {
    const { credentials, seen, issued } = setup();
    const host = {
      email: 'alice@example.com',
      webexId: 'alice',
      signIn: signedIn('alice@example.com'),
      sealedCredential: await sealCredential({ kind: 'password', password: 'pw' }, KEYS),
    };
    const call = async (context: { sessionTicket?: string }) => {
      seen.push(context.sessionTicket ?? '');
      if (context.sessionTicket === 'st-1' && seen.length > 1) throw expired();
      return 'ok';
    };
    expect(await credentials.asHost(host, call)).toEqual({ value: 'ok', credential: 'new-session-ticket' });
    expect(await credentials.asHost(host, call)).toEqual({ value: 'ok', credential: 'renewed-session-ticket' });
    expect(seen).toEqual(['st-1', 'st-1', 'st-2']);
    expect(issued()).toBe(2);
    expect(await credentials.asHost(host, call)).toEqual({ value: 'ok', credential: 'cached-session-ticket' });
  });

  it('a renewed ticket refused again is the answer: no third try', async () => {
    const { credentials, seen, issued } = setup();
    const host = {
      email: 'bob@example.com',
      webexId: 'bob',
      signIn: signedIn('bob@example.com'),
      sealedCredential: await sealCredential({ kind: 'password', password: 'pw' }, KEYS),
    };
    await credentials.asHost(host, async () => 'warm');
    const always = async (context: { sessionTicket?: string }) => {
      seen.push(context.sessionTicket ?? '');
      throw expired();
    };
    await expect(credentials.asHost(host, always)).rejects.toMatchObject({ code: 'WEBEX_CREDENTIAL_EXPIRED' });
    expect(seen).toHaveLength(2);
    expect(issued()).toBe(2);
  });

  it('a fresh ticket refused is not retried, and other failures are never retried', async () => {
    const { credentials, seen } = setup();
    const host = {
      email: 'carol@example.com',
      webexId: 'carol',
      signIn: signedIn('carol@example.com'),
      sealedCredential: await sealCredential({ kind: 'password', password: 'pw' }, KEYS),
    };
    await expect(
      credentials.asHost(host, async (c) => {
        seen.push(c.sessionTicket ?? '');
        throw expired();
      }),
    ).rejects.toMatchObject({ code: 'WEBEX_CREDENTIAL_EXPIRED' });
    await expect(
      credentials.asHost(host, async (c) => {
        seen.push(c.sessionTicket ?? '');
        throw new WebexError('WEBEX_TIMEOUT', 'slow');
      }),
    ).rejects.toMatchObject({ code: 'WEBEX_TIMEOUT' });
    expect(seen).toHaveLength(2);
  });

  it('no stored password in password→ticket mode is CREDENTIAL_MISSING, before any call', async () => {
    const { credentials, issued } = setup();
    await expect(
      credentials.asHost({ email: 'x@example.com', webexId: 'x', signIn: signedIn('x@example.com'), sealedCredential: null }, async () => 'never'),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_MISSING' });
    expect(issued()).toBe(0);
  });
});
