/**
 * Bundles `bench/haven-step.ts` with esbuild the way infra bundles a Lambda
 * function (ESM, minified, the createRequire banner), so the bench measures
 * the code Haven deploys rather than TypeScript compiled on the fly by tsx.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS } from '../infra/constructs/haven-function.js';

const STEP_ENTRY = fileURLToPath(new URL('./haven-step.ts', import.meta.url));
const THREAD_CPU_ENTRY = fileURLToPath(new URL('./thread-cpu.ts', import.meta.url));

async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [entry],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Writes the bundled step script into `dir`.
 * @returns the bundle's path
 */
export function bundleHavenStep(dir: string): Promise<string> {
  return bundle(STEP_ENTRY, join(dir, 'haven-step.mjs'));
}

/**
 * Writes the step script wrapped in `thread-cpu.ts` (same flags, CPU seconds
 * per thread printed at exit) into `dir`, bundled as the bench runs it.
 * @returns the bundle's path
 */
export function bundleThreadCpu(dir: string): Promise<string> {
  return bundle(THREAD_CPU_ENTRY, join(dir, 'thread-cpu.mjs'));
}
