/**
 * Typed errors of the catalog. Each carries its `code` (the API answers a
 * `Conflict` with a 409, a `NotFound` with a 404); handlers read the typed
 * fields (`kind`, `id`…) for the details.
 */
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** Base class of every error the catalog raises on purpose. */
export class CatalogError extends HavenError {
  override readonly name: string = 'CatalogError';
  override readonly code: ErrorCode = ErrorCode.InvalidInput;
}

/** The record (job, execution, backup, restore, verification) does not exist. */
export class NotFoundError extends CatalogError {
  override readonly name = 'NotFoundError';
  override readonly code = ErrorCode.NotFound;
  /**
   * @param kind - what was looked up (`job`, `execution`, `backup`…)
   * @param id - the id that was not found
   */
  constructor(
    readonly kind: string,
    readonly id: string,
    options?: ErrorOptions,
  ) {
    super(`${kind} not found: ${id}`, options);
  }
}

/** The write lost against the table's current state: nothing was written. */
export class ConflictError extends CatalogError {
  override readonly name: string = 'ConflictError';
  override readonly code: ErrorCode = ErrorCode.Conflict;
}

/** A create found a record with the same id already there. */
export class AlreadyExistsError extends ConflictError {
  override readonly name = 'AlreadyExistsError';
  /**
   * @param kind - what was created
   * @param id - the id already taken
   */
  constructor(
    readonly kind: string,
    readonly id: string,
    options?: ErrorOptions,
  ) {
    super(`${kind} already exists: ${id}`, options);
  }
}

/** The job holds a live lease: another execution is running it. */
export class JobAlreadyRunningError extends ConflictError {
  override readonly name = 'JobAlreadyRunningError';
  override readonly code = ErrorCode.JobAlreadyRunning;
  /**
   * @param jobId - the job
   * @param runningExecutionId - the execution holding the lease
   * @param leaseExpiresAt - when that lease lapses (ISO 8601)
   */
  constructor(
    readonly jobId: string,
    readonly runningExecutionId: string,
    readonly leaseExpiresAt: string,
    options?: ErrorOptions,
  ) {
    super(`job ${jobId} is already running as ${runningExecutionId} (lease until ${leaseExpiresAt})`, options);
  }
}

/** A status change the state machine forbids, or one lost to a concurrent change. */
export class InvalidTransitionError extends ConflictError {
  override readonly name = 'InvalidTransitionError';
  /**
   * @param kind - the record kind
   * @param id - the record
   * @param from - its current status
   * @param to - the status asked for
   */
  constructor(
    readonly kind: string,
    readonly id: string,
    readonly from: string,
    readonly to: string,
    options?: ErrorOptions,
  ) {
    super(`${kind} ${id} cannot go from ${from} to ${to}`, options);
  }
}

/** Progress was reported for a record that is not running. */
export class NotRunningError extends ConflictError {
  override readonly name = 'NotRunningError';
  /**
   * @param kind - the record kind
   * @param id - the record
   * @param status - its current status
   */
  constructor(
    readonly kind: string,
    readonly id: string,
    readonly status: string,
    options?: ErrorOptions,
  ) {
    super(`${kind} ${id} is ${status}, not running`, options);
  }
}

/** A record or patch carries a secret (a password, a connection string…); records only name Secrets Manager ARNs. */
export class SecretInRecordError extends CatalogError {
  override readonly name = 'SecretInRecordError';
  /** @param paths - where the secrets are, as dotted paths (`source.connection_string`) */
  constructor(readonly paths: readonly string[]) {
    super(`records never hold secrets; name a Secrets Manager ARN instead (found: ${paths.join(', ')})`);
  }
}

/** A record, patch, id, time or list option is malformed. */
export class InvalidRecordError extends CatalogError {
  override readonly name = 'InvalidRecordError';
}

/**
 * A list cursor is not one this catalog issued for the same query: well
 * formed, but nothing a schema can tell (an HTTP 422 at the API).
 */
export class InvalidCursorError extends CatalogError {
  override readonly name = 'InvalidCursorError';
  override readonly code = ErrorCode.InvalidInput;
  /** The query parameter at fault, as the API names it. */
  readonly details = { field: 'query.cursor', issue: 'not a cursor of this list and filters' } as const;
  constructor() {
    super('the cursor is not one this list issued');
  }
}
