import { getConnectDeps, getPortalUser } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { disconnect } from '@/lib/credentials';
import { normalizeEmail, signInPath } from '@/lib/identity';
import { crossOriginRefused, redirectTo } from '../../_lib/responses';
import { isSameOriginRequest } from '@/lib/http';

export const dynamic = 'force-dynamic';

/** The employee withdraws the portal's WebEx authorisation (revoked at WebEx where it can be). */
export async function POST(request: Request): Promise<Response> {
  const config = getConfig();
  if (!isSameOriginRequest(request.headers, config.appUrl)) return crossOriginRefused();
  const user = await getPortalUser();
  if (!user) return redirectTo(new URL(signInPath('/'), config.appUrl));
  const deps = await getConnectDeps();
  if (deps) await disconnect(deps, user.email, normalizeEmail(user.email));
  return redirectTo(new URL('/?disconnected=1', config.appUrl));
}
