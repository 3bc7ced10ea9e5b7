/**
 * Last line of defence before an event leaves Haven: fields named like
 * secrets (the catalog's list: `password`, `token`, `connection_string`…)
 * are replaced, and credentials inside URLs (`postgresql://user:pass@host`)
 * are cut out of every string, however deep.
 */
import { SECRET_FIELD_NAMES } from '../catalog/secrets.js';

/** What replaces a secret. */
export const REDACTED = '[redacted]';

// Bounded repetitions keep the scan linear in the string's length.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@]{1,256}:[^/\s@]{0,256}@/gi;
// `password=...` / `pwd: ...` pairs inside free text (connection strings in error messages); not ARNs (`secret:name`).
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|secret|token|api[_-]?key)(\s*=\s*|:\s+)[^\s;,&'"]{1,512}/gi;

function secretName(name: string): boolean {
  return SECRET_FIELD_NAMES.has(name.toLowerCase().replace(/[_-]/g, ''));
}

/**
 * @param text - any string
 * @returns it with URL credentials and `password=…` pairs replaced
 */
export function redactText(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(KEY_VALUE_SECRET, `$1$2${REDACTED}`);
}

/**
 * A deep copy of `value` with secrets replaced by {@link REDACTED}.
 *
 * @param value - an event detail (JSON-like)
 * @returns the redacted copy
 */
export function redactSecrets<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => redactSecrets(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = secretName(key) && child !== null && child !== undefined ? REDACTED : redactSecrets(child);
  }
  return out as T;
}
