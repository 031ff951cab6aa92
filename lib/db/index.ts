/**
 * The database: connection (SQLite or PostgreSQL), migrations, the schema's types, paging and
 * substring search. Imports no domain module.
 */
export { type Db, type Dialect, openMigratedDatabase } from './connection';
export { dialectOf } from './dialect';
export { createMigrator } from './migrations';
export { clampInt, COUNT_LIMIT, listPage, type ListPage } from './paged-list';
export { type AuditEventsTable, type Database, type ImportRowsTable, type MappingsTable } from './schema';
export { searchTextOf } from './search-text';
export { refreshPlannerStatistics } from './statistics';
export { containsPattern, substringMatch } from './substring-search';
