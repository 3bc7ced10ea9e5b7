/** Parameters as the proxy reports them: secret values replaced, so an observer that logs them never logs a secret. */

/** Input members that carry secret material (Secrets Manager values, KMS plaintext). */
const SECRET_MEMBERS = new Set(['SecretString', 'SecretBinary', 'Plaintext', 'Password']);
/** Members that are the proxy's own bookkeeping, not the caller's input. */
const INTERNAL_MEMBERS = new Set(['xml']);

/** A copy of `params` with secret members replaced by `[redacted]` at any depth. */
export function redactParameters(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return redact(params) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (INTERNAL_MEMBERS.has(key)) continue;
    out[key] = SECRET_MEMBERS.has(key) ? '[redacted]' : redact(member);
  }
  return out;
}
