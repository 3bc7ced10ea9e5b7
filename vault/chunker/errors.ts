import { ErrorCode, HavenError } from '../errors.js';

/** Base class of content-defined-chunking errors. */
export class ChunkerError extends HavenError {
  override readonly name: string = 'ChunkerError';
  override readonly code: ErrorCode = ErrorCode.InvalidInput;
}

/**
 * Chunker parameters (min/avg/max sizes), the gear secret or the gear table
 * are out of range or malformed.
 */
export class InvalidChunkerParamsError extends ChunkerError {
  override readonly name = 'InvalidChunkerParamsError';
}
