import { ErrorCode, HavenError } from '../../vault/errors.js';
export { StagingError } from '../../vault/staging/errors.js';
import { redactText } from '../notifications/redact.js';

/** Base class of workflow step errors. */
export class WorkflowError extends HavenError {
  override readonly name: string = 'WorkflowError';
}

/** A job's configuration cannot run (disabled job, unknown source type, bad parameters). */
export class InvalidJobError extends WorkflowError {
  override readonly name = 'InvalidJobError';
  override readonly code = ErrorCode.InvalidInput;
}

/**
 * A step failed after recording the failure on the run's record itself
 * (backup Plan, for runs a schedule started). The workflow does not retry
 * it; Mark failed finds the record ended and leaves it (and its event) as is.
 */
export class FailureRecordedError extends WorkflowError {
  override readonly name = 'FailureRecordedError';
}

/** The commit step found fewer partition manifests than planned. */
export class IncompleteBackupError extends WorkflowError {
  override readonly name = 'IncompleteBackupError';
}


/** Verification after a backup or restore found damage or a mismatch. */
export class VerificationFailedError extends WorkflowError {
  override readonly name = 'VerificationFailedError';
  override readonly code = ErrorCode.CorruptedBackup;
}

/**
 * The seed's error code for a failure, from the error's name as Step
 * Functions reports it (the `Error` of a caught failure).
 */
export function errorCodeOf(name: string | undefined): string {
  switch (name) {
    case 'StorageUnavailableError':
    case 'StorageAccessDeniedError':
      return ErrorCode.StorageUnavailable;
    case 'InsufficientSpaceError':
      return ErrorCode.InsufficientSpace;
    case 'CorruptedBackupError':
    case 'VerificationFailedError':
    case 'DecompressionError':
      return ErrorCode.CorruptedBackup;
    case 'RestoreConflictError':
      return ErrorCode.RestoreConflict;
    case 'KeyAccessError':
    case 'KeyNotFoundError':
      return ErrorCode.KeyAccessDenied;
    case 'JobAlreadyRunningError':
      return 'JobAlreadyRunning';
    case 'SourceNotFoundError':
    case 'NotFoundError':
      return 'SourceNotFound';
    case 'InvalidJobError':
    case 'InvalidSourceConfigError':
      return 'InvalidConfiguration';
    case 'DatabaseUnreachableError':
      return 'DatabaseUnreachable';
    case 'DatabaseAuthError':
      return 'AuthenticationFailed';
    case 'DatabasePermissionError':
      return 'PermissionDenied';
    case 'StatementTimeoutError':
      return 'StatementTimeout';
    case 'SnapshotUnavailableError':
      return 'SnapshotExpired';
    case 'SecretUnavailableError':
      return 'SecretUnavailable';
    case 'TableValidationError':
      return ErrorCode.CorruptedBackup;
    default:
      return ErrorCode.BackupFailed;
  }
}

/** Longest failure message a record keeps. */
const MESSAGE_LIMIT = 2000;

/**
 * A failure message fit for a record, an event or a log line: credentials
 * cut out (`postgresql://user:[redacted]@host`, `password=[redacted]`; an
 * error may quote a connection string, and the catalog refuses to store
 * one) and at most 2,000 characters.
 *
 * @param message - an error's message
 * @returns it, redacted and bounded
 */
export function failureMessage(message: string): string {
  return redactText(message).slice(0, MESSAGE_LIMIT);
}

/**
 * A readable message from a caught failure's `Cause` (Lambda wraps it as
 * JSON, `{"errorMessage": …}`; the local runner passes the message itself),
 * redacted and bounded as {@link failureMessage} says.
 */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no cause recorded';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (typeof parsed.errorMessage === 'string') return failureMessage(parsed.errorMessage);
  } catch {
    // not JSON
  }
  return failureMessage(cause);
}
