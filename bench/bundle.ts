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

/**
 * Writes the bundled step script into `dir`.
 * @returns the bundle's path
 */
export async function bundleHavenStep(dir: string): Promise<string> {
  const outfile = join(dir, 'haven-step.mjs');
  await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [STEP_ENTRY],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}
