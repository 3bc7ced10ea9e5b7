/**
 * Root of Haven's typed errors. Every error Haven raises on purpose is a
 * {@link HavenError}: it carries its public `code` (recorded on a failed run,
 * sent in its outcome event, mapped to an HTTP status by the API) and says
 * whether it is `transient` (the workflows retry exactly the transient
 * classes; test/infra/asl-retry.test.ts holds them to it). Nothing maps an
 * error's class name to a code: the class declares it.
 */
export const ErrorCode = {
  /** Anything else that made a run fail (a bug, an unexpected service answer). */
  BackupFailed: 'BackupFailed',
  /** The vault's store, the key service or a source kept failing or could not be reached. */
  StorageUnavailable: 'StorageUnavailable',
  /** The store has no room left. */
  InsufficientSpace: 'InsufficientSpace',
  /** Stored or restored data failed authentication, hashing or a comparison. */
  CorruptedBackup: 'CorruptedBackup',
  /** A `fail_if_exists` restore found its target not empty. */
  RestoreConflict: 'RestoreConflict',
  /** A data key could not be generated or unwrapped, or the key does not exist. */
  KeyAccessDenied: 'KeyAccessDenied',
  /** The vault (or one of its objects) has an unknown version or a malformed layout. */
  VaultFormat: 'VaultFormat',
  /** The record, snapshot or object asked for does not exist. */
  NotFound: 'NotFound',
  /** A request, setting or parameter is malformed. */
  InvalidInput: 'InvalidInput',
  /** The request conflicts with the record's state (HTTP 409), e.g. verifying a backup that is not completed. */
  Conflict: 'Conflict',
  /** The job holds a live lease: another execution is running it. */
  JobAlreadyRunning: 'JobAlreadyRunning',
  /** The source's table, bucket or database does not exist. */
  SourceNotFound: 'SourceNotFound',
  /** A job's or source's configuration cannot run (disabled job, unknown source type, bad parameters). */
  InvalidConfiguration: 'InvalidConfiguration',
  /** The source or target database cannot be reached. */
  DatabaseUnreachable: 'DatabaseUnreachable',
  /** The database refused the credentials. */
  AuthenticationFailed: 'AuthenticationFailed',
  /** Haven's role or the database user lacks a permission on the source or target. */
  PermissionDenied: 'PermissionDenied',
  /** A database statement outlasted `statement_timeout_ms`. */
  StatementTimeout: 'StatementTimeout',
  /** The database snapshot a backup reads from is gone. */
  SnapshotExpired: 'SnapshotExpired',
  /** A backup would take longer than its database snapshot can be held (the snapshot holder's window). */
  SnapshotWindowExceeded: 'SnapshotWindowExceeded',
  /** The connection secret cannot be read or is not usable. */
  SecretUnavailable: 'SecretUnavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error Haven raises on purpose. */
export class HavenError extends Error {
  /**
   * Whether retrying later may succeed (a service throttled, unreachable or
   * failing for now). Declared once per class
   * (`static override readonly transient = true`); instances read it.
   */
  static readonly transient: boolean = false;
  override readonly name: string = 'HavenError';
  /** The public code: what a failed run records and the API answers with. */
  readonly code: ErrorCode = ErrorCode.BackupFailed;

  /** Whether this error's class is transient (see the static `transient`). */
  get transient(): boolean {
    return (this.constructor as typeof HavenError).transient;
  }
}

/** A class of {@link HavenError} (abstract or not), as the error registries list them. */
export type HavenErrorClass = (abstract new (...args: never[]) => HavenError) & { readonly transient: boolean };

/**
 * Whether a value is a {@link HavenError} class (for registries built from
 * a module's exports).
 */
export function isHavenErrorClass(value: unknown): value is HavenErrorClass {
  return typeof value === 'function' && (value === HavenError || value.prototype instanceof HavenError);
}
