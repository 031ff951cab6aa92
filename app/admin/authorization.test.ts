/**
 * Every admin entry point — page, layout, route handler, server action — refuses anonymous
 * callers (sign-in), signed-in non-admins (403) and, for writes, cross-origin posts (403).
 * The table must list every entry point under app/admin: a new one without an entry fails here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { JWT } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sessionCookies } from '@/lib/testing/session-cookies';

const APP_URL = 'http://localhost:3000';
const ADMIN_ROOT = join(import.meta.dirname, '.');
const REPO_ROOT = join(ADMIN_ROOT, '../..');

type Kind = 'read' | 'write';
/** file#export → what kind of check it must make */
const ENTRY_POINTS: Record<string, Kind> = {
  'app/admin/layout.tsx#default': 'read',
  'app/admin/page.tsx#default': 'read',
  'app/admin/audit/page.tsx#default': 'read',
  'app/admin/mappings/page.tsx#default': 'read',
  'app/admin/mappings/new/page.tsx#default': 'read',
  'app/admin/mappings/[id]/page.tsx#default': 'read',
  'app/admin/mappings/import/page.tsx#default': 'read',
  'app/admin/mappings/export/route.ts#POST': 'write',
  'app/admin/connections/page.tsx#default': 'read',
  'app/admin/dashboard/page.tsx#default': 'read',
  'app/admin/saml/metadata/route.ts#GET': 'read',
  'app/admin/saml/certificate/route.ts#GET': 'read',
  'app/admin/_lib/actions.ts#saveMappingAction': 'write',
  'app/admin/_lib/actions.ts#deleteMappingAction': 'write',
  'app/admin/_lib/actions.ts#testMappingAction': 'write',
  'app/admin/_lib/actions.ts#checkConnectionAction': 'write',
  'app/admin/_lib/actions.ts#previewImportAction': 'write',
  'app/admin/_lib/actions.ts#applyImportAction': 'write',
  'app/admin/_lib/actions.ts#revokeConnectionAction': 'write',
  'app/admin/_lib/actions.ts#checkServiceAppAction': 'write',
  'app/admin/_lib/actions.ts#installServiceAppTokenAction': 'write',
  'app/admin/_lib/actions.ts#endSessionsAction': 'write',
};

// The caller of the moment: the JWT next-auth would have decoded, and the request headers.
let token: JWT | null = null;
let requestHeaders: Record<string, string> = {};

vi.mock('next/headers', () => ({ headers: async () => new Headers(requestHeaders), cookies: () => sessionCookies(token) }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const ANONYMOUS = null;
const NOW = Math.floor(Date.now() / 1000);
// a session as the proxy leaves it: signed in a while ago, admin rights re-checked for this request
const SESSION = { signedInAt: NOW - 600, lastSeenAt: NOW, adminCheckedAt: NOW, adminVerified: true };
const EMPLOYEE: JWT = { email: 'bob@example.com', name: 'Bob', groups: ['staff'], ...SESSION };
const ADMIN: JWT = { email: 'ada@example.com', name: 'Ada', groups: ['webex-admins'], ...SESSION };
// an admin whose rights were last confirmed by the identity provider a minute ago (a read is fine)
const ADMIN_CHECKED_A_MINUTE_AGO: JWT = { ...ADMIN, adminCheckedAt: NOW - 60 };
// …or ten minutes ago, past ADMIN_RECHECK_MINUTES (5) and its grace
const ADMIN_UNCHECKED: JWT = { ...ADMIN, adminCheckedAt: NOW - 600 };
const SAME_ORIGIN = { origin: APP_URL };
const CROSS_ORIGIN = { origin: 'https://evil.example' };

function entryFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return entryFiles(path);
    return /^(page|layout)\.tsx$|^route\.ts$|^actions\.ts$/.test(name) ? [path] : [];
  });
}

/** `export [async] function x`, `export const x = [async] (…) =>` / `= [async] function`, `export { x, y as z }`. */
function exportedFunctionNames(source: string): string[] {
  const declared = [...source.matchAll(/^export\s+(?:async\s+)?function\s*\*?\s*(\w+)/gm)].map((m) => m[1] ?? '');
  const bound = [...source.matchAll(/^export\s+(?:const|let|var)\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\b|function\b|\(|\w+\s*=>)/gm)].map((m) => m[1] ?? '');
  const listed = [...source.matchAll(/^export\s*\{([^}]*)\}/gm)].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map(
        (part) =>
          part
            .trim()
            .split(/\s+as\s+/)
            .pop() ?? '',
      )
      .filter((name) => name && !name.startsWith('type ')),
  );
  return [...declared, ...bound, ...listed];
}

function exportedEntryPoints(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  const file = relative(REPO_ROOT, path);
  if (/\/(page|layout)\.tsx$/.test(file)) return [`${file}#default`];
  return exportedFunctionNames(source).map((n) => `${file}#${n}`);
}

async function invoke(entry: string): Promise<unknown> {
  const [file = '', name = ''] = entry.split('#');
  const mod = (await import(/* @vite-ignore */ join(REPO_ROOT, file))) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${entry} is not a function`);
  if (file.endsWith('layout.tsx')) return fn({ children: null });
  if (file.endsWith('page.tsx')) return fn({ params: Promise.resolve({ id: '1' }), searchParams: Promise.resolve({}) });
  if (file.endsWith('route.ts')) return fn(new Request(`${APP_URL}/admin`, { headers: requestHeaders }));
  return fn({}, new FormData());
}

/** The Next.js interrupt an entry point threw: a redirect target, 403, or none. */
async function interruptOf(entry: string): Promise<string> {
  try {
    await invoke(entry);
    return 'none';
  } catch (err) {
    const digest = (err as { digest?: unknown }).digest;
    if (typeof digest !== 'string') throw err;
    if (digest.endsWith(';403')) return '403';
    if (digest.startsWith('NEXT_REDIRECT')) return `redirect ${digest.split(';')[2]}`;
    if (digest.endsWith(';404')) return 'none'; // past the guard: the test mapping does not exist
    throw err;
  }
}

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'webex-sso-authz-'));
  Object.assign(process.env, {
    __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: 'true',
    NEXTAUTH_URL: APP_URL,
    NEXTAUTH_SECRET: 'authorization-test-secret-0123456789abcdef',
    OIDC_ISSUER: 'http://127.0.0.1:1',
    OIDC_CLIENT_ID: 'portal',
    OIDC_CLIENT_SECRET: 'secret',
    WEBEX_SITE_NAME: 'acme',
    WEBEX_BASE_URL: 'http://127.0.0.1:1',
    CREDENTIAL_KEYS: '1:authorization-test-key-0123456789abcdef',
    DATABASE_URL: `file:${join(dir, 'authz.sqlite')}`,
    ADMIN_GROUP: 'webex-admins',
    LOG_LEVEL: 'silent',
  });
});

afterAll(async () => {
  token = null;
  const { getDb } = await import('@/lib/server');
  await (await getDb()).db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('admin authorization', () => {
  it('finds every way a module can export an action', () => {
    const source = [
      'export async function a() {}',
      'export function b() {}',
      'export const c = async (_prev, form) => {};',
      'export const d = async function () {};',
      'export const e: Action = async () => {};',
      'export let f = (x) => x;',
      'export { g, h as i };',
      'export const LIMIT = 5;',
      'export type J = string;',
      'export interface K {}',
    ].join('\n');
    expect(exportedFunctionNames(source)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'i']);
  });

  it('the table lists exactly the admin entry points that exist', () => {
    const found = entryFiles(ADMIN_ROOT).flatMap(exportedEntryPoints).sort();
    expect(found).toEqual(Object.keys(ENTRY_POINTS).sort());
  });

  it('treats a session past SESSION_MAX_AGE or idle too long as nobody, even an admin', async () => {
    requestHeaders = SAME_ORIGIN;
    token = { ...ADMIN, signedInAt: NOW - 8 * 3600, lastSeenAt: NOW };
    expect(await interruptOf('app/admin/page.tsx#default')).toBe('redirect /auth/signin?callbackUrl=%2Fadmin');
    token = { ...ADMIN, lastSeenAt: NOW - 30 * 60 };
    expect(await interruptOf('app/admin/_lib/actions.ts#saveMappingAction')).toBe('redirect /auth/signin?callbackUrl=%2Fadmin');
  });

  describe.each(Object.entries(ENTRY_POINTS))('%s', (entry, kind) => {
    it('sends anonymous callers to sign in', async () => {
      token = ANONYMOUS;
      requestHeaders = SAME_ORIGIN;
      expect(await interruptOf(entry)).toBe('redirect /auth/signin?callbackUrl=%2Fadmin');
    });

    it('answers 403 to a signed-in non-admin', async () => {
      token = EMPLOYEE;
      requestHeaders = SAME_ORIGIN;
      expect(await interruptOf(entry)).toBe('403');
    });

    it('answers 403 to an admin whose rights the identity provider has not confirmed lately', async () => {
      token = ADMIN_UNCHECKED;
      requestHeaders = SAME_ORIGIN;
      expect(await interruptOf(entry)).toBe('403');
    });

    if (kind === 'write') {
      it('answers 403 to an admin write whose rights were not re-checked for it', async () => {
        token = ADMIN_CHECKED_A_MINUTE_AGO;
        requestHeaders = SAME_ORIGIN;
        expect(await interruptOf(entry)).toBe('403');
      });

      it('answers 403 to a cross-origin post, even from an admin', async () => {
        token = ADMIN;
        requestHeaders = CROSS_ORIGIN;
        expect(await interruptOf(entry)).toBe('403');
      });
      it('answers 403 to a post with no origin information', async () => {
        token = ADMIN;
        requestHeaders = {};
        expect(await interruptOf(entry)).toBe('403');
      });
    }

    if (kind === 'read') {
      it('lets an admin checked within the interval read', async () => {
        token = ADMIN_CHECKED_A_MINUTE_AGO;
        requestHeaders = SAME_ORIGIN;
        expect(await interruptOf(entry)).not.toMatch(/^(403|redirect \/api\/auth)/);
      });
    }

    it('lets an admin through the guard', async () => {
      token = ADMIN;
      requestHeaders = SAME_ORIGIN;
      expect(await interruptOf(entry)).not.toMatch(/^(403|redirect \/api\/auth)/);
    });
  });
});
