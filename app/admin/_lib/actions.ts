'use server';

import { randomUUID } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb, getLaunchDeps, getRestDeps, getSiteNamed, getSites, requireAdmin, sessionRevocations } from '@/lib/server';
import { recordAudit } from '@/lib/audit';
import {
  checkConnection,
  checkServiceApp,
  type ConnectionCheck,
  describeLaunchFailure,
  type MappingTestResult,
  type ServiceAppCheck,
  testMapping,
  HOME,
  SITE_FIELD,
  siteFor,
} from '@/lib/launch';
import { getConfig, storesPasswords } from '@/lib/config';
import { disconnect } from '@/lib/credentials';
import {
  type AdminContext,
  emailSchema,
  type FieldErrors,
  findPendingImport,
  formatBytes,
  type ImportCounts,
  importMappings,
  type ImportProblem,
  ImportTooLargeError,
  previewImport,
  removeMapping,
  saveMapping,
} from '@/lib/mappings';
import { WebexError } from '@/lib/webex';

// Every action starts with requireAdmin('write'): same origin, signed in, admin. The
// authorization test (app/admin/authorization.test.ts) fails for an action that does not.

export interface FormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: FieldErrors;
  /** what the admin typed (never the password), so a refused form keeps it */
  values?: Record<string, string>;
}

async function adminContext(actor: string): Promise<AdminContext> {
  const { db } = await getDb();
  const config = getConfig();
  return { db, secretKeys: config.secretKeys, actor, requestId: randomUUID(), acceptsPasswords: storesPasswords(config), sites: config.sites };
}

function formValues(form: FormData): Record<string, string> {
  return Object.fromEntries([...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Create (no id field) or update a mapping; inline errors come back, success goes to the mapping. */
export async function saveMappingAction(_prev: FormState, form: FormData): Promise<FormState> {
  const admin = await requireAdmin('write');
  const rawId = form.get('id');
  const id = typeof rawId === 'string' && rawId !== '' ? Number(rawId) : undefined;
  if (id !== undefined && !Number.isSafeInteger(id)) return { ok: false, message: 'Not saved: unknown mapping.' };
  const values = formValues(form);
  const result = await saveMapping(await adminContext(admin.email), values, id);
  if (!result.ok) {
    const { password: _never, ...kept } = values;
    return { ok: false, message: result.message, fieldErrors: result.fieldErrors, values: kept };
  }
  revalidatePath('/admin/mappings');
  redirect(`/admin/mappings/${result.value.id}?saved=${result.value.passwordCleared ? 'password-cleared' : '1'}`);
}

/** Delete at the version the admin confirmed. */
export async function deleteMappingAction(_prev: FormState, form: FormData): Promise<FormState> {
  const admin = await requireAdmin('write');
  const id = Number(form.get('id'));
  const version = Number(form.get('version'));
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(version)) return { ok: false, message: 'Not deleted: unknown mapping.' };
  const result = await removeMapping(await adminContext(admin.email), id, version);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath('/admin/mappings');
  redirect(noticeUrl(result.eventId));
}

export type TestState = { result?: MappingTestResult; fieldErrors?: FieldErrors };

/** Check one user's mapping end to end without logging anyone in. */
export async function testMappingAction(_prev: TestState, form: FormData): Promise<TestState> {
  const admin = await requireAdmin('write');
  const email = emailSchema.safeParse(form.get('email') ?? '');
  if (!email.success) return { fieldErrors: { email: email.error.issues.map((i) => i.message) } };
  // with several sites: the site the form names, else the one a Join of this employee would launch on
  const sites = await getSites();
  const named = sites.find((s) => s.site.siteName === form.get('site'));
  const deps =
    named?.launch ??
    (await siteFor(
      { email: email.data },
      HOME,
      sites.map((s) => s.launch),
    ));
  const config = getConfig();
  return { result: await testMapping(deps, admin, email.data, config.supportContact, config.sites) };
}

export type ConnectionState = { check?: ConnectionCheck };

/** GetSite as the admin's own WebEx account, on the site the form names (none: the default site). */
export async function checkConnectionAction(_prev: ConnectionState, form: FormData): Promise<ConnectionState> {
  const admin = await requireAdmin('write');
  const named = form.get('site');
  const site = typeof named === 'string' && named ? (await getSites()).find((s) => s.site.siteName === named)?.launch : await getLaunchDeps();
  if (!site) return {};
  return { check: await checkConnection(site, admin, getConfig().supportContact) };
}

export interface ImportState {
  message?: string;
  problems?: ImportProblem[];
  problemCount?: number;
  rowCount?: number;
  counts?: ImportCounts;
  deleteMissing?: boolean;
  /** set when the file is valid and waiting for "apply" */
  pendingId?: string;
}

/** Upload → validate every row → preview what applying would do. Nothing is written to mappings. */
export async function previewImportAction(_prev: ImportState, form: FormData): Promise<ImportState> {
  const admin = await requireAdmin('write');
  const file = form.get('file');
  const deleteMissing = form.get('mode') === 'delete-missing';
  if (!(file instanceof File) || file.size === 0) return { message: 'Choose a CSV file to upload.' };
  const { importMaxBytes } = getConfig();
  if (file.size > importMaxBytes) return { message: new ImportTooLargeError(importMaxBytes).message };

  let preview;
  try {
    preview = await previewImport(await adminContext(admin.email), file.stream(), deleteMissing, importMaxBytes);
  } catch (err) {
    if (err instanceof ImportTooLargeError) return { message: err.message };
    throw err;
  }
  if (!preview.pending) {
    return {
      message: `Nothing was imported: ${preview.problemCount} problem${preview.problemCount === 1 ? '' : 's'} in ${file.name}. Fix the file and upload it again.`,
      problems: preview.problems,
      problemCount: preview.problemCount,
      rowCount: preview.rowCount,
    };
  }
  return {
    message: `${file.name} (${formatBytes(file.size)}) is valid: ${preview.rowCount} rows.`,
    rowCount: preview.rowCount,
    counts: preview.counts,
    deleteMissing,
    pendingId: preview.pending.token,
  };
}

/** Apply a previewed import, all or nothing. */
export async function applyImportAction(_prev: ImportState, form: FormData): Promise<ImportState> {
  const admin = await requireAdmin('write');
  const ctx = await adminContext(admin.email);
  const pending = await findPendingImport(ctx.db, String(form.get('pendingId') ?? ''), admin.email);
  const imported = pending && (await importMappings(ctx, pending, 'upload'));
  if (!imported) return { message: 'This preview has expired or was already applied. Upload the file again.' };
  revalidatePath('/admin/mappings');
  redirect(noticeUrl(imported.eventId));
}

/** The mappings page, telling what the audit event says was done (lib/mappings adminNotice); no notice when the audit write failed. */
function noticeUrl(eventId: number | undefined): string {
  return eventId === undefined ? '/admin/mappings' : `/admin/mappings?${new URLSearchParams({ done: String(eventId) })}`;
}

export type RevokeState = { message?: string };

/** Ends an employee's WebEx connection on a site (revoked at WebEx when a revocation endpoint is configured). */
export async function revokeConnectionAction(_prev: RevokeState, form: FormData): Promise<RevokeState> {
  const admin = await requireAdmin('write');
  const email = emailSchema.safeParse(form.get('email') ?? '');
  const deps = (await getSiteNamed(form.get(SITE_FIELD)))?.connect;
  if (!email.success || !deps) return { message: 'Nothing revoked: unknown connection.' };
  if (!(await disconnect(deps, email.data, admin.email))) return { message: `${email.data} had no WebEx connection.` };
  revalidatePath('/admin/connections');
  redirect('/admin/connections?revoked=1');
}

export type EndSessionsState = { ok?: boolean; message?: string; fieldErrors?: FieldErrors };

/**
 * Ends every portal session of one employee signed in until now, on every browser and instance (a
 * lost laptop, a copied cookie, offboarding); a later sign-in works. Their identity provider and
 * WebEx sessions are theirs to end there.
 */
export async function endSessionsAction(_prev: EndSessionsState, form: FormData): Promise<EndSessionsState> {
  const admin = await requireAdmin('write');
  const email = emailSchema.safeParse(form.get('email') ?? '');
  if (!email.success) return { ok: false, fieldErrors: { email: email.error.issues.map((i) => i.message) } };
  await sessionRevocations().endSessionsOf(email.data);
  const { db } = await getDb();
  await recordAudit(db, { actor: admin.email, action: 'session.end-all', target: email.data, outcome: 'OK' });
  return { ok: true, message: `Ended every portal session of ${email.data}: they must sign in again (new sign-ins are not affected).` };
}

export type ServiceAppCheckState = { check?: ServiceAppCheck; message?: string };

const REST_OFF = 'The REST path is off (WEBEX_LAUNCH_API=xml): there is no Service App to check.';

/** The Service App's token, its org, and a dry call proving its scopes (WEBEX_LAUNCH_API=rest|auto). */
export async function checkServiceAppAction(): Promise<ServiceAppCheckState> {
  const admin = await requireAdmin('write');
  const rest = await getRestDeps();
  if (!rest) return { message: REST_OFF };
  const { db } = await getDb();
  const config = getConfig();
  return { check: await checkServiceApp({ db, rule: config.mappingRule, rest }, admin, config.supportContact) };
}

export type ServiceAppTokenState = { ok?: boolean; message?: string; fieldErrors?: FieldErrors };

// A refresh token is one opaque word of printable ASCII; bounds against a pasted paragraph.
const refreshTokenSchema = z
  .string({ error: 'Paste the refresh token.' })
  .trim()
  .min(20, 'That is too short for a Webex refresh token: paste the whole value.')
  .max(4096, 'That is too long for a Webex refresh token.')
  .regex(/^[\x21-\x7e]+$/, 'A refresh token has no spaces or line breaks: paste only the token.');

/**
 * The Service App's refresh token, pasted once by an admin (from the developer portal's "Generate
 * Tokens" after a Control Hub admin authorized the app): spent at once for an access token (which
 * proves it), then kept sealed. Never echoed back, logged or audited.
 */
export async function installServiceAppTokenAction(_prev: ServiceAppTokenState, form: FormData): Promise<ServiceAppTokenState> {
  const admin = await requireAdmin('write');
  const rest = await getRestDeps();
  if (!rest) return { ok: false, message: REST_OFF };
  const token = refreshTokenSchema.safeParse(form.get('refreshToken') ?? undefined);
  if (!token.success) return { ok: false, fieldErrors: { refreshToken: token.error.issues.map((i) => i.message) } };
  const { db } = await getDb();
  let outcome = 'OK';
  try {
    await rest.serviceApp.install(token.data);
  } catch (err) {
    if (!(err instanceof WebexError)) throw err;
    outcome = err.code;
  }
  await recordAudit(db, { actor: admin.email, action: 'service-app.install', target: null, outcome });
  if (outcome !== 'OK') {
    const refused = outcome === 'WEBEX_APP_NOT_AUTHORIZED';
    return {
      ok: false,
      message: refused
        ? 'WebEx refused that refresh token (revoked, expired, spent, or of another Service App). Generate new tokens for the Service App and paste the refresh token again.'
        : `Not stored: ${describeLaunchFailure(outcome, getConfig().supportContact).what} Try again in a minute.`,
    };
  }
  revalidatePath('/admin');
  return {
    ok: true,
    message:
      'The Service App is authorized: WebEx accepted the refresh token, and the portal keeps the grant sealed; keep no other copy of the token you pasted.',
  };
}
