/**
 * Builds the installed `haven` command (`npm run build:cli`, also run by
 * npm's `prepare`, so `npm ci`, `npm link` and `npm install -g .` build it):
 * one self-contained esbuild bundle of cli/bin.ts with every dependency
 * inside, `dist/haven.cjs`, with a shebang, executable. It runs anywhere
 * Node.js 22.15+ is, without a checkout.
 *
 * CommonJS rather than ESM on purpose: an ESM bundle's `import`s of Node's
 * built-in modules are linked before any of its code runs, so on an older
 * Node.js (no zstd in `node:zlib`) it would die with a SyntaxError before
 * the version check could speak. In CommonJS they are `require`s that run
 * in order, and the CLI loads only after the check (cli/bin.ts). The syntax
 * is lowered to Node.js 18 so older versions can parse the file at all.
 */
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Where the bundle is written. */
export const CLI_BUNDLE = fileURLToPath(new URL('../dist/haven.cjs', import.meta.url));

const ENTRY = fileURLToPath(new URL('./bin.ts', import.meta.url));

/**
 * Bundles the CLI into `outfile` and makes it executable.
 * @returns the bundle's path
 */
export async function buildCli(outfile: string = CLI_BUNDLE): Promise<string> {
  await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    minify: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`built ${await buildCli()}\n`);
}
