/** The mappings command line, run as a script would run it: real process, real SQLite file. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../lib/db';
import { compileCli, serverExternalPackages } from './standalone';

const dir = mkdtempSync(join(tmpdir(), 'webex-sso-cli-'));
const databaseUrl = `file:${join(dir, 'cli.sqlite')}`;
const ENV = {
  NEXTAUTH_URL: 'http://localhost:3000',
  NEXTAUTH_SECRET: 'cli-test-secret-0123456789abcdef0123',
  OIDC_ISSUER: 'http://127.0.0.1:1',
  OIDC_CLIENT_ID: 'portal',
  OIDC_CLIENT_SECRET: 'secret',
  WEBEX_SITE_NAME: 'acme',
  CREDENTIAL_KEYS: '1:cli-test-key-0123456789abcdef0123456',
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'silent',
};

const ROOT = join(import.meta.dirname, '..');
// the CLI as the standalone folder ships it (scripts/standalone.ts), compiled once: a case then starts
// plain node in a fraction of the time tsx takes to compile the CLI's sources on every start. Beside
// the checkout's node_modules, so its external packages resolve there.
const COMPILED = join(ROOT, 'node_modules', '.cache', `mappings-cli-test-${process.pid}.mjs`);
beforeAll(async () => {
  await compileCli(join(ROOT, 'scripts', 'mappings.ts'), COMPILED, await serverExternalPackages(ROOT));
});
afterAll(() => rmSync(COMPILED, { force: true }));

function cli(args: string[], { input, env = ENV }: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [COMPILED, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    input,
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function rows() {
  const { db } = await openMigratedDatabase(databaseUrl);
  try {
    return await db.selectFrom('mappings').select(['email', 'webex_id', 'display_name', 'credential', 'version']).orderBy('email').execute();
  } finally {
    await db.destroy();
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// each case starts the compiled CLI (a few tenths of a second apiece)
describe('npm run mappings', { timeout: 60_000 }, () => {
  it('exits 2 with the usage for a missing or unknown command', () => {
    expect(cli([])).toMatchObject({ code: 2, err: expect.stringContaining('usage:') });
    expect(cli(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect(cli(['set', 'only-one-arg']).code).toBe(2);
  });

  it('asks only for what a command uses: an export needs just the database; storing a password needs CREDENTIAL_KEYS', () => {
    expect(cli(['export'], { env: { DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } })).toMatchObject({
      code: 0,
      out: expect.stringContaining('email,webex_id,display_name'),
    });
    const { CREDENTIAL_KEYS: _dropped, ...withoutKeys } = ENV;
    expect(cli(['set', 'x@example.com', 'x', '--password-stdin'], { env: withoutKeys, input: 'pw' })).toMatchObject({
      code: 4,
      err: expect.stringContaining('CREDENTIAL_KEYS: is missing'),
    });
    expect(cli(['export'], { env: { ...ENV, DATABASE_URL: databaseUrl, CSV_IMPORT_MAX_BYTES: 'lots' } })).toMatchObject({
      code: 4,
      err: expect.stringContaining('CSV_IMPORT_MAX_BYTES'),
    });
  });

  it('set creates a mapping with a sealed password read from stdin, and refuses an invalid WebEx ID', async () => {
    expect(cli(['set', 'Alice@Example.com', 'alice', '--name', 'Alice', '--password-stdin'], { input: 'S3cret-pw\n' })).toMatchObject({ code: 0 });
    const [alice] = await rows();
    expect(alice).toMatchObject({ email: 'alice@example.com', webex_id: 'alice', display_name: 'Alice', version: 1 });
    expect(alice?.credential).toMatch(/^Fe26\.2\*/);
    expect(alice?.credential).not.toContain('S3cret');

    const refused = cli(['set', 'bob@example.com', 'bob smith']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('webexId: A WebEx ID has 1–64 characters');
  });

  it('set on an existing e-mail updates it and keeps the password', async () => {
    expect(cli(['set', 'alice@example.com', 'Alice']).code).toBe(0);
    const [alice] = await rows();
    expect(alice).toMatchObject({ webex_id: 'Alice', display_name: 'Alice', version: 2 });
    expect(alice?.credential).toMatch(/^Fe26\.2\*/);
  });

  // issue 16 finding 8: the old account's password followed the mapping to a new WebEx ID
  it('set with a new WebEx ID clears the stored password and says so, unless --password-stdin gives the new one', async () => {
    const moved = cli(['set', 'alice@example.com', 'alice.a']);
    expect(moved).toMatchObject({
      code: 0,
      out: expect.stringContaining('Its stored WebEx password was cleared because the WebEx ID changed (Alice → alice.a): set the password again.'),
    });
    expect((await rows())[0]).toMatchObject({ webex_id: 'alice.a', credential: null, version: 3 });
    const withPassword = cli(['set', 'alice@example.com', 'alice.b', '--password-stdin'], { input: 'New-S3cret\n' });
    expect(withPassword).toMatchObject({ code: 0, out: 'Saved alice@example.com.\n' });
    expect((await rows())[0]?.credential).toMatch(/^Fe26\.2\*/);
  });

  it('import refuses a file with an error whole, naming file, line and column', async () => {
    const bad = file('bad.csv', 'email,webex_id\r\ncarol@example.com,carol\r\ndave@example.com,dave smith\r\n');
    const result = cli(['import', bad]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${bad}:3: webex_id: A WebEx ID has`);
    expect((await rows()).map((r) => r.email)).toEqual(['alice@example.com']);
  });

  it('import --dry-run counts without writing; import applies; export → import changes nothing', async () => {
    const good = file('good.csv', 'email,webex_id,display_name\ncarol@example.com,carol,Carol\ndave@example.com,dave,"=Dave, Sr."\n');
    expect(cli(['import', good, '--dry-run'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('would create 2, update 0, leave 0 unchanged, keep 1 not in the file'),
    });
    expect(await rows()).toHaveLength(1);

    expect(cli(['import', good])).toMatchObject({ code: 0, out: expect.stringContaining('2 created') });
    const exported = cli(['export']);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain('dave@example.com,dave,"\'=Dave, Sr."\r\n');
    expect(exported.out).not.toContain('Fe26');

    const before = await rows();
    const roundTrip = file('export.csv', exported.out);
    expect(cli(['import', roundTrip])).toMatchObject({ code: 0, out: expect.stringContaining('0 created, 0 updated, 3 unchanged, 0 deleted') });
    expect(await rows()).toEqual(before);

    const toFile = join(dir, 'out.csv');
    expect(cli(['export', toFile]).code).toBe(0);
    expect(readFileSync(toFile, 'utf8')).toBe(exported.out);
  });

  it('import says which stored passwords a new WebEx ID clears, in the dry run and when applied', async () => {
    const moving = file('moving.csv', 'email,webex_id\nalice@example.com,alice.c\n');
    expect(cli(['import', moving, '--dry-run'])).toMatchObject({
      code: 0,
      out: expect.stringContaining(
        'would create 0, update 1, leave 0 unchanged, keep 2 not in the file; 1 stored WebEx password would be cleared (its WebEx ID changes)',
      ),
    });
    expect((await rows())[0]?.credential).toMatch(/^Fe26\.2\*/);
    expect(cli(['import', moving])).toMatchObject({
      code: 0,
      out: expect.stringContaining('1 stored WebEx password was cleared because its WebEx ID changed: set it again.'),
    });
    expect((await rows())[0]).toMatchObject({ webex_id: 'alice.c', credential: null });
  });

  it('remove deletes a mapping, and exits 3 for an e-mail without one or a missing file', async () => {
    expect(cli(['remove', 'nobody@example.com']).code).toBe(3);
    expect(cli(['import', join(dir, 'missing.csv')]).code).toBe(3);
    expect(cli(['remove', 'CAROL@example.com'])).toMatchObject({ code: 0, out: expect.stringContaining('carol@example.com') });
    expect((await rows()).map((r) => r.email)).toEqual(['alice@example.com', 'dave@example.com']);
  });

  it('audits what it did as cli:<user>', async () => {
    const { db } = await openMigratedDatabase(databaseUrl);
    try {
      const events = await db.selectFrom('audit_events').select(['actor', 'action', 'outcome']).execute();
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['mapping.create', 'mapping.update', 'mapping.import', 'mapping.delete']));
      expect(events.every((e) => e.actor.startsWith('cli:'))).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('with WEBEX_SITES: set and remove take --site, export writes the site column, and its file imports back unchanged', async () => {
    const sites = { env: { ...ENV, WEBEX_SITES: 'acme-eu' } };
    expect(cli(['set', 'erin@example.com', 'erin'], sites)).toMatchObject({ code: 0 });
    expect(cli(['set', 'erin@example.com', 'erin.eu', '--site', 'acme-eu'], sites)).toMatchObject({ code: 0 });
    expect(cli(['set', 'erin@example.com', 'x', '--site', 'acme-us'], sites)).toMatchObject({
      code: 1,
      err: expect.stringContaining('site: Unknown WebEx site "acme-us": the sites are acme, acme-eu'),
    });
    const exported = cli(['export'], sites);
    expect(exported.out).toMatch(/^email,webex_id,display_name,site\r\n/);
    expect(exported.out).toContain('erin@example.com,erin,,acme\r\nerin@example.com,erin.eu,,acme-eu\r\n');
    expect(cli(['import', file('sites.csv', exported.out), '--delete-missing'], sites)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/0 created, 0 updated, \d+ unchanged, 0 deleted/),
    });
    expect(cli(['remove', 'erin@example.com', '--site', 'acme-eu'], sites)).toMatchObject({ code: 0 });
    const { db } = await openMigratedDatabase(databaseUrl);
    try {
      expect(await db.selectFrom('mappings').select(['email', 'site']).where('email', '=', 'erin@example.com').execute()).toEqual([
        { email: 'erin@example.com', site: '' },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
