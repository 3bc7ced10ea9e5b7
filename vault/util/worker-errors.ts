/** Errors of the worker-thread pool (`worker-pool.ts`). */
import { ErrorCode, HavenError } from '../errors.js';

/** Base class of worker-pool errors. */
export class WorkerPoolError extends HavenError {
  override readonly name: string = 'WorkerPoolError';
  override readonly code: ErrorCode = ErrorCode.BackupFailed;
}

/**
 * No worker could be started (or the pool is disabled). Raised before a
 * task's message was posted, so its inputs are untouched and the caller
 * can run the work on its own thread instead.
 */
export class WorkerUnavailableError extends WorkerPoolError {
  override readonly name = 'WorkerUnavailableError';
}

/**
 * A worker stopped (crashed, ran out of memory or was terminated) while it
 * held the task. Buffers transferred with the task are gone.
 */
export class WorkerCrashedError extends WorkerPoolError {
  override readonly name = 'WorkerCrashedError';
}

/**
 * The task's handler threw inside the worker (a bug, not a data error:
 * handlers report expected failures in their results). Carries the
 * worker-side error's name and message.
 */
export class WorkerTaskError extends WorkerPoolError {
  override readonly name = 'WorkerTaskError';
  constructor(
    message: string,
    /** `name` of the error thrown in the worker. */
    readonly remoteName: string,
  ) {
    super(message);
  }
}

/** A worker setting (such as `HAVEN_WORKERS`) that is not valid. */
export class InvalidWorkerSettingError extends WorkerPoolError {
  override readonly name = 'InvalidWorkerSettingError';
  override readonly code: ErrorCode = ErrorCode.InvalidInput;
}
