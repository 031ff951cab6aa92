import type { JWT } from 'next-auth/jwt';
import { getConfig } from '../config';
import { encodeSession, sessionCookieName } from '../identity';

/**
 * For tests: the cookies of a request from a browser whose session is `token` (null: no session),
 * encoded as the portal encodes it, so the real decoding, session end and PortalUser run on it.
 * Use in a vi.mock('next/headers') factory: `cookies: () => sessionCookies(token)`.
 */
export async function sessionCookies(
  token: JWT | null,
): Promise<{ getAll(): { name: string; value: string }[]; get(name: string): { name: string; value: string } | undefined }> {
  const config = getConfig();
  const all = token ? [{ name: sessionCookieName(config.appUrl), value: await encodeSession({ token, secret: config.authSecret }) }] : [];
  return { getAll: () => all, get: (name) => all.find((c) => c.name === name) };
}
