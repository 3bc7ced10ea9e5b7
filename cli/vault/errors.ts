/**
 * Errors of `haven vault restore`, and the exit codes a target's errors
 * end with (docs/CLI.md): a non-empty target under `fail_if_exists` is a
 * conflict (4), a missing table or bucket is not found (3), a target that
 * cannot take the backup is a usage error (2).
 */
import { ErrorCode } from '../../vault/errors.js';
import { InvalidSourceConfigError, RestoreConflictError, SourceNotFoundError } from '../../sources/errors.js';
import { CliError } from '../api/errors.js';
import { ExitCode } from '../api/exit-codes.js';

/** A restore's counts disagree with the snapshot's (the workflow's Validate check). */
export class RestoreVerificationError extends CliError {
  override readonly name = 'RestoreVerificationError';
  constructor(message: string) {
    super(`verification failed: ${message}`, ExitCode.Failure, ErrorCode.CorruptedBackup);
  }
}

/** A target's error with the exit code it ends with; other errors as they are. */
export function withExitCode(error: unknown): unknown {
  const exit =
    error instanceof RestoreConflictError ? ExitCode.Conflict : error instanceof SourceNotFoundError ? ExitCode.NotFound : error instanceof InvalidSourceConfigError ? ExitCode.Usage : undefined;
  if (exit === undefined) return error;
  const typed = error as RestoreConflictError;
  return new CliError(`${typed.name} (${typed.code}): ${typed.message}`, exit, typed.code, { cause: error });
}
