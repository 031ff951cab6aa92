/**
 * Mappings from the command line, with the settings page's validation and audit trail:
 *
 *   npm run mappings -- import FILE.csv [--dry-run] [--delete-missing]
 *   npm run mappings -- export [FILE.csv]
 *   npm run mappings -- set EMAIL WEBEX_ID [--name "Display Name"] [--password-stdin] [--site SITE]
 *   npm run mappings -- remove EMAIL [--site SITE]
 *
 * A site is named by its WebEx site name (WEBEX_SITE_NAME or one in WEBEX_SITES); without --site, the default site.
 *
 * Reads the server's environment (and .env when present). Exit codes a script can rely on:
 * 0 done, 1 refused (invalid data, stale or duplicate), 2 usage, 3 not found, 4 configuration.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadCommandConfig } from '../lib/config';
import { openMigratedDatabase } from '../lib/db';
import {
  type AdminContext,
  discardPendingImport,
  exportMappingCsv,
  findMappingByEmail,
  importMappings,
  ImportTooLargeError,
  previewImport,
  removeMapping,
  saveMapping,
  siteKeyNamed,
} from '../lib/mappings';

const EXIT = { ok: 0, refused: 1, usage: 2, notFound: 3, config: 4 } as const;

const USAGE = `usage:
  mappings import FILE.csv [--dry-run] [--delete-missing]
  mappings export [FILE.csv]
  mappings set EMAIL WEBEX_ID [--name "Display Name"] [--password-stdin] [--site SITE]
  mappings remove EMAIL [--site SITE]`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function run(argv: string[], ctx: AdminContext, importMaxBytes: number): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'delete-missing': { type: 'boolean', default: false },
      'password-stdin': { type: 'boolean', default: false },
      name: { type: 'string' },
      site: { type: 'string', default: '' },
    },
  });
  const [command, ...args] = positionals;
  // the mapping `set` and `remove` act on; an unknown name finds none, and `set` refuses it (saveMapping)
  const site = siteKeyNamed(ctx.sites, values.site ?? '');

  switch (command) {
    case 'import': {
      const [file] = args;
      if (!file || args.length !== 1) throw new UsageError('import needs exactly one FILE.csv');
      if (!existsSync(file)) {
        console.error(`error: ${file}: no such file`);
        return EXIT.notFound;
      }
      const deleteMissing = values['delete-missing'] ?? false;
      const preview = await previewImport(ctx, createReadStream(file), deleteMissing, importMaxBytes);
      if (!preview.pending || !preview.counts) {
        for (const p of preview.problems) console.error(`${file}:${p.line}: ${p.column ? `${p.column}: ` : ''}${p.message}`);
        if (preview.problemCount > preview.problems.length) console.error(`…and ${preview.problemCount - preview.problems.length} more`);
        console.error(`error: nothing imported: ${preview.problemCount} problem(s) in ${file}`);
        return EXIT.refused;
      }
      if (values['dry-run']) {
        const c = preview.counts;
        await discardPendingImport(ctx.db, preview.pending.id);
        const cleared =
          c.passwordsCleared === 0
            ? ''
            : `; ${c.passwordsCleared} stored WebEx password${c.passwordsCleared === 1 ? ' would be cleared (its WebEx ID changes)' : 's would be cleared (their WebEx IDs change)'}`;
        console.log(
          `dry run: ${preview.rowCount} rows valid; would create ${c.creates}, update ${c.updates}, leave ${c.unchanged} unchanged, ${deleteMissing ? 'delete' : 'keep'} ${c.missing} not in the file${cleared}`,
        );
        return EXIT.ok;
      }
      const imported = await importMappings(ctx, preview.pending, `cli:${file}`);
      if (!imported) throw new Error('the staged import disappeared before it was applied');
      console.log(imported.message);
      return EXIT.ok;
    }
    case 'export': {
      if (args.length > 1) throw new UsageError('export takes at most one FILE.csv');
      await pipeline(Readable.from(exportMappingCsv(ctx.db, ctx.sites)), args[0] ? createWriteStream(args[0]) : process.stdout);
      return EXIT.ok;
    }
    case 'set': {
      const [email, webexId] = args;
      if (!email || !webexId || args.length !== 2) throw new UsageError('set needs EMAIL and WEBEX_ID');
      const existing = site === undefined ? undefined : await findMappingByEmail(ctx.db, email, site);
      const password = values['password-stdin'] ? await readStdin() : '';
      const result = await saveMapping(
        ctx,
        {
          email,
          site: values.site,
          webexId,
          displayName: values.name ?? existing?.displayName ?? '',
          credential: values['password-stdin'] ? 'replace' : 'keep',
          password,
          version: existing?.version,
        },
        existing?.id,
      );
      if (!result.ok) {
        for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) console.error(`error: ${field}: ${messages?.join('; ')}`);
        console.error(`error: ${result.message}`);
        return EXIT.refused;
      }
      console.log(result.message);
      return EXIT.ok;
    }
    case 'remove': {
      const [email] = args;
      if (!email || args.length !== 1) throw new UsageError('remove needs EMAIL');
      const existing = site === undefined ? undefined : await findMappingByEmail(ctx.db, email, site);
      if (!existing) {
        console.error(`error: ${email} has no mapping${values.site ? ` on site ${values.site}` : ''}`);
        return EXIT.notFound;
      }
      const result = await removeMapping(ctx, existing.id, existing.version);
      if (!result.ok) {
        console.error(`error: ${result.message}`);
        return EXIT.refused;
      }
      console.log(result.message);
      return EXIT.ok;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    // only a password read from stdin needs the sealing keys; every command needs the database
    config = loadCommandConfig(process.env, { needsKeys: process.argv.includes('--password-stdin') });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return EXIT.config;
  }
  const { db } = await openMigratedDatabase(config.databaseUrl);
  const ctx: AdminContext = {
    db,
    secretKeys: config.secretKeys,
    actor: `cli:${userInfo().username}`,
    acceptsPasswords: config.acceptsPasswords,
    sites: config.sites,
  };
  try {
    return await run(process.argv.slice(2), ctx, config.importMaxBytes);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`error: ${(err as Error).message}\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof ImportTooLargeError) {
      console.error(`error: ${err.message}`);
      return EXIT.refused;
    }
    throw err;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
