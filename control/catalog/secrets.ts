/**
 * Keeps secrets out of the catalog. A record may name a Secrets Manager ARN
 * (`secret_arn`) but never hold a password, a token, a key or a connection
 * string: fields with such names, and any string that holds a URL with
 * credentials (`postgresql://user:pass@host/db`), are refused.
 */
import { SecretInRecordError } from './errors.js';

/** Field names (lower case, without `_` and `-`) that hold secrets. */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'connectionstring',
  'connectionuri',
  'connectionurl',
  'dsn',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secretvalue',
  'secretstring',
  'secretaccesskey',
  'sessiontoken',
  'token',
  'accesstoken',
  'refreshtoken',
  'apikey',
  'privatekey',
  'clientsecret',
  'credentials',
]);

// Bounded repetitions keep the scan linear in the string's length.
const URL_WITH_CREDENTIALS = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]{1,256}:[^/\s@]{0,256}@/i;

function isSecretName(name: string): boolean {
  return SECRET_FIELD_NAMES.has(name.toLowerCase().replace(/[_-]/g, ''));
}

/**
 * Where a value holds secrets.
 *
 * @param value - a record or patch
 * @param path - the path of `value` itself
 * @returns dotted paths of the offending fields (empty when clean)
 */
export function findSecrets(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return URL_WITH_CREDENTIALS.test(value) ? [path || '(value)'] : [];
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    return !Array.isArray(value) && isSecretName(key) && child !== undefined && child !== null ? [childPath] : findSecrets(child, childPath);
  });
}

/**
 * Refuses a value that holds secrets.
 *
 * @param value - a record or patch about to be written
 * @throws SecretInRecordError naming every offending field
 */
export function assertNoSecrets(value: unknown): void {
  const paths = findSecrets(value);
  if (paths.length > 0) throw new SecretInRecordError(paths);
}
