/**
 * Retries that a client's own retry strategy cannot do, such as DynamoDB's
 * UnprocessedItems (a success response that wrote only part of a batch):
 * exponential backoff with full jitter, a capped number of attempts.
 */

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry, in milliseconds. */
  baseDelayMs: number;
  /** Largest backoff ceiling, in milliseconds. */
  maxDelayMs: number;
}

/** 8 attempts, 50 ms doubling up to 5 s (about 6 s of waiting in the worst case on average). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 5_000 };

/**
 * Full-jitter backoff before retry number `retry` (0 for the first retry):
 * uniform in [0, min(maxDelayMs, baseDelayMs × 2^retry)).
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
