/**
 * Maps errors from the S3 client (service errors, network failures, timeouts)
 * to Haven's typed storage errors. The SDK has already retried what it
 * considers transient by the time an error reaches here.
 */
import { HavenError } from '../errors.js';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  StorageAccessDeniedError,
  StorageError,
  StorageUnavailableError,
} from './errors.js';

/** What the failed call was about, for the error message. */
export interface S3ErrorContext {
  bucket: string;
  /** Full S3 key (with the store's prefix), when the call was about one object. */
  key?: string;
  /** The key as the caller named it (relative to the store's prefix). */
  relativeKey?: string;
  /** The S3 operation, e.g. `GetObject`. */
  operation: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion']);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'Forbidden',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AccountProblem',
  'CredentialsProviderError',
]);
const PRECONDITION_FAILED = new Set(['PreconditionFailed']);

/** The HTTP status of an SDK service error, or undefined for network-level failures. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

function errorName(error: unknown): string {
  const shape = (error ?? {}) as SdkErrorShape;
  return shape.Code ?? (typeof shape.code === 'string' ? shape.code : undefined) ?? shape.name ?? 'UnknownError';
}

/** Network failures (errno codes, socket timeouts) and server-side or throttling responses. */
function isTransient(error: unknown, name: string, status: number | undefined): boolean {
  if (/Throttl|SlowDown|Timeout|RequestLimitExceeded|ServiceUnavailable|InternalError/i.test(name)) return true;
  if (status !== undefined) return status >= 500 || status === 429 || status === 409 || status === 408;
  const shape = (error ?? {}) as SdkErrorShape;
  return (typeof shape.code === 'string' && /^E[A-Z]+$/.test(shape.code)) || shape.$metadata !== undefined || shape.$fault === 'server';
}

function describe(context: S3ErrorContext): string {
  const where = context.key === undefined ? `s3://${context.bucket}` : `s3://${context.bucket}/${context.key}`;
  return `${context.operation} ${where}`;
}

/**
 * Turns anything the S3 client threw into a typed storage error (Haven errors
 * pass through unchanged). The original error is kept as `cause`.
 *
 * - `NoSuchKey` / 404 → `ObjectNotFoundError`
 * - `AccessDenied`, bad or expired credentials / 403 → `StorageAccessDeniedError`
 * - `PreconditionFailed` / 412 (a conditional write lost) → `ObjectExistsError`
 * - `NoSuchBucket`, network errors, timeouts, 5xx, throttling, 409
 *   `ConditionalRequestConflict` → `StorageUnavailableError`
 * - any other 4xx (a request S3 will never accept) → `StorageError`
 */
export function mapS3Error(error: unknown, context: S3ErrorContext): HavenError {
  if (error instanceof HavenError) return error;
  const name = errorName(error);
  const status = httpStatusOf(error);
  const where = describe(context);
  const options = { cause: error };
  const objectKey = context.relativeKey ?? context.key ?? '';

  if (name === 'NoSuchBucket') {
    return new StorageUnavailableError(`${where}: bucket ${context.bucket} does not exist`, options);
  }
  if (NOT_FOUND.has(name) || status === 404) return new ObjectNotFoundError(objectKey, options);
  if (ACCESS_DENIED.has(name) || status === 403) {
    return new StorageAccessDeniedError(`${where}: access denied (${name})`, options);
  }
  if (PRECONDITION_FAILED.has(name) || status === 412) return new ObjectExistsError(objectKey, options);
  if (isTransient(error, name, status)) {
    const message = error instanceof Error ? error.message : String(error);
    return new StorageUnavailableError(`${where}: storage unavailable (${name}: ${message})`, options);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StorageError(`${where}: rejected by S3 (${name}, HTTP ${status}: ${message})`, options);
}
