/**
 * Typed errors of the PostgreSQL source and restore target, and the mapping
 * from the driver's failures (SQLSTATE codes, socket errors) to them (a
 * missing database or table is a {@link SourceNotFoundError}, a missing
 * privilege a {@link SourceAccessError}, anything else unexpected a
 * {@link SourceError}). No message ever carries a password or a connection
 * string.
 */
import { ErrorCode } from '../../vault/errors.js';
import { SourceAccessError, SourceError, SourceNotFoundError } from '../errors.js';

/** The server cannot be reached (refused, unknown host, connect timeout, connection dropped). Transient: the workflows retry it. */
export class DatabaseUnreachableError extends SourceError {
  static override readonly transient = true;
  override readonly name = 'DatabaseUnreachableError';
  override readonly code = ErrorCode.DatabaseUnreachable;
}

/** The server refused the credentials from the secret. */
export class DatabaseAuthError extends SourceError {
  override readonly name = 'DatabaseAuthError';
  override readonly code = ErrorCode.AuthenticationFailed;
}

/** A statement ran longer than the configured `statement_timeout_ms` (or waited too long for a lock). */
export class StatementTimeoutError extends SourceError {
  override readonly name = 'StatementTimeoutError';
  override readonly code = ErrorCode.StatementTimeout;
}

/** The exported snapshot a partition must read from no longer exists (its holder session ended). Not transient: a retry cannot bring the instant back; the backup fails and a new run exports a new snapshot. */
export class SnapshotUnavailableError extends SourceError {
  override readonly name = 'SnapshotUnavailableError';
  override readonly code = ErrorCode.SnapshotExpired;
}

/** The secret cannot be read or does not hold a usable connection. */
export class SecretUnavailableError extends SourceError {
  override readonly name = 'SecretUnavailableError';
  override readonly code = ErrorCode.SecretUnavailable;
}

/** A restored table's row count or checksum differs from the backup's. */
export class TableValidationError extends SourceError {
  override readonly name = 'TableValidationError';
  override readonly code = ErrorCode.CorruptedBackup;
}

/** Whether `error` is the server refusing a snapshot id (`SET TRANSACTION SNAPSHOT`) whose exporting transaction has ended. */
export function isSnapshotGone(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === '22023' && /snapshot/i.test(e.message ?? '');
}

const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

/**
 * The typed error for a driver failure.
 * @param error - what `pg` threw
 * @param what - the object involved, e.g. `table public.users` or `PostgreSQL at db:5432`
 */
export function postgresError(error: unknown, what: string): Error {
  if (error instanceof SourceError) return error;
  const e = error as { code?: string; message?: string; errno?: string };
  const message = e.message ?? String(error);
  switch (e.code) {
    case '28P01':
    case '28000':
      return new DatabaseAuthError(`${what}: authentication failed (${message})`, { cause: error });
    case '3D000':
    case '42P01':
    case '3F000':
      return new SourceNotFoundError(what, { cause: error });
    case '42501':
      return new SourceAccessError(`${what}: permission denied (${message})`, { cause: error });
    case '57014':
    case '55P03':
      return new StatementTimeoutError(`${what}: ${message}`, { cause: error });
    case '22023':
      if (isSnapshotGone(error)) {
        return new SnapshotUnavailableError(
          `${what}: the backup's exported snapshot is gone (${message}): its holder ended before every partition had read it (its time ran out or its session dropped); nothing inconsistent was written, re-run the backup`,
          { cause: error },
        );
      }
      break;
    case '57P01':
    case '57P03':
    case '08000':
    case '08003':
    case '08006':
    case '08001':
      return new DatabaseUnreachableError(`${what}: ${message}`, { cause: error });
    default:
      if (e.code && UNREACHABLE_ERRNOS.has(e.code)) return new DatabaseUnreachableError(`cannot reach ${what} (${e.code})`, { cause: error });
      if (/timeout expired|Connection terminated|connect ETIMEDOUT/i.test(message)) return new DatabaseUnreachableError(`cannot reach ${what} (${message})`, { cause: error });
  }
  return new SourceError(`${what}: ${message}`, { cause: error });
}
