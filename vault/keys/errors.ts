import { ErrorCode, HavenError } from '../errors.js';

/** Base class of key errors. */
export class KeyError extends HavenError {
  override readonly name: string = 'KeyError';
  override readonly code: ErrorCode = ErrorCode.KeyAccessDenied;
}

/**
 * A data key could not be generated or unwrapped: wrong key, wrong
 * encryption context, key disabled or pending deletion, access denied.
 */
export class KeyAccessError extends KeyError {
  override readonly name = 'KeyAccessError';
}

/** The key (KMS key id, alias, or key file) does not exist. */
export class KeyNotFoundError extends KeyError {
  override readonly name = 'KeyNotFoundError';
}

/**
 * The key service could not be reached or kept failing after the SDK's
 * retries (network, timeouts, throttling, 5xx). Transient: unlike
 * `KeyAccessError`, retrying later may succeed, so it carries the
 * `StorageUnavailable` code rather than `KeyAccessDenied`, and the
 * workflows retry it.
 */
export class KeyServiceUnavailableError extends KeyError {
  static override readonly transient = true;
  override readonly name = 'KeyServiceUnavailableError';
  override readonly code = ErrorCode.StorageUnavailable;
}

/** `createKeyFile` refuses to overwrite an existing key file (it may protect existing vaults). */
export class KeyFileExistsError extends KeyError {
  override readonly name = 'KeyFileExistsError';
  override readonly code = ErrorCode.InvalidInput;
}
