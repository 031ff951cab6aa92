export { type AuditQuery, findAuditEvent, listAuditEvents, listAuditFacets, pruneAudit, recordAudit, recordLaunch } from './events';
export { type LaunchDashboard, loadLaunchDashboard, rebuildLaunchRollup } from './launch-rollup';
