/** Haven's release version, read once from package.json at synth time. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

interface PackageJson {
  version?: unknown;
}

/**
 * The `version` field of the repository's package.json.
 *
 * @returns the version string, or `0.0.0` when the field is missing
 */
export function readHavenVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
