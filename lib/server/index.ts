/**
 * The composition root: the one place configuration becomes wired objects for this process
 * (database, WebEx pools, the launch's and identity's dependencies), start-up and graceful
 * shutdown.
 */
export { getDb } from './database';
export {
  createAppDeps,
  getConnectDeps,
  getLaunchDeps,
  getLaunchLimiter,
  getMeetingList,
  getMeetingListFailure,
  getOAuth,
  getRestDeps,
  getSite,
  getSiteNamed,
  getSites,
  getUpstreamStats,
  type SiteDeps,
  returnUrl,
} from './deps';
export { getAuthOptions, getPortalUser, idTokenStore, requireAdmin, sessionRevocations } from './identity';
export { isDraining, trackLaunch } from './shutdown';
export { startOrExit } from './startup';
export { getJoinDeps } from './join';
