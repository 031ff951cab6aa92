export { alreadyLogonPage, isRecentLaunch, LAUNCHED_COOKIE, launchedCookie, nextRecoveryStep, parseRecoveryState, parseRecoveryStep, planLaunch, readRecentLaunch, readRecoveryState, readRelaunchTarget, RECOVERY_COOKIE, RECOVERY_FIELD, recoveryCookie, relaunchTargetCookie } from './already-logon';
export { checkConnection, checkServiceApp, type ConnectionCheck, type MappingTestResult, type ServiceAppCheck, testMapping } from './checks';
export { HOME, type LaunchApi, type LaunchDeps, launchPathFor, type LaunchResult, type LaunchTarget, launchWebex, type LoginDelivery, pageOf, parseLaunchTarget, PERSONAL_ROOM, PERSONAL_ROOM_VALUE, type RestDeps, ROOM_FIELD } from './launch';
export { CONNECT_CODES, describeLaunchFailure, describeLoginFailure, type Problem, SIGN_IN_ERROR_CODES } from './problems';
export { createLaunchLimiter, type LaunchLimiter, type RateDecision } from './rate-limit';
