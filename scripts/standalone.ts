/**
 * Makes the standalone build self-contained: the folder the container image holds, and all it holds.
 *
 *   npm run build                          # next build, then this, in place on .next/standalone
 *   npx tsx scripts/standalone.ts          # the same step alone, after a `next build`
 *
 * `next build` (next.config.js: output 'standalone') writes .next/standalone/server.js with the
 * node_modules it traced. Next leaves out what a CDN could serve, so this copies beside it
 * .next/static and public/, and compiles the mappings CLI into one file, mappings.js, so it runs
 * with `node mappings.js export` where neither tsx nor the sources are. The packages the server
 * keeps external (serverExternalPackages: better-sqlite3's native module, pg, pino…) stay external
 * in the CLI too: it uses the server's traced copies. Last, it checks those copies are there, so a
 * folder that could not start fails here rather than in a container.
 */
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Where `next build` writes the standalone server, and where the assembled folder stays. */
export const STANDALONE_DIR = '.next/standalone';
/** The compiled CLI's name inside the folder (the docs and the Dockerfile say `node mappings.js`). */
export const CLI_FILE = 'mappings.js';
/** better-sqlite3's compiled module: without it every SQLite portal fails its first query. */
const SQLITE_NATIVE_MODULE = 'better-sqlite3/build/Release/better_sqlite3.node';
/** The node version of the image's run stage (package.json engines: >=20.19). */
const NODE_TARGET = 'node20.19';

export class StandaloneError extends Error {
  constructor(message: string) {
    super(`standalone: ${message}`);
  }
}

export interface AssembleOptions {
  /** the checkout: next.config.js, .next/, public/ (default: this repository) */
  root?: string;
  /** the CLI's source (default: scripts/mappings.ts beside this file) */
  cliEntry?: string;
}

export interface Assembled {
  folder: string;
  /** the packages mappings.js leaves to the folder's node_modules */
  externals: string[];
  /** the checkout's .env files Next copied in (`.env`, `.env.production`): the build machine's settings, secrets too */
  envFiles: string[];
}

/** The package a bare import names: `pg` for `pg/lib/x`, `@scope/name` for `@scope/name/x`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The packages Next keeps external to the server (next.config.js serverExternalPackages), which the CLI leaves external too. */
export async function serverExternalPackages(root: string): Promise<string[]> {
  const { default: config } = (await import(pathToFileURL(join(root, 'next.config.js')).href)) as { default: { serverExternalPackages?: string[] } };
  return config.serverExternalPackages ?? [];
}

/**
 * The mappings CLI compiled into one ESM file at `outfile`; the packages in `external` are left to
 * the node_modules beside it (the folder's, or the checkout's for the CLI's own tests).
 */
export function compileCli(cliEntry: string, outfile: string, external: string[]) {
  return build({
    entryPoints: [cliEntry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    external,
    banner: { js: "import { createRequire as __cliCreateRequire } from 'node:module';\nconst require = __cliCreateRequire(import.meta.url);" },
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
}

/** Copies .next/static and public/ into the standalone folder, compiles the CLI into it, and checks what it needs is there. */
export async function assembleStandalone({
  root = resolve(import.meta.dirname, '..'),
  cliEntry = join(import.meta.dirname, 'mappings.ts'),
}: AssembleOptions = {}): Promise<Assembled> {
  const folder = join(root, STANDALONE_DIR);
  if (!existsSync(join(folder, 'server.js'))) {
    throw new StandaloneError(`${folder}/server.js is missing: run \`next build\` first, with output: 'standalone' in next.config.js.`);
  }
  // 1. what Next leaves to a CDN: the browser's chunks and CSS, and public/ (favicon, icons, robots.txt)
  for (const [from, to] of [
    ['.next/static', '.next/static'],
    ['public', 'public'],
  ] as const) {
    if (!existsSync(join(root, from))) throw new StandaloneError(`${join(root, from)} is missing: run \`next build\` first.`);
    rmSync(join(folder, to), { recursive: true, force: true });
    cpSync(join(root, from), join(folder, to), { recursive: true });
  }

  // 2. the CLI, one ESM file (the folder's package.json says "type": "module"); the bundled CommonJS
  //    packages (zod, kysely, csv-parse…) get a require that resolves in the folder's node_modules
  const external = await serverExternalPackages(root);
  const result = await compileCli(cliEntry, join(folder, CLI_FILE), external);

  // 3. every package the CLI leaves external is in the folder (Next traced it for the server), with
  //    better-sqlite3's native module
  const output = Object.values(result.metafile.outputs)[0];
  const imported = new Set((output?.imports ?? []).filter((i) => i.external && !i.path.startsWith('node:')).map((i) => packageOf(i.path)));
  const externals = [...imported].filter((name) => external.includes(name)).sort();
  const missing = externals.filter((name) => !existsSync(join(folder, 'node_modules', name, 'package.json')));
  if (externals.includes('better-sqlite3') && !existsSync(join(folder, 'node_modules', SQLITE_NATIVE_MODULE))) missing.push(SQLITE_NATIVE_MODULE);
  if (missing.length > 0) {
    throw new StandaloneError(
      `not in ${folder}/node_modules: ${missing.join(', ')}. The server's trace should have put them there: are they still in serverExternalPackages and imported by the server?`,
    );
  }
  const envFiles = readdirSync(folder)
    .filter((name) => name.startsWith('.env'))
    .sort();
  return { folder, externals, envFiles };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  assembleStandalone().then(
    ({ folder, externals, envFiles }) => {
      console.log(`standalone: ${folder} holds server.js, .next/static, public/ and ${CLI_FILE} (external: ${externals.join(', ')})`);
      // the image never has them (.dockerignore keeps them out of docker build); a folder copied elsewhere would
      if (envFiles.length > 0)
        console.warn(
          `standalone: warning: Next copied ${envFiles.join(' and ')} into ${folder}: this machine's settings and secrets go wherever the folder goes`,
        );
    },
    (err: unknown) => {
      console.error(err instanceof StandaloneError ? err.message : err);
      process.exitCode = 1;
    },
  );
}
