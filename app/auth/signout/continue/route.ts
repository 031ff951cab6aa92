import type { NextRequest } from 'next/server';
import { getConfig } from '@/lib/config';
import { continueSignOut, SIGN_OUT_COOKIE, signOutCookie } from '@/lib/sign-out';
import { redirectTo } from '../../../_lib/responses';

export const dynamic = 'force-dynamic';

/** BU of WebEx's AT=LO during a sign-out: on to the next site's AT=LO, the identity provider's logout, or the signed-out page. */
export async function GET(request: NextRequest): Promise<Response> {
  const config = getConfig();
  const { location, way } = await continueSignOut(request.cookies.get(SIGN_OUT_COOKIE)?.value, request.nextUrl.searchParams.get('ST') ?? '', config);
  // kept only while another site's AT=LO is still to come back here; else cleared
  return redirectTo(location, 303, [await signOutCookie(way, config)]);
}
