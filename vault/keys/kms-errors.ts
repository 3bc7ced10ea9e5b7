/**
 * Maps errors from the KMS client to Haven's typed key errors. The SDK has
 * already retried what it considers transient by the time an error gets here.
 *
 * Transient failures (network, timeouts, throttling, 5xx) become
 * `KeyServiceUnavailableError`, not `KeyAccessError`: an operator told "access
 * denied" would go and check key policies when the fix is to retry later.
 */
import { HavenError } from '../errors.js';
import { KeyAccessError, KeyNotFoundError, KeyServiceUnavailableError } from './errors.js';

interface SdkErrorShape {
  name?: string;
  code?: unknown;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

const WRONG_KEY_OR_CONTEXT = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);
const NOT_FOUND = new Set(['NotFoundException']);
const ACCESS = new Set([
  'AccessDeniedException',
  'DisabledException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
  'InvalidGrantTokenException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'IncompleteSignature',
  'CredentialsProviderError',
]);
const TRANSIENT = new Set(['KMSInternalException', 'KeyUnavailableException', 'DependencyTimeoutException', 'ThrottlingException', 'LimitExceededException']);

function isTransient(shape: SdkErrorShape, name: string): boolean {
  if (TRANSIENT.has(name) || /Throttl|Timeout/i.test(name)) return true;
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return (typeof shape.code === 'string' && /^E[A-Z]+$/.test(shape.code)) || shape.$metadata !== undefined || shape.$fault === 'server';
}

/**
 * Turns anything the KMS client threw into a typed key error (Haven errors
 * pass through unchanged), keeping the original as `cause`:
 *
 * - `InvalidCiphertextException`, `IncorrectKeyException` → `KeyAccessError` ("wrong key or encryption context")
 * - `NotFoundException` → `KeyNotFoundError`
 * - `DisabledException`, `KMSInvalidStateException`, `AccessDeniedException`,
 *   bad credentials → `KeyAccessError`
 * - network errors, timeouts, throttling, 5xx → `KeyServiceUnavailableError`
 * - anything else → `KeyAccessError`
 * @param keyId - the key as the provider was given it
 * @param operation - the KMS operation, e.g. `Decrypt`
 */
export function mapKmsError(error: unknown, keyId: string, operation: string): HavenError {
  if (error instanceof HavenError) return error;
  const shape = (error ?? {}) as SdkErrorShape;
  const name = (typeof shape.code === 'string' ? shape.code : undefined) ?? shape.name ?? 'UnknownError';
  const message = error instanceof Error ? error.message : String(error);
  const where = `KMS ${operation} with key ${keyId}`;
  const options = { cause: error };
  if (WRONG_KEY_OR_CONTEXT.has(name)) {
    return new KeyAccessError(`${where}: wrong key or encryption context (${name})`, options);
  }
  if (NOT_FOUND.has(name)) return new KeyNotFoundError(`${where}: key not found (${message})`, options);
  if (ACCESS.has(name)) return new KeyAccessError(`${where}: ${name}${message ? `: ${message}` : ''}`, options);
  if (isTransient(shape, name)) return new KeyServiceUnavailableError(`${where}: KMS unavailable (${name}: ${message})`, options);
  return new KeyAccessError(`${where}: ${name}: ${message}`, options);
}
