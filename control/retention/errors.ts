/** Typed errors of retention, forget and prune. */
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** Base class of retention errors. */
export class RetentionError extends HavenError {
  override readonly name: string = 'RetentionError';
}

/** A retention policy (or its time zone) cannot be evaluated. */
export class InvalidRetentionPolicyError extends RetentionError {
  override readonly name = 'InvalidRetentionPolicyError';
  override readonly code = ErrorCode.InvalidInput;
}

/** The backup is locked (`locked`, `retention_until` in the future, or S3 Object Lock) and cannot be deleted yet: HTTP 409. */
export class BackupLockedError extends RetentionError {
  override readonly name = 'BackupLockedError';
  override readonly code = ErrorCode.Conflict;
  /**
   * @param backupId - the backup
   * @param reason - why it is locked
   * @param until - when the lock ends, if it does
   */
  constructor(
    readonly backupId: string,
    readonly reason: string,
    readonly until: string | null,
  ) {
    super(`backup ${backupId} is locked (${reason}${until ? ` until ${until}` : ''}) and cannot be deleted`);
  }
}

/** The backup is still running (or queued): it has nothing to delete yet: HTTP 409. */
export class BackupInProgressError extends RetentionError {
  override readonly name = 'BackupInProgressError';
  override readonly code = ErrorCode.Conflict;
}
