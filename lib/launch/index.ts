/**
 * The journey: a Join in, one answer out (answerJoin), the use case behind it (launchWebex), its
 * target, the AlreadyLogon recovery, the per-user rate limit, the failure codes and the texts an
 * employee reads, and the admin's dry runs of a launch.
 */
export { isRecentLaunch, LAUNCHED_COOKIE, launchedCookie, nextRecoveryStep, parseRecoveryState, RECOVERY_COOKIE, RECOVERY_FIELD } from './already-logon';
export {
  checkConnection,
  checkServiceApp,
  type ConnectionCheck,
  explainMeetingListFailure,
  type MappingTestResult,
  type ServiceAppCheck,
  testMapping,
} from './checks';
export { CONNECT_CODES } from './codes';
export { answerJoin, type JoinDeps, type LaunchAnswer } from './join';
export { type LaunchDeps, type LaunchResult, launchWebex, siteFor, type RestDeps } from './launch';
export { describeLaunchFailure, describeLoginFailure, type Problem, SIGN_IN_ERROR_CODES } from './problems';
export { createLaunchLimiter, type LaunchLimiter, type RateDecision } from './rate-limit';
export {
  HOME,
  type LaunchApi,
  launchPathFor,
  type LaunchTarget,
  type LoginDelivery,
  pageOf,
  parseLaunchTarget,
  PERSONAL_ROOM,
  PERSONAL_ROOM_VALUE,
  ROOM_FIELD,
  SITE_FIELD,
} from './target';
export { LAUNCHED_SITES_COOKIE, readLaunchedSites } from './launched-sites';
