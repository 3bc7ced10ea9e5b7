/**
 * Typed errors of backup sources and restore targets. Each carries a `code`
 * from Haven's error list, so handlers record it without string matching.
 */
import { ErrorCode, HavenError } from '../vault/errors.js';

/** Base class of source and restore-target errors (raised as is for a failure no subclass names, e.g. an unexpected database error). */
export class SourceError extends HavenError {
  override readonly name: string = 'SourceError';
  override readonly code: ErrorCode = ErrorCode.BackupFailed;
}

/** The table or bucket does not exist (or is not visible to the caller). */
export class SourceNotFoundError extends SourceError {
  override readonly name = 'SourceNotFoundError';
  override readonly code = ErrorCode.SourceNotFound;
  /**
   * @param resource - what was missing, e.g. `dynamodb table orders` or `s3 bucket logs`
   */
  constructor(
    readonly resource: string,
    options?: ErrorOptions,
  ) {
    super(`${resource} does not exist`, options);
  }
}

/**
 * A `fail_if_exists` restore found the target not empty. Raised by
 * `RestoreTarget.prepare`, before anything was written.
 */
export class RestoreConflictError extends SourceError {
  override readonly name = 'RestoreConflictError';
  override readonly code = ErrorCode.RestoreConflict;
}

/**
 * Haven's role (or the database user) lacks a permission on the source or
 * target, e.g. `SELECT` on a selected table (not retried).
 */
export class SourceAccessError extends SourceError {
  override readonly name = 'SourceAccessError';
  override readonly code = ErrorCode.PermissionDenied;
}

/** The source or target kept failing after retries (throttling, unprocessed items, network, 5xx). Transient: the workflows retry it. */
export class SourceUnavailableError extends SourceError {
  static override readonly transient = true;
  override readonly name = 'SourceUnavailableError';
  override readonly code = ErrorCode.StorageUnavailable;
}

/** A source or target configuration, partition spec or snapshot description is invalid (bad glob, `..` prefix…). */
export class InvalidSourceConfigError extends SourceError {
  override readonly name = 'InvalidSourceConfigError';
  override readonly code = ErrorCode.InvalidConfiguration;
}

/** A restore stream is not in the format its target reads (truncated frame, bad JSON line, unknown type). */
export class MalformedStreamError extends SourceError {
  override readonly name = 'MalformedStreamError';
  override readonly code = ErrorCode.CorruptedBackup;
}
