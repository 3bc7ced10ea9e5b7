/**
 * Typed errors of the `haven` API commands. Each carries the exit code the
 * command ends with; {@link ApiClientError} also carries the API's
 * `{error, message, details}` body.
 */
import { ErrorCode, HavenError } from '../../vault/errors.js';
import { ExitCode, exitCodeForStatus } from './exit-codes.js';

/** Base class of the CLI's errors. */
export class CliError extends HavenError {
  override readonly name: string = 'CliError';
  /** What the process exits with. */
  readonly exitCode: ExitCode;
  override readonly code: ErrorCode;

  constructor(message: string, exitCode: ExitCode = ExitCode.Failure, code: ErrorCode = ErrorCode.BackupFailed, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
    this.code = code;
  }
}

/** Bad flags, arguments or input files (exit 2). */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.Usage, ErrorCode.InvalidInput, options);
  }
}

/** The API answered with an error status. */
export class ApiClientError extends CliError {
  override readonly name = 'ApiClientError';
  /** The HTTP status. */
  readonly status: number;
  /** The API's machine-readable error (`job_not_found`, `validation_failed`…). */
  readonly error: string;
  /** The API's `details`, as sent. */
  readonly details: unknown;
  /** The request that failed (`GET /backup/jobs/job_1`). */
  readonly request: string;

  constructor(init: { status: number; error: string; message: string; details?: unknown; request: string }) {
    const code = init.status === 404 ? ErrorCode.NotFound : init.status === 400 || init.status === 422 ? ErrorCode.InvalidInput : ErrorCode.BackupFailed;
    super(init.message, exitCodeForStatus(init.status), code);
    this.status = init.status;
    this.error = init.error;
    this.details = init.details;
    this.request = init.request;
  }
}

/** The API could not be reached (connection refused, DNS, timeout) even after retries. */
export class ApiUnreachableError extends CliError {
  override readonly name = 'ApiUnreachableError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.Unavailable, ErrorCode.StorageUnavailable, options);
  }
}

/** A waited-for run ended failed or cancelled. */
export class RunFailedError extends CliError {
  override readonly name = 'RunFailedError';
  /** The final status record. */
  readonly record: Record<string, unknown>;
  constructor(message: string, record: Record<string, unknown>) {
    super(message, ExitCode.Failure);
    this.record = record;
  }
}

/** `--wait` ran out of time (the run itself goes on). */
export class WaitTimeoutError extends CliError {
  override readonly name = 'WaitTimeoutError';
  constructor(message: string) {
    super(message, ExitCode.Timeout);
  }
}
