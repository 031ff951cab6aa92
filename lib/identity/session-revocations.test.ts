/**
 * Sessions ended on the server (issue 16, finding 7), in the database every instance shares:
 * SQLite, and PostgreSQL when it answers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDatabaseCases, type TwoConnections } from '../testing/temp-database';
import { captureLog } from '../testing/log-capture';
import { createSessionRevocations, revocableSession } from './session-revocations';

const MAX_AGE = 8 * 3600;
const T = 1_800_000_000; // "now", in seconds

function contract(name: string, open: (() => Promise<TwoConnections>) | undefined) {
  describe.skipIf(!open)(name, () => {
    let dbs: TwoConnections;
    let now = new Date(T * 1000);
    afterAll(async () => dbs?.close());
    const instances = async () => {
      dbs ??= await (open as NonNullable<typeof open>)();
      const instance = ({ db }: TwoConnections['a']) =>
        createSessionRevocations(
          async () => db,
          { maxAgeSeconds: MAX_AGE },
          () => now,
        );
      return [instance(dbs.a), instance(dbs.b)] as const;
    };

    it("a session signed out on one instance is refused on the other; the employee's other sessions go on", async () => {
      const [one, two] = await instances();
      const signedOut = { sessionId: 'sid-signed-out', email: 'ada@example.com', signedInAt: T - 600 };
      const other = { ...signedOut, sessionId: 'sid-other' };
      expect(await two.isRevoked(signedOut)).toBe(false);
      await one.revoke(signedOut);
      expect(await two.isRevoked(signedOut)).toBe(true);
      expect(await one.isRevoked(signedOut)).toBe(true);
      expect(await two.isRevoked(other)).toBe(false);
      // signed out on an instance whose clock is behind the one that signed it in: ended all the same
      const skewed = { ...signedOut, sessionId: 'sid-skewed', signedInAt: T + 5 };
      await one.revoke(skewed);
      expect(await two.isRevoked(skewed)).toBe(true);
    });

    it("an admin's End sessions ends every session of the employee signed in until then, on every instance, and none signed in later", async () => {
      const [one, two] = await instances();
      const session = (sessionId: string, signedInAt: number, email = 'bob@example.com') => ({ sessionId, email, signedInAt });
      now = new Date((T + 100) * 1000 + 400);
      await one.endSessionsOf('Bob@Example.com');
      expect(await two.isRevoked(session('sid-b1', T - 3600))).toBe(true);
      expect(await two.isRevoked(session('sid-b2', T + 99))).toBe(true);
      // signed in within the same second: ended too (the token counts whole seconds; ending one too many is the safe side)
      expect(await two.isRevoked(session('sid-b3', T + 100))).toBe(true);
      expect(await two.isRevoked(session('sid-b4', T + 101))).toBe(false);
      expect(await two.isRevoked(session('sid-c1', T - 3600, 'carol@example.com'))).toBe(false);
      // a second End sessions moves the time on
      now = new Date((T + 200) * 1000);
      await two.endSessionsOf('bob@example.com');
      expect(await one.isRevoked(session('sid-b4', T + 101))).toBe(true);
      expect(await one.isRevoked(session('sid-b5', T + 201))).toBe(false);
      now = new Date(T * 1000);
    });

    it('rows go once every session they end is over anyway, at the next revocation', async () => {
      const [one] = await instances();
      const rows = async () => (await dbs.a.db.selectFrom('portal_session_revocations').select('subject').execute()).map((r) => r.subject).sort();
      now = new Date(T * 1000);
      await one.revoke({ sessionId: 'sid-old', email: 'dave@example.com', signedInAt: T - MAX_AGE + 10 });
      await one.endSessionsOf('erin@example.com');
      expect(await rows()).toEqual(expect.arrayContaining(['session:sid-old', 'user:erin@example.com']));
      now = new Date((T + 11) * 1000);
      await one.revoke({ sessionId: 'sid-new', email: 'dave@example.com', signedInAt: T });
      expect(await rows()).not.toContain('session:sid-old');
      expect(await rows()).toContain('user:erin@example.com');
      now = new Date((T + MAX_AGE + 1) * 1000);
      await one.revoke({ sessionId: 'sid-newer', email: 'dave@example.com', signedInAt: T + MAX_AGE });
      expect(await rows()).not.toContain('user:erin@example.com');
      now = new Date(T * 1000);
    });
  });
}

for (const [name, open] of await sharedDatabaseCases('revocations')) contract(name, open);

describe('a sign-out whose database fails', () => {
  it('still signs out (the cookie is cleared by its caller) and says in the log that the session could not be ended elsewhere, without the session id', async () => {
    const broken = createSessionRevocations(
      async () => {
        throw new Error('database down');
      },
      { maxAgeSeconds: MAX_AGE },
    );
    const text = await captureLog(() => broken.revoke({ sessionId: 'sid-secret-one', email: 'ada@example.com', signedInAt: T }));
    expect(text).toContain('SESSION_REVOKE_FAILED');
    expect(text).not.toContain('sid-secret-one');
    await expect(broken.isRevoked({ sessionId: 'x', email: 'ada@example.com', signedInAt: T })).rejects.toThrow('database down');
  });
});

describe('revocableSession', () => {
  it("is a token's session id, e-mail and sign-in time, or nothing for a token without them (issued before session ids)", () => {
    expect(revocableSession({ sessionId: 'sid', email: 'ada@example.com', signedInAt: T, lastSeenAt: T })).toEqual({
      sessionId: 'sid',
      email: 'ada@example.com',
      signedInAt: T,
    });
    expect(revocableSession({ email: 'ada@example.com', signedInAt: T })).toBeUndefined();
    expect(revocableSession({ sessionId: '', email: 'ada@example.com', signedInAt: T })).toBeUndefined();
    expect(revocableSession({ sessionId: 'sid', signedInAt: T })).toBeUndefined();
    expect(revocableSession({ sessionId: 'sid', email: 'ada@example.com' })).toBeUndefined();
  });
});
