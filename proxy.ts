import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { getConfig } from '@/lib/config';
import { crossOriginRefusal, isCrossOriginWrite } from '@/lib/cross-origin';

// Runs before every page, route and server action (Node.js runtime in Next 16).
export function proxy(request: NextRequest): Response {
  // a server action or form post from another site: 403 with our page, not Next's 500
  if (isCrossOriginWrite(request.method, request.nextUrl.pathname, request.headers, getConfig().appUrl)) return crossOriginRefusal();
  return NextResponse.next();
}

export const config = {
  // not static files: they change nothing and carry no session
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
