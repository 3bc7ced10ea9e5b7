/**
 * Reads Haven's deployment settings from CDK context (`cdk.json`,
 * `cdk.context.json` or `cdk synth -c key=value`).
 */
import type { Node } from 'constructs';
import { InvalidContextError } from './errors.js';
import { ObjectLockMode, type ObjectLockSettings } from './constructs/vault-bucket.js';
import { SourceKind, sourceArnsProblem } from './source-arns.js';

/** The context keys Haven reads. */
export const HavenContextKey = {
  ObjectLockMode: 'haven:objectLockMode',
  ObjectLockDays: 'haven:objectLockDays',
  SourceTableArns: 'haven:sourceTableArns',
  SourceBucketArns: 'haven:sourceBucketArns',
  RestoreTableArns: 'haven:restoreTableArns',
  RestoreBucketArns: 'haven:restoreBucketArns',
} as const;
export type HavenContextKey = (typeof HavenContextKey)[keyof typeof HavenContextKey];

/** Settings taken from context. */
export interface HavenContextConfig {
  /** Object Lock default retention; undefined leaves Object Lock off. */
  readonly objectLock?: ObjectLockSettings;
  /** DynamoDB tables backup jobs may read; omitted when none. */
  readonly sourceTableArns?: readonly string[];
  /** S3 buckets backup jobs may read; omitted when none. */
  readonly sourceBucketArns?: readonly string[];
  /** DynamoDB tables restores may write; omitted when none. */
  readonly restoreTableArns?: readonly string[];
  /** S3 buckets restores may write; omitted when none. */
  readonly restoreBucketArns?: readonly string[];
}

/**
 * Reads and validates Haven's context.
 *
 * - `haven:objectLockMode` (GOVERNANCE or COMPLIANCE, any case) and
 *   `haven:objectLockDays` (a whole number >= 1) turn Object Lock on
 *   together; neither leaves it off; one without the other is an error.
 * - `haven:sourceTableArns` and `haven:sourceBucketArns` list the tables and
 *   buckets backup jobs may read, `haven:restoreTableArns` and
 *   `haven:restoreBucketArns` those restores may write: each a JSON array (in
 *   cdk.json), or a string holding a JSON array or comma-separated ARNs (as
 *   `-c` passes it).
 *
 * @param node - any construct's node (usually the app's)
 * @returns the validated settings
 * @throws InvalidContextError when a value is malformed or only one of the Object Lock pair is set
 */
export function readHavenContext(node: Node): HavenContextConfig {
  const sourceTableArns = readArnList(node, HavenContextKey.SourceTableArns, SourceKind.Table);
  const sourceBucketArns = readArnList(node, HavenContextKey.SourceBucketArns, SourceKind.Bucket);
  const restoreTableArns = readArnList(node, HavenContextKey.RestoreTableArns, SourceKind.Table);
  const restoreBucketArns = readArnList(node, HavenContextKey.RestoreBucketArns, SourceKind.Bucket);
  const objectLock = readObjectLock(node);
  return {
    ...(objectLock ? { objectLock } : {}),
    ...(sourceTableArns.length > 0 ? { sourceTableArns } : {}),
    ...(sourceBucketArns.length > 0 ? { sourceBucketArns } : {}),
    ...(restoreTableArns.length > 0 ? { restoreTableArns } : {}),
    ...(restoreBucketArns.length > 0 ? { restoreBucketArns } : {}),
  };
}

function readObjectLock(node: Node): ObjectLockSettings | undefined {
  const rawMode = present(node.tryGetContext(HavenContextKey.ObjectLockMode));
  const rawDays = present(node.tryGetContext(HavenContextKey.ObjectLockDays));
  if (rawMode === undefined && rawDays === undefined) return undefined;
  if (rawMode === undefined) {
    throw new InvalidContextError(HavenContextKey.ObjectLockMode, `required when ${HavenContextKey.ObjectLockDays} is set`);
  }
  if (rawDays === undefined) {
    throw new InvalidContextError(HavenContextKey.ObjectLockDays, `required when ${HavenContextKey.ObjectLockMode} is set`);
  }
  return { mode: parseMode(rawMode), days: parseDays(rawDays) };
}

function readArnList(node: Node, key: HavenContextKey, kind: SourceKind): string[] {
  const raw = present(node.tryGetContext(key));
  if (raw === undefined) return [];
  let values: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        values = JSON.parse(text);
      } catch {
        throw new InvalidContextError(key, `is not a valid JSON array: ${raw}`);
      }
    } else {
      values = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
    }
  }
  if (!Array.isArray(values)) throw new InvalidContextError(key, `must be a list of ARNs, got ${JSON.stringify(raw)}`);
  const problem = sourceArnsProblem(kind, values);
  if (problem) throw new InvalidContextError(key, problem);
  return [...new Set(values as string[])];
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
