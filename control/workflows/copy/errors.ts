/** Errors of the copy workflow (docs/COPIES.md, docs/ERRORS.md); the engine's own are in vault/copy/errors.ts. */
import { ErrorCode } from '../../../vault/errors.js';
import { WorkflowError } from '../errors.js';

/** Base class of the copy workflow's errors. */
export class CopyWorkflowError extends WorkflowError {
  override readonly name: string = 'CopyWorkflowError';
}

/** The backup cannot be copied: it is not completed, or it was forgotten. */
export class BackupNotCopyableError extends CopyWorkflowError {
  override readonly name = 'BackupNotCopyableError';
  override readonly code = ErrorCode.Conflict;
}

/**
 * The backup is larger than one copy invocation copies within Lambda's
 * 15 minutes ({@link CopyLimits.maxBytesPerInvocation}): the copy is refused
 * up front rather than cut off by the timeout.
 */
export class CopyTooLargeError extends CopyWorkflowError {
  override readonly name = 'CopyTooLargeError';
  override readonly code = ErrorCode.InvalidConfiguration;
}

/** A copy step needs the copy-vault opener, which the deployment's dependencies lack. */
export class CopyVaultsUnavailableError extends CopyWorkflowError {
  override readonly name = 'CopyVaultsUnavailableError';
  override readonly code = ErrorCode.InvalidConfiguration;
}
