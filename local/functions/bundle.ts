/**
 * Bundles the template's function entries with esbuild the way CDK bundles
 * them for Lambda (ESM, Node 22, the createRequire banner), in one build with
 * shared chunks, into `.haven/cloud/bundles/`. Containers then load plain
 * JavaScript: a cold start costs a module load, not a TypeScript compile.
 *
 * The build is cached: it is reused while every input file esbuild read
 * (recorded in its metafile) keeps its size and modification time, and the
 * entry list is the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS } from '../../infra/constructs/haven-function.js';
import { repoRoot } from '../emulator/paths.js';

/** Where bundles are written. */
export const BUNDLE_ROOT = join(repoRoot, '.haven', 'cloud', 'bundles');

interface Stamp {
  inputs: Record<string, [number, number]>;
  outputs: Record<string, string>;
}

function stampOf(file: string): [number, number] | undefined {
  try {
    const s = statSync(file);
    return [s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
}

function fresh(stampFile: string): Stamp | undefined {
  if (!existsSync(stampFile)) return undefined;
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
  for (const [file, [size, mtime]] of Object.entries(stamp.inputs)) {
    const now = stampOf(join(repoRoot, file));
    if (!now || now[0] !== size || now[1] !== mtime) return undefined;
  }
  for (const out of Object.values(stamp.outputs)) if (!existsSync(out)) return undefined;
  return stamp;
}

/**
 * Bundles `entries` (absolute paths) and returns the bundle of each.
 *
 * @returns entry path → bundled module path
 */
export async function bundleEntries(entries: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const sorted = [...new Set(entries)].sort();
  const key = createHash('sha256').update(JSON.stringify(sorted.map((e) => relative(repoRoot, e)))).digest('hex').slice(0, 16);
  const outdir = join(BUNDLE_ROOT, key);
  const stampFile = join(outdir, 'stamp.json');
  const cached = fresh(stampFile);
  if (cached) return new Map(Object.entries(cached.outputs));

  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    minify: false,
    sourcemap: 'linked',
    splitting: true,
    // The SDK and other packages load from node_modules, as the same pinned versions CDK bundles.
    packages: 'external',
    entryPoints: Object.fromEntries(sorted.map((entry) => [relative(repoRoot, entry).replace(/\.ts$/, '').replace(/[\\/]/g, '_'), entry])),
    outdir,
    absWorkingDir: repoRoot,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs: Record<string, string> = {};
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) outputs[join(repoRoot, meta.entryPoint)] = join(repoRoot, file);
  }
  const inputs: Stamp['inputs'] = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const stamp = stampOf(join(repoRoot, file));
    if (stamp) inputs[file] = stamp;
  }
  writeFileSync(stampFile, JSON.stringify({ inputs, outputs } satisfies Stamp));
  return new Map(Object.entries(outputs));
}
