/**
 * Portal sessions ended on the server, shared by every instance through the database. Session
 * cookies are stateless: without this, a copied cookie works after Sign out until SESSION_MAX_AGE.
 * A sign-out ends its session (by the session id sign-in put in the token); an admin's End
 * sessions ends every session of one employee signed in until then (by the token's signedInAt).
 * The proxy asks on every request that carries a session: one read by primary key, both checks in
 * it. A row is kept until every session it ends is over anyway, and pruned at the next revocation.
 */
import type { Kysely } from 'kysely';
import type { JWT } from 'next-auth/jwt';
import type { Database } from '../db';
import { log } from '../log';
import { normalizeEmail } from './email';
import type { SessionPolicy } from './settings';

/** What a session's token says about the session itself. */
export interface RevocableSession {
  /** random, set at sign-in (lib/identity/auth-options.ts) */
  sessionId: string;
  email: string;
  /** seconds since the epoch */
  signedInAt: number;
}

export interface SessionRevocations {
  /** Sign-out: the session is over on every instance. Never throws: a failure is logged, and the caller clears the cookie all the same. */
  revoke(session: RevocableSession): Promise<void>;
  /** Every session of `email` signed in until now is over, on every instance; a later sign-in is not. */
  endSessionsOf(email: string): Promise<void>;
  /** Whether the session was signed out or ended with all its employee's; throws when the database does not answer. */
  isRevoked(session: RevocableSession): Promise<boolean>;
}

/** The session a token stands for, or undefined for one without a session id (issued before session ids), e-mail or sign-in time. */
export function revocableSession(token: JWT): RevocableSession | undefined {
  const { sessionId, email, signedInAt } = token;
  if (typeof sessionId !== 'string' || sessionId === '' || typeof email !== 'string' || typeof signedInAt !== 'number') return undefined;
  return { sessionId, email, signedInAt };
}

const sessionSubject = (sessionId: string) => `session:${sessionId}`;
const userSubject = (email: string) => `user:${normalizeEmail(email)}`;

export function createSessionRevocations(
  db: () => Promise<Kysely<Database>>,
  policy: Pick<SessionPolicy, 'maxAgeSeconds'>,
  now: () => Date = () => new Date(),
): SessionRevocations {
  /** Records (or moves on) one revocation, after pruning the rows whose sessions are all over. */
  async function record(subject: string, expiresAt: Date): Promise<void> {
    const store = await db();
    const at = now().toISOString();
    await store.deleteFrom('portal_session_revocations').where('expires_at', '<', at).execute();
    const row = { subject, ended_at: at, expires_at: expiresAt.toISOString() };
    await store
      .insertInto('portal_session_revocations')
      .values(row)
      .onConflict((conflict) => conflict.column('subject').doUpdateSet({ ended_at: row.ended_at, expires_at: row.expires_at }))
      .execute();
  }

  return {
    async revoke(session) {
      try {
        await record(sessionSubject(session.sessionId), new Date((session.signedInAt + policy.maxAgeSeconds) * 1000));
      } catch (err) {
        // whose session it was; its id, otherwise only inside the encrypted cookie, stays out of logs
        log.error(
          { code: 'SESSION_REVOKE_FAILED', email: session.email, err: err instanceof Error ? err.message : String(err) },
          'sign-out could not end the session on the server; its cookie is cleared in this browser only',
        );
      }
    },
    async endSessionsOf(email) {
      await record(userSubject(email), new Date(now().getTime() + policy.maxAgeSeconds * 1000));
    },
    async isRevoked({ sessionId, email, signedInAt }) {
      const session = sessionSubject(sessionId);
      const rows = await (
        await db()
      )
        .selectFrom('portal_session_revocations')
        .select(['subject', 'ended_at'])
        .where('subject', 'in', [session, userSubject(email)])
        .execute();
      // signedInAt counts whole seconds: a sign-in within the second of an End sessions ends with it (the safe side)
      return rows.some((row) => row.subject === session || Date.parse(row.ended_at) >= signedInAt * 1000);
    },
  };
}
