/** Typed errors of verification requests and runs. */
import { ConflictError } from '../catalog/errors.js';
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** Base class of verification errors. */
export class VerificationError extends HavenError {
  override readonly name: string = 'VerificationError';
}

/** A verification request is malformed: unknown level, a bad sample percentage or byte budget. */
export class InvalidVerificationError extends VerificationError {
  override readonly name = 'InvalidVerificationError';
  override readonly code = ErrorCode.InvalidInput;
}

/**
 * The backup cannot be verified in its current state (it is not completed).
 * A catalog `ConflictError`: its code is `Conflict` (an HTTP 409).
 */
export class BackupNotVerifiableError extends ConflictError {
  override readonly name = 'BackupNotVerifiableError';
}
