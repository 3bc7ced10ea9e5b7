/**
 * Root of Haven's typed errors. Every error the engine raises carries a
 * `code` from the seed API's error list, so handlers and the catalog can
 * record it without string matching.
 */
export const ErrorCode = {
  BackupFailed: 'BackupFailed',
  StorageUnavailable: 'StorageUnavailable',
  InsufficientSpace: 'InsufficientSpace',
  CorruptedBackup: 'CorruptedBackup',
  RestoreConflict: 'RestoreConflict',
  KeyAccessDenied: 'KeyAccessDenied',
  VaultFormat: 'VaultFormat',
  NotFound: 'NotFound',
  InvalidInput: 'InvalidInput',
  /** The request conflicts with the record's state (HTTP 409), e.g. verifying a backup that is not completed. */
  Conflict: 'Conflict',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error Haven raises on purpose. */
export class HavenError extends Error {
  override readonly name: string = 'HavenError';
  readonly code: ErrorCode = ErrorCode.BackupFailed;
}
