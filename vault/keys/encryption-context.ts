/** The canonical byte form of an encryption context, bound as additional data by local key wrapping. */
import type { EncryptionContext } from './key-provider.js';

/**
 * Canonical JSON of a context: an object with keys in ascending code-unit
 * order, no whitespace, UTF-8. Built by hand because `JSON.stringify` puts
 * integer-like keys (`"10"`, `"9"`) first in numeric order whatever the
 * insertion order.
 * @example canonicalContext({ vault: 'v1', account: '42' }) // bytes of {"account":"42","vault":"v1"}
 */
export function canonicalContext(context: EncryptionContext): Uint8Array {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const json = `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
  return new TextEncoder().encode(json);
}
