/**
 * Absolute paths the CDK app needs, resolved from this file's location so
 * synth works from any working directory.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (the folder holding package.json and cdk.json). */
export const REPO_ROOT: string = fileURLToPath(new URL('..', import.meta.url));

/** The lock file NodejsFunction bundling keys on. */
export const LOCK_FILE: string = path.join(REPO_ROOT, 'package-lock.json');

/** The tsconfig esbuild reads while bundling functions. */
export const TSCONFIG: string = path.join(REPO_ROOT, 'tsconfig.json');

/** The Amazon States Language file of the backup workflow. */
export const BACKUP_DEFINITION_FILE: string = path.join(REPO_ROOT, 'statemachines', 'backup.asl.json');

/** The Amazon States Language file of the restore workflow. */
export const RESTORE_DEFINITION_FILE: string = path.join(REPO_ROOT, 'statemachines', 'restore.asl.json');

/** The Amazon States Language file of the verify workflow. */
export const VERIFY_DEFINITION_FILE: string = path.join(REPO_ROOT, 'statemachines', 'verify.asl.json');
/** The Amazon States Language file of the prune workflow. */
export const PRUNE_DEFINITION_FILE: string = path.join(REPO_ROOT, 'statemachines', 'prune.asl.json');
/** The copy workflow's ASL. */
export const COPY_DEFINITION_FILE: string = path.join(REPO_ROOT, 'statemachines', 'copy.asl.json');

/**
 * The entry file of a Lambda function under `functions/`.
 *
 * @param name - the function's folder, e.g. `health` or `backup`
 * @param file - the file in that folder, without `.ts` @default `handler`
 * @returns the absolute path of `functions/<name>/<file>.ts`
 */
export function functionEntry(name: string, file = 'handler'): string {
  return path.join(REPO_ROOT, 'functions', name, `${file}.ts`);
}
