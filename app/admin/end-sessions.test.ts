/**
 * The admin's End sessions (issue 16, finding 7): every portal session of one employee signed in
 * before it is over at once, wherever its cookie is; a sign-in after it is not. Audited.
 */
import type { JWT } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { describe, expect, it, vi } from 'vitest';
import { setUpPortalEnvironment } from '@/lib/testing/config';
import { sessionCookies } from '@/lib/testing/session-cookies';
import { encodeSession } from '@/lib/identity';

const APP_URL = 'http://localhost:3000';
const SECRET = 'end-sessions-test-secret-0123456789abcdef';
const now = () => Math.floor(Date.now() / 1000);
const session = (email: string, sessionId: string, signedInAt: number, groups: string[] = []): JWT => ({
  sub: email,
  email,
  name: email,
  groups,
  sessionId,
  signedInAt,
  lastSeenAt: now(),
  adminCheckedAt: now(),
  adminVerified: true,
});

// the admin clicking the button, from the settings page, re-checked by the proxy for this write
const ADMIN = session('ada@example.com', 'sid-admin', now() - 600, ['webex-admins']);
vi.mock('next/headers', () => ({ headers: async () => new Headers({ origin: APP_URL }), cookies: () => sessionCookies(ADMIN) }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

setUpPortalEnvironment({ __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: 'true', NEXTAUTH_URL: APP_URL, NEXTAUTH_SECRET: SECRET, ADMIN_GROUP: 'webex-admins' });

/** Whether a page request through the proxy with this session is still signed in. */
async function signedIn(token: JWT): Promise<boolean> {
  const { proxy } = await import('../../proxy');
  const cookie = `next-auth.session-token=${await encodeSession({ token, secret: SECRET })}`;
  const response = await proxy(new NextRequest(`${APP_URL}/`, { headers: { cookie } }));
  return (response.headers.get('x-middleware-request-cookie') ?? '').includes('next-auth.session-token=');
}

const endSessions = async (email: string) => {
  const { endSessionsAction } = await import('./_lib/actions');
  const form = new FormData();
  form.set('email', email);
  return endSessionsAction({}, form);
};

describe('End sessions', () => {
  it("ends every session of the employee signed in before it, on every browser, and not a later one nor anyone else's", async () => {
    const laptop = session('bob@example.com', 'sid-bob-laptop', now() - 3000);
    const phone = session('bob@example.com', 'sid-bob-phone', now() - 30);
    const carol = session('carol@example.com', 'sid-carol', now() - 30);
    expect(await signedIn(laptop)).toBe(true);
    expect(await signedIn(phone)).toBe(true);

    expect(await endSessions(' Bob@Example.com ')).toEqual({
      ok: true,
      message: 'Ended every portal session of bob@example.com: they must sign in again (new sign-ins are not affected).',
    });
    expect(await signedIn(laptop)).toBe(false);
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(carol)).toBe(true);
    // bob signs in again, a moment later
    expect(await signedIn(session('bob@example.com', 'sid-bob-again', now() + 1))).toBe(true);
  });

  it('is audited: who ended whose sessions', async () => {
    await endSessions('dave@example.com');
    const { getDb } = await import('@/lib/server');
    const rows = await (
      await getDb()
    ).db
      .selectFrom('audit_events')
      .select(['actor', 'action', 'target', 'outcome'])
      .where('action', '=', 'session.end-all')
      .execute();
    expect(rows).toContainEqual({ actor: 'ada@example.com', action: 'session.end-all', target: 'dave@example.com', outcome: 'OK' });
  });

  it('asks for an e-mail address, and ends nothing without one', async () => {
    const refused = await endSessions('not an address');
    expect(refused.ok).toBe(false);
    expect(refused.fieldErrors?.email?.length).toBeGreaterThan(0);
  });
});
