import { getConfig, type AppConfig } from '@/lib/config';
import { crossOriginRefusal, isSameOriginRequest } from '@/lib/http';
import { signInPath, type PortalUser } from '@/lib/identity';
import { getPortalUser } from '@/lib/server';
import { redirectTo } from './responses';

/** A GET of a form-POST route (a typed URL, a link preview, a prefetch) changes nothing: the home page. */
export function goHome(): Response {
  return redirectTo(new URL('/', getConfig().appUrl));
}

/**
 * The opening every form-POST route of the portal shares: a POST from another site is refused
 * (403) before anything is read. Then `handle` does the route's own work.
 */
export function formPost<R extends Request>(handle: (request: R, config: AppConfig) => Promise<Response>): (request: R) => Promise<Response> {
  return async (request) => {
    const config = getConfig();
    if (!isSameOriginRequest(request.headers, config.appUrl)) return crossOriginRefusal();
    return handle(request, config);
  };
}

/** formPost for the signed-in employee: an anonymous caller signs in first and comes back to the home page. */
export function signedInFormPost<R extends Request>(
  handle: (request: R, config: AppConfig, user: PortalUser) => Promise<Response>,
): (request: R) => Promise<Response> {
  return formPost(async (request: R, config) => {
    const user = await getPortalUser();
    if (!user) return redirectTo(new URL(signInPath('/'), config.appUrl));
    return handle(request, config, user);
  });
}
