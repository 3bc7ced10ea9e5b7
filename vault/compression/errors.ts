import { ErrorCode, HavenError } from '../errors.js';

/** Base class of chunk-compression errors. */
export class CompressionError extends HavenError {
  override readonly name: string = 'CompressionError';
  override readonly code: ErrorCode = ErrorCode.InvalidInput;
}

/** A compression config names an unknown algorithm or a level outside its range. */
export class InvalidCompressionConfigError extends CompressionError {
  override readonly name = 'InvalidCompressionConfigError';
}

/**
 * A stored chunk could not be decompressed: corrupt data, an unknown
 * algorithm byte, or an output length other than the recorded one. The
 * underlying zlib error, if any, is the `cause`.
 */
export class DecompressionError extends CompressionError {
  override readonly name = 'DecompressionError';
  override readonly code: ErrorCode = ErrorCode.CorruptedBackup;
}
