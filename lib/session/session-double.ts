import type { NextAuthOptions } from 'next-auth';
import type { JWT } from 'next-auth/jwt';

/**
 * For tests: next-auth with its cookie decoding replaced by "the token of the moment". Our real
 * jwt callback (session end) and session callback (PortalUser) run on it, as next-auth runs them
 * after decoding the cookie. Use in a vi.mock('next-auth') factory.
 */
export async function nextAuthReadingToken(importOriginal: <T>() => Promise<T>, currentToken: () => JWT | null): Promise<typeof import('next-auth')> {
  const original = await importOriginal<typeof import('next-auth')>();
  return {
    ...original,
    getServerSession: (async (options: NextAuthOptions) => {
      const decoded = currentToken();
      if (!decoded || !options.callbacks?.jwt || !options.callbacks.session) return null;
      try {
        const token = await options.callbacks.jwt({ token: decoded, user: undefined as never, account: null });
        return await options.callbacks.session({ session: { expires: '2999-01-01T00:00:00Z' }, token, user: undefined as never, newSession: undefined, trigger: 'update' });
      } catch {
        return null; // next-auth: a jwt callback that throws means no session
      }
    }) as typeof original.getServerSession,
  };
}
