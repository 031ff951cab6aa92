/**
 * The standalone folder's assembly on small checkouts of its own (the real next.config.js, a stand-in
 * for `next build`'s output): what it copies, the CLI it compiles and runs, and what it refuses.
 * The real build, started from a copy, is scripts/standalone-check.ts (in `npm test` after the build).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleStandalone, CLI_FILE, STANDALONE_DIR } from './standalone';

const ROOT = join(import.meta.dirname, '..');
const EXTERNALS = ['better-sqlite3', 'pg', 'pino', 'pino-pretty', 'prom-client'];
const dirs: string[] = [];

/** A checkout as `next build` leaves it: next.config.js, .next/static, public/, and .next/standalone with the traced packages given. */
function checkout({ built = true, traced = EXTERNALS }: { built?: boolean; traced?: string[] } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'webex-sso-assemble-'));
  dirs.push(root);
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  copyFileSync(join(ROOT, 'next.config.js'), join(root, 'next.config.js'));
  mkdirSync(join(root, '.next/static/chunks'), { recursive: true });
  writeFileSync(join(root, '.next/static/chunks/app.js'), 'console.log("chunk")\n');
  mkdirSync(join(root, 'public'));
  writeFileSync(join(root, 'public/robots.txt'), 'User-agent: *\nDisallow: /\n');
  const folder = join(root, STANDALONE_DIR);
  mkdirSync(join(folder, 'node_modules'), { recursive: true });
  writeFileSync(join(folder, 'package.json'), '{ "type": "module" }\n');
  if (built) writeFileSync(join(folder, 'server.js'), '');
  // the traced packages: the real ones, linked in
  for (const name of traced) symlinkSync(join(ROOT, 'node_modules', name), join(folder, 'node_modules', name));
  return root;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('assembleStandalone', { timeout: 60_000 }, () => {
  it('copies .next/static and public/ beside server.js and compiles a CLI that exports with nothing but the folder', async () => {
    const root = checkout();
    const { folder, externals, envFiles } = await assembleStandalone({ root });
    expect(existsSync(join(folder, '.next/static/chunks/app.js'))).toBe(true);
    expect(existsSync(join(folder, 'public/robots.txt'))).toBe(true);
    expect(externals).toEqual(EXTERNALS);
    expect(envFiles).toEqual([]);

    const run = spawnSync(process.execPath, [CLI_FILE, 'export'], {
      cwd: folder,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: `file:${join(root, 'cli.sqlite')}`, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^email,webex_id,display_name/);
  });

  it("names the checkout's .env files Next copied into the folder (the build machine's secrets)", async () => {
    const root = checkout();
    writeFileSync(join(root, STANDALONE_DIR, '.env'), 'NEXTAUTH_SECRET=from-the-build-machine\n');
    expect((await assembleStandalone({ root })).envFiles).toEqual(['.env']);
  });

  it('refuses a checkout without a standalone build, saying to build first', async () => {
    await expect(assembleStandalone({ root: checkout({ built: false }) })).rejects.toThrow(
      /^standalone: .*\/server\.js is missing: run `next build` first, with output: 'standalone'/,
    );
  });

  it('refuses a folder whose traced node_modules lacks a package the CLI leaves external', async () => {
    await expect(assembleStandalone({ root: checkout({ traced: ['better-sqlite3', 'pino', 'pino-pretty', 'prom-client'] }) })).rejects.toThrow(
      /^standalone: not in .*node_modules: pg\. /,
    );
  });

  it('refuses a folder whose better-sqlite3 lacks its native module', async () => {
    const root = checkout({ traced: ['pg', 'pino', 'pino-pretty', 'prom-client'] });
    const bare = join(root, STANDALONE_DIR, 'node_modules/better-sqlite3');
    mkdirSync(bare);
    copyFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), join(bare, 'package.json'));
    await expect(assembleStandalone({ root })).rejects.toThrow(/not in .*node_modules: better-sqlite3\/build\/Release\/better_sqlite3\.node\./);
  });
});
