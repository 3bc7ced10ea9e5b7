import { ErrorCode, HavenError } from '../errors.js';

/** Base class of the errors a vault-to-vault copy raises. */
export class CopyError extends HavenError {
  override readonly name: string = 'CopyError';
  override readonly code: ErrorCode = ErrorCode.BackupFailed;
}

/**
 * The target vault is not a copy vault of the source: it does not share the
 * source's chunk ids (its MAC key, chunker secret or chunk sizes differ), so
 * a copy could not tell which chunks it already holds. Create copy targets
 * with `initCopyVault` (`haven vault copy --init`).
 */
export class CopyTargetMismatchError extends CopyError {
  override readonly name = 'CopyTargetMismatchError';
  override readonly code = ErrorCode.InvalidInput;
}

/** The copy's source and target are the same vault. */
export class SameVaultError extends CopyError {
  override readonly name = 'SameVaultError';
  override readonly code = ErrorCode.InvalidInput;
}

/** The copied snapshot did not verify in the target (a blob it needs is not indexed, or a pack written for it does not read back). */
export class CopyVerificationError extends CopyError {
  override readonly name = 'CopyVerificationError';
  override readonly code = ErrorCode.CorruptedBackup;
}
