/**
 * The audit log: every launch and admin change, who, when, what, and the outcome code (never a
 * secret), and the launch rollup the dashboard reads.
 */
export { type AuditQuery, findAuditEvent, listAuditEvents, listAuditFacets, pruneAudit, recordAudit, recordLaunch } from './events';
export { type LaunchDashboard, loadLaunchDashboard, rebuildLaunchRollup } from './launch-rollup';
