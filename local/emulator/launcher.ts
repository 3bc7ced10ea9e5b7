/** Where Haven's moto launcher lives and which interpreter runs it. */
import { join } from 'node:path';
import { repoRoot, venvDir } from './paths.js';

/**
 * The launcher script: moto with Step Functions execution on, Lambda invocations sent to local
 * function hosts, and the interpreter's own calls routed through the local IAM proxy
 * (see the script's docstring for the moto symbols it replaces).
 */
export const MOTO_LAUNCHER = join(repoRoot, 'local', 'emulator', 'moto_launcher.py');

/** The virtualenv's Python. */
export function venvPython(dir: string = venvDir): string {
  return join(dir, 'bin', 'python');
}
