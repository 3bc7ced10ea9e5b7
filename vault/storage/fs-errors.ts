/** Maps Node.js filesystem errors (errno codes) to Haven's typed storage errors. */
import { HavenError } from '../errors.js';
import {
  InsufficientSpaceError,
  ObjectNotFoundError,
  StorageAccessDeniedError,
  StorageError,
  StorageUnavailableError,
} from './errors.js';

/** What the failed call was about, for the error message. */
export interface FsErrorContext {
  /** The key as the caller named it. */
  key: string;
  /** The file or directory the call touched. */
  path: string;
  /** What was being done, e.g. `write`. */
  operation: string;
}

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);
const TRANSIENT = new Set(['EIO', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'ESTALE', 'ETIMEDOUT', 'EINTR', 'ENOMEM']);

/** The errno code of a filesystem error (`ENOENT`…), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns a filesystem error into a typed storage error (Haven errors pass
 * through unchanged), keeping the original as `cause`:
 * ENOSPC/EDQUOT → `InsufficientSpaceError`; ENOENT/ENOTDIR/EISDIR →
 * `ObjectNotFoundError`; EACCES/EPERM/EROFS → `StorageAccessDeniedError`;
 * EIO, EMFILE and other transient conditions → `StorageUnavailableError`;
 * anything else → `StorageError`.
 */
export function mapFsError(error: unknown, context: FsErrorContext): HavenError {
  if (error instanceof HavenError) return error;
  const code = errnoCode(error) ?? 'UNKNOWN';
  const options = { cause: error };
  const where = `${context.operation} ${context.path}`;
  if (NO_SPACE.has(code)) return new InsufficientSpaceError(`${where}: no space left (${code})`, options);
  if (MISSING.has(code)) return new ObjectNotFoundError(context.key, options);
  if (DENIED.has(code)) return new StorageAccessDeniedError(`${where}: access denied (${code})`, options);
  const message = error instanceof Error ? error.message : String(error);
  if (TRANSIENT.has(code)) return new StorageUnavailableError(`${where}: ${message}`, options);
  return new StorageError(`${where}: ${message}`, options);
}
