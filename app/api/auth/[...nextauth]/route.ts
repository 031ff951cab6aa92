import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/server';

// Options are built on first request, so `next build` needs no environment.
const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(getAuthOptions())(req, ctx);

export { handler as GET, handler as POST };
