import { ErrorCode, HavenError } from '../errors.js';

/** Base class of object-store errors. */
export class StorageError extends HavenError {
  override readonly name: string = 'StorageError';
  override readonly code: ErrorCode = ErrorCode.StorageUnavailable;
}

/** The store cannot be reached or keeps failing after retries (network, 5xx, throttling, missing bucket). Transient: the workflows retry it. */
export class StorageUnavailableError extends StorageError {
  static override readonly transient = true;
  override readonly name = 'StorageUnavailableError';
}

/** The store has no room left (a full disk, a quota). Nothing partial is left behind. */
export class InsufficientSpaceError extends StorageError {
  override readonly name = 'InsufficientSpaceError';
  override readonly code = ErrorCode.InsufficientSpace;
}

/** The object does not exist. */
export class ObjectNotFoundError extends StorageError {
  override readonly name = 'ObjectNotFoundError';
  override readonly code = ErrorCode.NotFound;
  constructor(readonly key: string, options?: ErrorOptions) {
    super(`object not found: ${key}`, options);
  }
}

/** The caller lacks permission on the store (not retried). */
export class StorageAccessDeniedError extends StorageError {
  override readonly name = 'StorageAccessDeniedError';
}

/** A conditional write (`ifNotExists`) found the object already there; nothing was written. */
export class ObjectExistsError extends StorageError {
  override readonly name = 'ObjectExistsError';
  override readonly code = ErrorCode.InvalidInput;
  constructor(readonly key: string, options?: ErrorOptions) {
    super(`object already exists: ${key}`, options);
  }
}

/** A key or prefix is not a relative `/`-separated path inside the store (empty, absolute, `..`, `.`, `//`, NUL). */
export class InvalidObjectKeyError extends StorageError {
  override readonly name = 'InvalidObjectKeyError';
  override readonly code = ErrorCode.InvalidInput;
  constructor(readonly key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** A store location is not `s3://bucket[/prefix]`, `file:///abs/path` or a filesystem path. */
export class InvalidStoreUriError extends StorageError {
  override readonly name = 'InvalidStoreUriError';
  override readonly code = ErrorCode.InvalidInput;
  constructor(readonly uri: string, reason: string) {
    super(`invalid store location ${JSON.stringify(uri)}: ${reason}`);
  }
}
