/**
 * Errors of the workflow steps, and the failure a failed step hands Step
 * Functions ({@link StepFailure}) for Mark failed to record.
 */
import { ErrorCode, HavenError } from '../../vault/errors.js';
export { StagingError } from '../../vault/staging/errors.js';
import { redactText } from '../notifications/redact.js';

/** Base class of workflow step errors. */
export class WorkflowError extends HavenError {
  override readonly name: string = 'WorkflowError';
}

/** A job's configuration cannot run (disabled job, unknown source type, bad parameters). */
export class InvalidJobError extends WorkflowError {
  override readonly name = 'InvalidJobError';
  override readonly code = ErrorCode.InvalidConfiguration;
}

/**
 * A step failed after recording the failure on the run's record itself
 * (backup Plan, for runs a schedule started). The workflow does not retry
 * it; Mark failed finds the record ended and leaves it (and its event) as is.
 */
export class FailureRecordedError extends WorkflowError {
  override readonly name = 'FailureRecordedError';
  override readonly code: ErrorCode;
  /** @param recorded - the failure the record holds (its code is this error's) */
  constructor(recorded: StepFailure, options?: ErrorOptions) {
    super(recorded.message, options);
    this.code = recorded.code;
  }
}

/** The commit step found fewer partition manifests than planned. */
export class IncompleteBackupError extends WorkflowError {
  override readonly name = 'IncompleteBackupError';
}

/** A backup's snapshot holder never published its snapshot, within the bounded wait of Plan partitions. */
export class SnapshotHolderError extends WorkflowError {
  override readonly name = 'SnapshotHolderError';
  override readonly code = ErrorCode.SnapshotExpired;
}

/** A backup's estimated export time exceeds the time its snapshot holder can hold the snapshot (docs/POSTGRES.md, "Snapshot holder"). */
export class SnapshotWindowError extends WorkflowError {
  override readonly name = 'SnapshotWindowError';
  override readonly code = ErrorCode.SnapshotWindowExceeded;
}

/** Verification after a backup or restore found damage or a mismatch. */
export class VerificationFailedError extends WorkflowError {
  override readonly name = 'VerificationFailedError';
  override readonly code = ErrorCode.CorruptedBackup;
}

/** Longest failure message a record keeps. */
const MESSAGE_LIMIT = 2000;

/**
 * A failure message fit for a record, an event or a log line: credentials
 * cut out (`postgresql://user:[redacted]@host`, `password=[redacted]`; an
 * error may quote a connection string, and the catalog refuses to store
 * one) and at most 2,000 characters.
 *
 * @param message - an error's message
 * @returns it, redacted and bounded
 */
export function failureMessage(message: string): string {
  return redactText(message).slice(0, MESSAGE_LIMIT);
}

/**
 * What a failed step hands Step Functions besides its error type (the
 * class name, which Retry and Catch match on): the error's public code and
 * its message. The step wrapper (functions/shared/step-handler.ts) sends it
 * as the Lambda error's message, JSON-encoded ({@link encodeStepFailure});
 * Mark failed reads it back from the caught `Cause` ({@link failureOfCause}).
 */
export interface StepFailure {
  /** The error's {@link ErrorCode} (`BackupFailed` for an error that is not a {@link HavenError}). */
  code: ErrorCode;
  message: string;
}

/**
 * The failure a step raises with: a {@link HavenError}'s code (any other
 * error is `BackupFailed`) and its message, redacted and bounded as
 * {@link failureMessage} says.
 *
 * @param error - what the step threw
 */
export function stepFailureOf(error: unknown): StepFailure {
  const code = error instanceof HavenError ? error.code : ErrorCode.BackupFailed;
  return { code, message: failureMessage(String(error instanceof Error ? error.message : error)) };
}

/** The message a failed step's Lambda error carries: `{"code": …, "message": …}`. */
export function encodeStepFailure(failure: StepFailure): string {
  return JSON.stringify({ code: failure.code, message: failure.message });
}

/**
 * The failure a caught error's `Cause` holds, its message redacted and
 * bounded as {@link failureMessage} says. Lambda wraps the error as JSON
 * (`{"errorType": …, "errorMessage": …}`), and the step wrapper's message is
 * itself `{"code", "message"}`; a failure that did not pass the wrapper (a
 * Lambda timeout, a runtime crash) has no code: it is `BackupFailed`, with
 * the cause's text as its message.
 *
 * @param cause - the `Cause` of a caught failure (the state's `error.Cause`)
 */
export function failureOfCause(cause: string | undefined): StepFailure {
  if (!cause) return { code: ErrorCode.BackupFailed, message: 'no cause recorded' };
  const parsed = parseObject(cause);
  if (typeof parsed?.errorMessage === 'string') return failureOfCause(parsed.errorMessage);
  if (isErrorCode(parsed?.code) && typeof parsed.message === 'string') return { code: parsed.code, message: failureMessage(parsed.message) };
  return { code: ErrorCode.BackupFailed, message: failureMessage(cause) };
}

/** A readable message from a caught failure's `Cause` (see {@link failureOfCause}). */
export function causeMessage(cause: string | undefined): string {
  return failureOfCause(cause).message;
}

const ERROR_CODES: ReadonlySet<unknown> = new Set(Object.values(ErrorCode));

/** Whether a value is one of the {@link ErrorCode}s. */
function isErrorCode(value: unknown): value is ErrorCode {
  return ERROR_CODES.has(value);
}

/** A JSON object, or undefined when the text is not one. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
