import { ErrorCode, HavenError } from '../errors.js';

/** Base class of vault format errors: bytes that are not what the format says. */
export class FormatError extends HavenError {
  override readonly name: string = 'FormatError';
  override readonly code: ErrorCode = ErrorCode.VaultFormat;
}

/** The vault (or one of its objects) has an unknown version or a malformed layout. */
export class VaultFormatError extends FormatError {
  override readonly name = 'VaultFormatError';
}

/**
 * Stored data failed authentication or hashing. Names the object (pack,
 * index, snapshot) and, where known, the blob, so the damage can be located.
 */
export class CorruptedBackupError extends FormatError {
  override readonly name = 'CorruptedBackupError';
  override readonly code = ErrorCode.CorruptedBackup;
  constructor(
    message: string,
    readonly location: { pack?: string; blob?: string; object?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
