/**
 * Bundles the template's function entries with esbuild the way CDK bundles
 * them for Lambda (ESM, Node 22, the createRequire banner, the pinned SDK and
 * every other package inside the bundle), in one build with shared chunks,
 * into `.haven/cloud/bundles/`. Containers then load plain JavaScript: a cold
 * start costs a module load, not a TypeScript compile, and not the resolution
 * and CommonJS lexing of hundreds of node_modules files (which doubled it).
 *
 * The build is cached: it is reused while every input file esbuild read
 * (recorded in its metafile) keeps its size and modification time, and the
 * entry list is the same. A stale build is moved aside, not deleted (a
 * process may still be loading it), and swept an hour later.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS } from '../../infra/constructs/haven-function.js';
import { repoRoot } from '../emulator/paths.js';

/** Where bundles are written. */
export const BUNDLE_ROOT = join(repoRoot, '.haven', 'cloud', 'bundles');

/**
 * How long a bundle moved aside (`<key>.stale.<pid>.<ms>`) or an abandoned
 * build (`<key>.<pid>.<ms>`) is kept: long enough for a process that loaded
 * it to finish its cold starts, after which nothing reads it.
 */
export const LEFTOVER_BUNDLE_MAX_AGE_MS = 60 * 60 * 1000;

/** A leftover's name: its key, `.stale` or not, the writing process and the time in ms. */
const LEFTOVER = /^[0-9a-f]{16}(?:\.stale)?\.\d+\.(\d+)$/;

/**
 * Deletes the leftovers in `root` older than `maxAgeMs` (by the time in
 * their names); current bundles (`<key>`) are kept.
 *
 * @param root - the bundle folder
 * @param now - the time, in ms
 * @param maxAgeMs - the age past which a leftover goes
 * @returns the names deleted
 */
export function sweepLeftoverBundles(root: string, now = Date.now(), maxAgeMs = LEFTOVER_BUNDLE_MAX_AGE_MS): string[] {
  if (!existsSync(root)) return [];
  const deleted: string[] = [];
  for (const name of readdirSync(root)) {
    const made = LEFTOVER.exec(name)?.[1];
    if (made === undefined || now - Number(made) <= maxAgeMs) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    deleted.push(name);
  }
  return deleted;
}

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
  sweepLeftoverBundles(BUNDLE_ROOT);
  const cached = fresh(stampFile);
  if (cached) return new Map(Object.entries(cached.outputs));

  // Built in a directory of this process's own and renamed into place, so two test processes
  // bundling at once never delete or overwrite what the other is loading.
  const building = `${outdir}.${process.pid}.${Date.now()}`;
  mkdirSync(building, { recursive: true });
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    minify: false,
    sourcemap: 'linked',
    splitting: true,
    entryPoints: Object.fromEntries(sorted.map((entry) => [relative(repoRoot, entry).replace(/\.ts$/, '').replace(/[\\/]/g, '_'), entry])),
    outdir: building,
    absWorkingDir: repoRoot,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs: Stamp['inputs'] = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const stamp = stampOf(join(repoRoot, file));
    if (stamp) inputs[file] = stamp;
  }
  const outputsIn = (dir: string) => {
    const outputs: Record<string, string> = {};
    for (const [file, meta] of Object.entries(result.metafile.outputs)) {
      if (meta.entryPoint) outputs[join(repoRoot, meta.entryPoint)] = join(dir, relative(building, join(repoRoot, file)));
    }
    return outputs;
  };
  writeFileSync(join(building, 'stamp.json'), JSON.stringify({ inputs, outputs: outputsIn(outdir) } satisfies Stamp));
  // A stale bundle is moved aside first (a process loading it keeps its open files); a fresh one
  // another process renamed into place meanwhile wins, and this build is dropped.
  if (existsSync(outdir) && !fresh(stampFile)) renameSync(outdir, `${outdir}.stale.${process.pid}.${Date.now()}`);
  try {
    renameSync(building, outdir);
  } catch {
    rmSync(building, { recursive: true, force: true });
    const winner = fresh(stampFile);
    if (winner) return new Map(Object.entries(winner.outputs));
    throw new Error(`could not place the function bundles in ${outdir}`);
  }
  return new Map(Object.entries(outputsIn(outdir)));
}
