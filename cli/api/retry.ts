/**
 * Retry policy of the API client: only idempotent methods are retried, only
 * on 429, 5xx and network errors, with exponential backoff and full jitter
 * (honouring `Retry-After` when the API sends one).
 */

/** Methods safe to send twice. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Backoff settings. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff ceiling, milliseconds. */
  baseMs: number;
  /** Largest backoff, milliseconds. */
  capMs: number;
}

/** The client's default policy: 4 retries, 200 ms doubling up to 5 s. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseMs: 200, capMs: 5_000 };

/**
 * @param method - an HTTP method
 * @returns whether a failed request may be sent again
 */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/**
 * @param status - an HTTP status
 * @returns whether it is worth retrying (throttling and server errors)
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Full-jitter backoff: a random delay up to `min(cap, base · 2^attempt)`.
 *
 * @param attempt - 0 for the first retry
 * @param policy - base and cap
 * @param random - a number in [0, 1) (tests pass a fixed one)
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * @param header - a `Retry-After` header (seconds or an HTTP date)
 * @param now - the current time in milliseconds
 * @returns the delay it asks for in milliseconds, if valid
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
