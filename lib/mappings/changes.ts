import type { Kysely } from 'kysely';
import { findAuditEvent, recordAudit } from '../audit';
import type { Database } from '../db';
import { sealCredential, type SecretKeys } from '../secrets';
import type { CsvSource } from './csv';
import { applyImport, countImportChanges, stageMappingCsv, type ImportCounts, type ImportProblem } from './import';
import { discardPendingImport, type PendingImport } from './pending-imports';
import { type MappingSite, siteKeyNamed, unknownSiteMessage } from './sites';
import { createMapping, deleteMapping, getMapping, MappingWriteError, updateMapping, type Mapping } from './store';
import { MappingFormSchema, parseForm, type FieldErrors } from './validation';

/**
 * The admin's mapping operations, shared by the settings page and the command line: one
 * validation, one audit trail. The caller has already checked that `actor` is an admin.
 */
export interface AdminContext {
  db: Kysely<Database>;
  /** needed only to store a WebEx password (the CLI leaves it out when it stores none) */
  secretKeys: SecretKeys | undefined;
  /** the admin's e-mail, or cli:<user> */
  actor: string;
  requestId?: string;
  /** false outside password mode: the portal then stores no WebEx password at all */
  acceptsPasswords?: boolean;
  /** the company's WebEx sites, the default first (config.sites): what a form or file may name */
  sites: readonly MappingSite[];
}

export type AdminResult<T = undefined> =
  /** eventId: the audit event that records the change, when it could be written */
  { ok: true; message: string; value: T; eventId?: number } | { ok: false; message: string; fieldErrors?: FieldErrors };

/** What the audit log may say about a mapping: never the credential, only whether one is set. */
function auditView(m: Mapping | undefined) {
  return (
    m && {
      email: m.email,
      // a one-site company's audit reads as it did
      ...(m.site ? { site: m.site } : {}),
      webexId: m.webexId,
      displayName: m.displayName,
      credential: m.hasCredential ? 'set' : 'not set',
      version: m.version,
    }
  );
}

function refusal(err: unknown): AdminResult<never> {
  if (!(err instanceof MappingWriteError)) throw err;
  return err.reason === 'duplicate-email'
    ? { ok: false, message: 'Not saved.', fieldErrors: { email: [`${err.message}; edit that one instead`] } }
    : { ok: false, message: err.message };
}

const NOT_SAVED = 'Not saved: check the highlighted fields.';

/** A saved mapping; passwordCleared: its stored WebEx password went with its old WebEx ID (the admin must set it again). */
export type SavedMapping = Mapping & { passwordCleared: boolean };

/** Creates a mapping (no id) or updates one at the version the form was based on. */
export async function saveMapping(ctx: AdminContext, values: Record<string, unknown>, id?: number): Promise<AdminResult<SavedMapping>> {
  const parsed = parseForm(MappingFormSchema, values);
  if ('fieldErrors' in parsed) return { ok: false, message: NOT_SAVED, fieldErrors: parsed.fieldErrors };
  const form = parsed.data;
  // the form names a site by its WebEx site name; the row keeps its key
  const site = siteKeyNamed(ctx.sites, form.site);
  if (site === undefined) return { ok: false, message: NOT_SAVED, fieldErrors: { site: [unknownSiteMessage(ctx.sites, form.site)] } };
  if (form.credential === 'replace' && ctx.acceptsPasswords === false) {
    return {
      ok: false,
      message: NOT_SAVED,
      fieldErrors: {
        password: ['This portal signs hosts in without WebEx passwords (WEBEX_CREDENTIAL_MODE is not password, or WEBEX_LAUNCH_API=rest): none is stored.'],
      },
    };
  }
  if (id !== undefined && form.version === undefined)
    return { ok: false, message: 'Not saved: the form did not say which version it edits. Reload and try again.' };

  if (form.credential === 'replace' && !ctx.secretKeys) {
    return { ok: false, message: 'Not saved: CREDENTIAL_KEYS is not set, so no password can be stored.' };
  }
  const sealedCredential =
    form.credential === 'replace' && ctx.secretKeys
      ? await sealCredential({ kind: 'password', password: form.password }, ctx.secretKeys)
      : form.credential === 'clear'
        ? null
        : undefined;
  const changes = { email: form.email, site, webexId: form.webexId, displayName: form.displayName };

  try {
    if (id === undefined) {
      const created = await createMapping(ctx.db, { ...changes, sealedCredential: sealedCredential ?? null });
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: 'mapping.create',
        target: created.email,
        outcome: 'OK',
        detail: { after: auditView(created) },
        requestId: ctx.requestId,
      });
      return { ok: true, message: `Linked ${created.email} to WebEx ${created.webexId}.`, value: { ...created, passwordCleared: false } };
    }
    const before = await getMapping(ctx.db, id);
    const updated = await updateMapping(ctx.db, id, form.version ?? 0, { ...changes, sealedCredential });
    // the update succeeded at the form's version, so `before` is the row it replaced
    const passwordCleared = sealedCredential === undefined && before?.hasCredential === true && !updated.hasCredential;
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'mapping.update',
      target: updated.email,
      outcome: 'OK',
      detail: { before: auditView(before), after: auditView(updated) },
      requestId: ctx.requestId,
    });
    const cleared = passwordCleared
      ? ` Its stored WebEx password was cleared because the WebEx ID changed (${before.webexId} → ${updated.webexId}): set the password again.`
      : '';
    return { ok: true, message: `Saved ${updated.email}.${cleared}`, value: { ...updated, passwordCleared } };
  } catch (err) {
    const result = refusal(err);
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: id === undefined ? 'mapping.create' : 'mapping.update',
      target: form.email,
      outcome: 'REFUSED',
      detail: { reason: result.message },
      requestId: ctx.requestId,
    });
    return result;
  }
}

/** Deletes a mapping at the version the admin confirmed. */
export async function removeMapping(ctx: AdminContext, id: number, version: number): Promise<AdminResult<Mapping>> {
  try {
    const deleted = await deleteMapping(ctx.db, id, version);
    const eventId = await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'mapping.delete',
      target: deleted.email,
      outcome: 'OK',
      detail: { before: auditView(deleted) },
      requestId: ctx.requestId,
    });
    return { ok: true, message: removedText(deleted.email), value: deleted, eventId };
  } catch (err) {
    const result = refusal(err);
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'mapping.delete',
      target: String(id),
      outcome: 'REFUSED',
      detail: { reason: result.message },
      requestId: ctx.requestId,
    });
    return result;
  }
}

export interface ImportPreview {
  /** set when the file is valid: the import waiting to be applied */
  pending?: PendingImport;
  /** what applying it would do now; set with pending */
  counts?: ImportCounts;
  rowCount: number;
  problems: ImportProblem[];
  problemCount: number;
}

/**
 * Reads, validates and stages a CSV for the admin to look at before anything changes (the page's
 * preview, the command line's import and --dry-run). A file with problems is forgotten at once.
 */
export async function previewImport(ctx: AdminContext, source: CsvSource, deleteMissing: boolean, maxBytes: number): Promise<ImportPreview> {
  const staged = await stageMappingCsv(ctx.db, source, { maxBytes, actor: ctx.actor, deleteMissing, sites: ctx.sites });
  const { pending, rowCount, problems, problemCount } = staged;
  if (problemCount > 0) {
    await discardPendingImport(ctx.db, pending.id);
    return { rowCount, problems, problemCount };
  }
  return { pending, counts: await countImportChanges(ctx.db, pending.id), rowCount, problems, problemCount };
}

/** Applies a previewed import in one transaction and audits it with its counts; undefined when it was already applied. */
export async function importMappings(
  ctx: AdminContext,
  pending: PendingImport,
  source: string,
): Promise<{ message: string; counts: ImportCounts; deleted: number; eventId: number | undefined } | undefined> {
  const started = performance.now();
  const counts = await applyImport(ctx.db, pending);
  if (!counts) return undefined;
  const deleted = pending.deleteMissing ? counts.missing : 0;
  const eventId = await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: 'mapping.import',
    target: source,
    outcome: 'OK',
    detail: {
      rows: pending.rowCount,
      created: counts.creates,
      updated: counts.updates,
      unchanged: counts.unchanged,
      deleted,
      deleteMissing: pending.deleteMissing,
      passwordsCleared: counts.passwordsCleared,
    },
    durationMs: performance.now() - started,
    requestId: ctx.requestId,
  });
  return {
    message: `Imported ${pending.rowCount} rows: ${counts.creates} created, ${counts.updates} updated, ${counts.unchanged} unchanged, ${deleted} deleted.${clearedPasswordsNotice(counts.passwordsCleared)}`,
    counts,
    deleted,
    eventId,
  };
}

const removedText = (email: string) => `Removed the mapping of ${email}.`;
const importedText = (created: number, updated: number, unchanged: number, deleted: number, passwordsCleared: number) =>
  `Imported: ${created} created, ${updated} updated, ${unchanged} unchanged, ${deleted} deleted.${clearedPasswordsNotice(passwordsCleared)}`;

/**
 * What the mappings page says after this admin's delete or import: read from the audit event the
 * action recorded (its id is all the page's URL carries), so the page shows only what the portal
 * itself recorded for this admin, never text from a link. Undefined for any other event.
 */
export async function adminNotice(db: Kysely<Database>, actor: string, eventId: number | undefined): Promise<string | undefined> {
  const event = eventId === undefined ? undefined : await findAuditEvent(db, eventId);
  if (!event || event.actor !== actor || event.outcome !== 'OK') return undefined;
  const count = (name: string) => (typeof event.detail?.[name] === 'number' ? (event.detail[name] as number) : 0);
  if (event.action === 'mapping.delete' && event.target) return removedText(event.target);
  if (event.action === 'mapping.import')
    return importedText(count('created'), count('updated'), count('unchanged'), count('deleted'), count('passwordsCleared'));
  return undefined;
}

/** What the admin is told of stored passwords an import cleared (nothing when none). */
function clearedPasswordsNotice(cleared: number): string {
  if (cleared === 0) return '';
  return cleared === 1
    ? ' 1 stored WebEx password was cleared because its WebEx ID changed: set it again.'
    : ` ${cleared} stored WebEx passwords were cleared because their WebEx IDs changed: set them again.`;
}
