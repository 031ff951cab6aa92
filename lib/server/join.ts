import { getConfig } from '../config';
import { launchWebex, siteFor, type JoinDeps } from '../launch';
import { getLaunchLimiter, getSites, returnUrl } from './deps';
import { getPortalUser } from './identity';
import { trackLaunch } from './shutdown';

/** What POST /launch's use case (lib/launch answerJoin) needs, wired to this process. */
export function getJoinDeps(): JoinDeps {
  const config = getConfig();
  return {
    settings: {
      appUrl: config.appUrl,
      authSecret: config.authSecret,
      loginDelivery: config.webex.loginDelivery,
      site: config.webex,
      returnUrl: returnUrl(config),
      sessionMaxAgeSeconds: config.session.maxAgeSeconds,
    },
    portalUser: getPortalUser,
    consumeLaunch: async (email) => (await getLaunchLimiter()).consume(email),
    // counted as in flight, so a graceful shutdown waits for it
    launch: (user, target, requestId) =>
      trackLaunch(async () => {
        const sites = (await getSites()).map((s) => s.launch);
        return launchWebex(user, await siteFor(user, target, sites), requestId, target);
      }),
  };
}
