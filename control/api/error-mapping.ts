/**
 * Maps what services throw to API errors: catalog conflicts are 409s,
 * unknown ids 404s, engine input errors (bad source configs, schedules,
 * secrets) 422s. Anything unexpected becomes a 500 that reveals nothing.
 */
import { AlreadyExistsError, ConflictError, InvalidCursorError, JobAlreadyRunningError, NotFoundError, SecretInRecordError } from '../catalog/errors.js';
import { InvalidAnalyticsFilterError } from '../analytics/errors.js';
import { ErrorCode, HavenError } from '../../vault/errors.js';
import { BackupInProgressError, BackupLockedError } from '../retention/errors.js';
import { SourceAccessError, SourceNotFoundError } from '../../sources/errors.js';
import { ApiError, BadRequestError, ConflictApiError, InternalApiError, NotFoundApiError, ValidationFailedError } from './errors.js';

/**
 * @param error - anything a service threw
 * @returns the API error to answer with
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof NotFoundError) return new NotFoundApiError(error.kind, { [`${error.kind}_id`]: error.id });
  if (error instanceof JobAlreadyRunningError) {
    return new ConflictApiError('job_already_running', `job ${error.jobId} is already running`, { job_id: error.jobId, execution_id: error.runningExecutionId }, { cause: error });
  }
  if (error instanceof AlreadyExistsError) return new ConflictApiError('already_exists', error.message, { [`${error.kind}_id`]: error.id }, { cause: error });
  if (error instanceof ConflictError) return new ConflictApiError('conflict', error.message, {}, { cause: error });
  if (error instanceof BackupLockedError) return new ConflictApiError('backup_locked', error.message, { backup_id: error.backupId, reason: error.reason, until: error.until }, { cause: error });
  if (error instanceof BackupInProgressError) return new ConflictApiError('backup_in_progress', error.message, {}, { cause: error });
  if (error instanceof InvalidAnalyticsFilterError) return new BadRequestError('invalid_query', error.message, [{ field: `query.${error.field}`, issue: error.issue }]);
  if (error instanceof InvalidCursorError) return new BadRequestError('invalid_query', 'the cursor is not one this list issued', [{ field: 'query.cursor', issue: 'not a cursor of this list and filters' }]);
  if (error instanceof SecretInRecordError) {
    return new ValidationFailedError('requests never carry secrets: name a Secrets Manager ARN in secret_arn', error.paths.map((p) => `${p}: secrets are not accepted; use secret_arn`), { fields: [...error.paths] });
  }
  if (error instanceof SourceNotFoundError) return new ValidationFailedError('the source does not exist', [error.message]);
  if (error instanceof HavenError && error.code === ErrorCode.InvalidInput) return new ValidationFailedError(error.message, [error.message]);
  return new InternalApiError({ cause: error });
}

/**
 * Whether an engine error is the caller's fault (bad input, a missing or
 * unreadable source) rather than Haven's or a service's.
 *
 * @param error - what a check threw
 */
export function isInputFault(error: unknown): error is HavenError & { details?: { field?: unknown; issue?: unknown } } {
  if (error instanceof ValidationFailedError) return true;
  if (!(error instanceof HavenError) || error instanceof ApiError) return false;
  return error.code === ErrorCode.InvalidInput || error instanceof SourceNotFoundError || error instanceof SourceAccessError;
}
