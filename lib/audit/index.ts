export { type AuditQuery, findAuditEvent, listAuditEvents, listAuditFacets, pruneAudit, recordAudit, recordLaunch } from './events';
export { BUCKET_COLUMNS, type LaunchDashboard, loadLaunchDashboard, rebuildLaunchRollup } from './launch-rollup';
