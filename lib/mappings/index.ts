/**
 * The admin's data: portal user → WebEx ID, by mapping row or rule; its validation, audited
 * changes, CSV import and export.
 */
export { type AdminContext, adminNotice, importMappings, previewImport, removeMapping, saveMapping } from './changes';
export { formatCsvRow, parseCsv } from './csv';
export {
  applyImport,
  csvColumnsFor,
  exportMappingCsv,
  formatBytes,
  type ImportCounts,
  type ImportProblem,
  ImportTooLargeError,
  stageMappingCsv,
} from './import';
export { discardPendingImport, findPendingImport, listWaitingPreviews, type WaitingPreview } from './pending-imports';
export { accountFor, type AccountUser, type MappingSource, type ResolvedAccount, resolveWebexAccount, resolveWebexAccounts } from './resolve';
export { describeRule, type MappingRule, type RuleInput } from './rules';
export { chooseSite, describeSiteRule, parseSiteRules, type SiteRule } from './site-rules';
export { siteKeyNamed, siteNameOf } from './sites';
export {
  createMapping,
  deleteMapping,
  findMappingByEmail,
  getMapping,
  listMappings,
  MAPPING_SORTS,
  type MappingQuery,
  type MappingSort,
  MappingWriteError,
  newMappingRow,
  updateMapping,
  upsertMapping,
} from './store';
export { emailSchema, type FieldErrors, parseForm, WEBEX_ID_RULE } from './validation';
