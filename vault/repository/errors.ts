import { ErrorCode, HavenError } from '../errors.js';

/** Base class of vault-level errors (opening, initializing, finding snapshots). */
export class VaultError extends HavenError {
  override readonly name: string = 'VaultError';
  override readonly code: ErrorCode = ErrorCode.VaultFormat;
}

/** No vault config at that location. */
export class VaultNotFoundError extends VaultError {
  override readonly name = 'VaultNotFoundError';
  override readonly code = ErrorCode.NotFound;
}

/** `init` on a location that already holds a vault. */
export class VaultExistsError extends VaultError {
  override readonly name = 'VaultExistsError';
  override readonly code = ErrorCode.InvalidInput;
}

/** No snapshot matches the id or prefix given, or the snapshot has no partition of the name given. */
export class SnapshotNotFoundError extends VaultError {
  override readonly name = 'SnapshotNotFoundError';
  override readonly code = ErrorCode.NotFound;
}

/** A snapshot id prefix matches more than one snapshot. */
export class AmbiguousSnapshotIdError extends VaultError {
  override readonly name = 'AmbiguousSnapshotIdError';
  override readonly code = ErrorCode.InvalidInput;
}
