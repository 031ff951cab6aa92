import { connectCookie, startConnect } from '@/lib/credentials';
import { SITE_FIELD } from '@/lib/launch';
import { getSiteNamed } from '@/lib/server';
import { goHome, signedInFormPost } from '../../_lib/form-post';
import { redirectTo } from '../../_lib/responses';

export const dynamic = 'force-dynamic';

// A GET only shows the home page with the Connect button.
export const GET = goHome;

/** "Connect WebEx" for the signed-in employee, on the site the button names: off to WebEx's authorization page, with the request's state sealed in a cookie. */
export const POST = signedInFormPost(async (request, config, user) => {
  const form = await request.formData().catch(() => undefined);
  // only in oauth mode, and only on a site of ours
  const deps = (await getSiteNamed(form?.get(SITE_FIELD)))?.connect;
  if (!deps) return redirectTo(new URL('/', config.appUrl));
  const { location, cookie } = await startConnect(deps, user.email);
  return redirectTo(location, 303, [connectCookie(cookie, config.appUrl)]);
});
