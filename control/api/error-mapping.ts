/**
 * Maps what services throw to API errors. The HTTP status comes from the
 * error's code ({@link HTTP_STATUS}, the one place a code's status is
 * declared): bad input is a 422, an unknown
 * id a 404, a conflict with the current state a 409, a service Haven
 * depends on being unavailable a 503. The body's seed error name and
 * details come from the error's typed fields. Anything that is not a
 * {@link HavenError}, and every other code, becomes a 500 that reveals
 * nothing.
 */
import { AlreadyExistsError, JobAlreadyRunningError, SecretInRecordError } from '../catalog/errors.js';
import { ErrorCode, HavenError } from '../../vault/errors.js';
import { BackupInProgressError, BackupLockedError } from '../retention/errors.js';
import { ApiError, ConflictApiError, InternalApiError, NotFoundApiError, ServiceUnavailableApiError, ValidationFailedError, type FieldIssue } from './errors.js';

/** The HTTP status the API answers each {@link ErrorCode} with. */
export const HTTP_STATUS = {
  [ErrorCode.BackupFailed]: 500,
  [ErrorCode.StorageUnavailable]: 503,
  [ErrorCode.InsufficientSpace]: 500,
  [ErrorCode.CorruptedBackup]: 500,
  [ErrorCode.RestoreConflict]: 409,
  [ErrorCode.KeyAccessDenied]: 500,
  [ErrorCode.VaultFormat]: 500,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.InvalidInput]: 422,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.JobAlreadyRunning]: 409,
  [ErrorCode.SourceNotFound]: 422,
  [ErrorCode.InvalidConfiguration]: 422,
  [ErrorCode.DatabaseUnreachable]: 503,
  [ErrorCode.AuthenticationFailed]: 422,
  [ErrorCode.PermissionDenied]: 422,
  [ErrorCode.StatementTimeout]: 500,
  [ErrorCode.SnapshotExpired]: 500,
  [ErrorCode.SnapshotWindowExceeded]: 422,
  [ErrorCode.SecretUnavailable]: 422,
} as const satisfies Record<ErrorCode, number>;

/**
 * @param error - anything a service threw
 * @returns the API error to answer with
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!(error instanceof HavenError)) return new InternalApiError({ cause: error });
  switch (HTTP_STATUS[error.code]) {
    case 404:
      return notFound(error);
    case 409:
      return conflict(error);
    case 422:
      return invalid(error);
    case 503:
      return new ServiceUnavailableApiError('a service Haven depends on is unavailable; retry later', { cause: error });
    default:
      return new InternalApiError({ cause: error });
  }
}

/**
 * Whether an engine error is the caller's fault (bad input, a missing or
 * unreadable source: a code the API answers with 422) rather than Haven's
 * or a service's.
 *
 * @param error - what a check threw
 */
export function isInputFault(error: unknown): error is HavenError & { details?: { field?: unknown; issue?: unknown } } {
  if (error instanceof ValidationFailedError) return true;
  return error instanceof HavenError && !(error instanceof ApiError) && HTTP_STATUS[error.code] === 422;
}

/** The `{field, issue}` an error's `details` name, if they do (a schedule's field, a list's query parameter). */
function fieldIssueOf(error: HavenError): FieldIssue | undefined {
  const details = (error as { details?: { field?: unknown; issue?: unknown } }).details;
  return typeof details?.field === 'string' && typeof details.issue === 'string' ? { field: details.field, issue: details.issue } : undefined;
}

/** 404: the record's kind and id when the error names them (`{job_id: …}`). */
function notFound(error: HavenError): NotFoundApiError {
  const { kind, id } = error as { kind?: unknown; id?: unknown };
  if (typeof kind === 'string' && typeof id === 'string') return new NotFoundApiError(kind, { [`${kind}_id`]: id });
  return new NotFoundApiError('resource', {});
}

/** 409, with the seed's error name and details for the conflicts that have them. */
function conflict(error: HavenError): ConflictApiError {
  const options = { cause: error };
  if (error instanceof JobAlreadyRunningError) return new ConflictApiError('job_already_running', `job ${error.jobId} is already running`, { job_id: error.jobId, execution_id: error.runningExecutionId }, options);
  if (error instanceof AlreadyExistsError) return new ConflictApiError('already_exists', error.message, { [`${error.kind}_id`]: error.id }, options);
  if (error instanceof BackupLockedError) return new ConflictApiError('backup_locked', error.message, { backup_id: error.backupId, reason: error.reason, until: error.until }, options);
  if (error instanceof BackupInProgressError) return new ConflictApiError('backup_in_progress', error.message, {}, options);
  return new ConflictApiError('conflict', error.message, {}, options);
}

/** 422: one issue per problem; a secret in a request names the fields that held it. */
function invalid(error: HavenError): ValidationFailedError {
  if (error instanceof SecretInRecordError) {
    return new ValidationFailedError('requests never carry secrets: name a Secrets Manager ARN in secret_arn', error.paths.map((p) => `${p}: secrets are not accepted; use secret_arn`), { fields: [...error.paths] });
  }
  if (error.code === ErrorCode.SourceNotFound) return new ValidationFailedError('the source does not exist', [error.message]);
  const issue = fieldIssueOf(error);
  return new ValidationFailedError(error.message, [error.message], issue ? { fields: [issue.field] } : {});
}
