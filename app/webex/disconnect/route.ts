import { disconnect } from '@/lib/credentials';
import { normalizeEmail } from '@/lib/identity';
import { SITE_FIELD } from '@/lib/launch';
import { getSiteNamed } from '@/lib/server';
import { goHome, signedInFormPost } from '../../_lib/form-post';
import { redirectTo } from '../../_lib/responses';

export const dynamic = 'force-dynamic';

export const GET = goHome;

/** The employee withdraws the portal's WebEx authorisation on the site the button names (revoked at WebEx where it can be). */
export const POST = signedInFormPost(async (request, config, user) => {
  const form = await request.formData().catch(() => undefined);
  const deps = (await getSiteNamed(form?.get(SITE_FIELD)))?.connect;
  if (deps) await disconnect(deps, user.email, normalizeEmail(user.email));
  return redirectTo(new URL('/?disconnected=1', config.appUrl));
});
