import { disconnect } from '@/lib/credentials';
import { normalizeEmail } from '@/lib/identity';
import { getConnectDeps } from '@/lib/server';
import { goHome, signedInFormPost } from '../../_lib/form-post';
import { redirectTo } from '../../_lib/responses';

export const dynamic = 'force-dynamic';

export const GET = goHome;

/** The employee withdraws the portal's WebEx authorisation (revoked at WebEx where it can be). */
export const POST = signedInFormPost(async (_request, config, user) => {
  const deps = await getConnectDeps();
  if (deps) await disconnect(deps, user.email, normalizeEmail(user.email));
  return redirectTo(new URL('/?disconnected=1', config.appUrl));
});
