import { getConfig } from '../config';
import { launchWebex, type JoinDeps } from '../launch';
import { getLaunchDeps, getLaunchLimiter, returnUrl } from './deps';
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
    },
    portalUser: getPortalUser,
    consumeLaunch: async (email) => (await getLaunchLimiter()).consume(email),
    // counted as in flight, so a graceful shutdown waits for it
    launch: (user, target, requestId) => trackLaunch(async () => launchWebex(user, await getLaunchDeps(), requestId, target)),
  };
}
