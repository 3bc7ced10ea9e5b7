/**
 * Reads Haven's deployment settings from CDK context (`cdk.json`,
 * `cdk.context.json` or `cdk synth -c key=value`).
 */
import type { Node } from 'constructs';
import { InvalidContextError } from './errors.js';
import { ObjectLockMode, type ObjectLockSettings } from './constructs/vault-bucket.js';

/** The context keys Haven reads. */
export const HavenContextKey = {
  ObjectLockMode: 'haven:objectLockMode',
  ObjectLockDays: 'haven:objectLockDays',
} as const;
export type HavenContextKey = (typeof HavenContextKey)[keyof typeof HavenContextKey];

/** Settings taken from context. */
export interface HavenContextConfig {
  /** Object Lock default retention; undefined leaves Object Lock off. */
  readonly objectLock?: ObjectLockSettings;
}

/**
 * Reads and validates Haven's context. `haven:objectLockMode` (GOVERNANCE or
 * COMPLIANCE, any case) and `haven:objectLockDays` (a whole number >= 1) turn
 * Object Lock on together; neither leaves it off; one without the other is an error.
 *
 * @param node - any construct's node (usually the app's)
 * @returns the validated settings
 * @throws InvalidContextError when a value is malformed or only one of the pair is set
 */
export function readHavenContext(node: Node): HavenContextConfig {
  const rawMode = present(node.tryGetContext(HavenContextKey.ObjectLockMode));
  const rawDays = present(node.tryGetContext(HavenContextKey.ObjectLockDays));
  if (rawMode === undefined && rawDays === undefined) return {};
  if (rawMode === undefined) {
    throw new InvalidContextError(HavenContextKey.ObjectLockMode, `required when ${HavenContextKey.ObjectLockDays} is set`);
  }
  if (rawDays === undefined) {
    throw new InvalidContextError(HavenContextKey.ObjectLockDays, `required when ${HavenContextKey.ObjectLockMode} is set`);
  }
  return { objectLock: { mode: parseMode(rawMode), days: parseDays(rawDays) } };
}

function present(value: unknown): unknown {
  return value === undefined || value === null || value === '' ? undefined : value;
}

function parseMode(raw: unknown): ObjectLockMode {
  const mode = typeof raw === 'string' ? raw.trim().toUpperCase() : raw;
  const modes: readonly unknown[] = Object.values(ObjectLockMode);
  if (!modes.includes(mode)) {
    throw new InvalidContextError(HavenContextKey.ObjectLockMode, `must be GOVERNANCE or COMPLIANCE, got ${JSON.stringify(raw)}`);
  }
  return mode as ObjectLockMode;
}

function parseDays(raw: unknown): number {
  const days = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 1) {
    throw new InvalidContextError(HavenContextKey.ObjectLockDays, `must be a whole number of days >= 1, got ${JSON.stringify(raw)}`);
  }
  return days;
}
