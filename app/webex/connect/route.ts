import { connectCookie, startConnect } from '@/lib/credentials';
import { getConnectDeps } from '@/lib/server';
import { goHome, signedInFormPost } from '../../_lib/form-post';
import { redirectTo } from '../../_lib/responses';

export const dynamic = 'force-dynamic';

// A GET only shows the home page with the Connect button.
export const GET = goHome;

/** "Connect WebEx" for the signed-in employee: off to WebEx's authorization page, with the request's state sealed in a cookie. */
export const POST = signedInFormPost(async (_request, config, user) => {
  // only in oauth mode
  const deps = await getConnectDeps();
  if (!deps) return redirectTo(new URL('/', config.appUrl));
  const { location, cookie } = await startConnect(deps, user.email);
  return redirectTo(location, 303, [connectCookie(cookie, config.appUrl)]);
});
