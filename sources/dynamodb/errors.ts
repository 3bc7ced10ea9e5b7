/**
 * Maps errors from the DynamoDB client to typed source errors. The client has
 * already retried throttling and 5xx responses by the time one reaches here.
 */
import { HavenError } from '../../vault/errors.js';
import { httpStatusOf } from '../../vault/storage/s3-errors.js';
import { SourceAccessError, SourceError, SourceNotFoundError, SourceUnavailableError } from '../errors.js';

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
  'CredentialsProviderError',
]);
const TRANSIENT = /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|ServiceUnavailable|LimitExceeded|Timeout/i;

/** What the failed call was about, for the message. */
export interface DynamoDbErrorContext {
  table: string;
  operation: string;
}

function nameOf(error: unknown): string {
  const shape = (error ?? {}) as { name?: unknown; code?: unknown };
  if (typeof shape.name === 'string' && shape.name !== 'Error') return shape.name;
  return typeof shape.code === 'string' ? shape.code : 'UnknownError';
}

/**
 * Turns anything the DynamoDB client threw into a typed error (Haven errors
 * pass through; the original is kept as `cause`):
 * `ResourceNotFoundException` → `SourceNotFoundError`; denied or bad
 * credentials → `SourceAccessError`; throttling, 5xx, network →
 * `SourceUnavailableError`; anything else → `SourceError`.
 */
export function mapDynamoDbError(error: unknown, context: DynamoDbErrorContext): HavenError {
  if (error instanceof HavenError) return error;
  const name = nameOf(error);
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const where = `${context.operation} dynamodb table ${context.table}`;
  const options = { cause: error };
  if (name === 'ResourceNotFoundException') return new SourceNotFoundError(`dynamodb table ${context.table}`, options);
  if (ACCESS_DENIED.has(name) || status === 403) return new SourceAccessError(`${where}: access denied (${name})`, options);
  if (TRANSIENT.test(name) || status === undefined || status >= 500) {
    return new SourceUnavailableError(`${where}: unavailable (${name}: ${message})`, options);
  }
  return new SourceError(`${where}: rejected (${name}, HTTP ${status}: ${message})`, options);
}
