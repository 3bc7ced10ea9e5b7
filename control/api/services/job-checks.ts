/**
 * Semantic checks of a job definition (422s): retention ranges, compression
 * (merged and normalized by vault/compression/settings.ts, with its levels
 * per algorithm), the destination (one of the deployment's vaults) and the
 * KMS key it names (job-destination.ts), the schedule (through the schedule
 * port) and the source (through the source checker).
 */
import { CompressionSettingSchema, compressionLevelProblem, mergeCompression, parseCompressionSetting, type CompressionChange, type CompressionSetting } from '../../../vault/compression/settings.js';
import type { CopyConfig, DestinationConfig, RetentionPolicy, ScheduleConfig, SourceConfig } from '../../catalog/types.js';
import { InvalidRetentionPolicyError } from '../../retention/errors.js';
import { isEmptyPolicy, normalizePolicy } from '../../retention/policy.js';
import { isKmsKeyName, NOT_A_KEY_REFERENCE } from '../kms-key-id.js';
import type { ApiDeps } from '../deps.js';
import type { Issues } from './issues.js';
import { isInputFault } from '../error-mapping.js';
import { checkCopies, type CopyInput } from './job-copies.js';
import { checkDestination, checkKeyId, type DestinationInput } from './job-destination.js';

/** The largest value of each retention count (the seed's periods and the engine's rules). */
export const RETENTION_MAX = {
  days: 36_500, weeks: 5_200, months: 1_200, years: 100,
  daily: 36_500, weekly: 5_200, monthly: 1_200, yearly: 100,
  hourly: 876_000, keep_last: 100_000, min_count: 100_000,
} as const;

/**
 * Retention: each count 0 to its maximum, the policy one the retention
 * engine evaluates (`normalizePolicy`: whole counts, a valid `keep_within`),
 * and at least one rule keeps something.
 */
export function checkRetention(retention: RetentionPolicy, issues: Issues): void {
  let inRange = true;
  for (const [period, max] of Object.entries(RETENTION_MAX) as Array<[keyof typeof RETENTION_MAX, number]>) {
    const value = retention[period];
    if (value === undefined || (value >= 0 && value <= max)) continue;
    issues.add(`retention.${period}`, `must be from 0 to ${max}`);
    inRange = false;
  }
  if (!inRange) return;
  try {
    issues.check(!isEmptyPolicy(normalizePolicy(retention)), 'retention', 'must keep backups by at least one rule (days, weeks, months, years, keep_last, keep_within… above 0)');
  } catch (error) {
    if (!(error instanceof InvalidRetentionPolicyError)) throw error;
    issues.add(error.message.startsWith('retention.') ? error.message.split(' ')[0]! : 'retention.keep_within', error.message);
  }
}

/**
 * A run's compression level for a job's stored setting (the compression
 * module's levels).
 *
 * @param field - where the level came from, for the issue
 */
export function checkRunCompressionLevel(stored: unknown, level: number | undefined, field: string, issues: Issues): void {
  const problem = compressionLevelProblem(parseCompressionSetting(stored).algorithm, level);
  if (problem) issues.add(field, problem);
}

/**
 * A compression change merged into the stored setting (or the default) and
 * normalized, then checked: what a job stores is exactly what was checked.
 *
 * @param stored - the job's setting as stored (an old, unnormalized record is normalized first)
 * @returns the setting to store (undefined when it is not valid; the issues say why)
 */
export function checkCompression(change: CompressionChange, stored: unknown, issues: Issues): CompressionSetting | undefined {
  const base = stored === undefined ? undefined : CompressionSettingSchema.safeParse(mergeCompression(stored as CompressionChange)).data;
  const parsed = CompressionSettingSchema.safeParse(mergeCompression(change, base));
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) issues.add(['compression', ...issue.path.map(String)].join('.'), issue.message);
  return undefined;
}

/** A key name: a KMS key id, key ARN, alias name or alias ARN, never key material (the value is not echoed). */
export function checkKeyName(value: string | undefined, field: string, issues: Issues): void {
  if (value !== undefined) issues.check(isKmsKeyName(value), field, NOT_A_KEY_REFERENCE);
}

/** What a job definition's semantic checks look at. */
export interface JobParts {
  /** The schedule as given; checked and normalised by the schedules module. */
  schedule?: unknown;
  source?: SourceConfig;
  retention?: RetentionPolicy;
  /** A compression change and the setting it changes (none on a create). */
  compression?: { change: CompressionChange; stored?: unknown };
  encryption?: { enabled?: boolean };
  /**
   * The destination to check (undefined in it: the primary bucket's default
   * vault), and the job it belongs to on an update (its own vault is no clash).
   * Checked when given, or when a key is to be checked against its bucket.
   */
  destination?: { given: DestinationInput | undefined; jobId?: string };
  /** The `encryption.key_id` to check against the destination's bucket. */
  keyId?: string;
  /** The copies to check, and the job's stored destination when `destination` is not given (an update). */
  copies?: { given: readonly CopyInput[]; stored?: DestinationConfig };
}

/** The parts of a job as they are to be stored, normalized (those that were given). */
export interface CheckedJobParts {
  schedule?: ScheduleConfig;
  compression?: CompressionSetting;
  destination?: DestinationConfig;
  copies?: CopyConfig[];
}

/**
 * Checks the parts of a job that are present; throws one 422 naming every problem.
 *
 * @returns the schedule as the schedules module normalised it, the merged, normalized compression setting and the normalized destination (when given)
 * @throws ValidationFailedError
 */
export async function checkJobParts(deps: ApiDeps, parts: JobParts, issues: Issues): Promise<CheckedJobParts> {
  let schedule: ScheduleConfig | undefined;
  if (parts.retention) checkRetention(parts.retention, issues);
  const compression = parts.compression ? checkCompression(parts.compression.change, parts.compression.stored, issues) : undefined;
  if (parts.encryption) issues.check(parts.encryption.enabled !== false, 'encryption.enabled', 'Haven always encrypts backups');
  const destination = parts.destination ? await checkDestination(deps, parts.destination.given, parts.destination.jobId, issues) : undefined;
  if (parts.keyId !== undefined) {
    if (destination) await checkKeyId(deps, parts.keyId, destination.bucket, issues);
    else checkKeyName(parts.keyId, 'encryption.key_id', issues);
  }
  const copies = parts.copies ? checkJobCopies(deps, parts.copies, parts.destination ? destination?.stored : parts.copies.stored, issues) : undefined;
  if (parts.schedule !== undefined) {
    try {
      schedule = deps.schedules.validate(parts.schedule).config;
    } catch (error) {
      if (!isInputFault(error)) throw error;
      issues.addError(error, 'schedule');
    }
  }
  if (parts.source) {
    try {
      await deps.sources.checkSource(parts.source);
    } catch (error) {
      if (!isInputFault(error)) throw error;
      issues.addError(error, 'source');
    }
  }
  issues.throwIfAny('the job definition is not valid');
  return { ...(schedule ? { schedule } : {}), ...(compression ? { compression } : {}), ...(destination ? { destination: destination.stored } : {}), ...(copies ? { copies } : {}) };
}

/** The copies checked against the job's destination vault (a stored destination the registry no longer knows is compared with nothing). */
function checkJobCopies(deps: ApiDeps, copies: NonNullable<JobParts['copies']>, destination: DestinationConfig | undefined, issues: Issues): CopyConfig[] | undefined {
  const registry = deps.vaults();
  let destinationUri: string | undefined;
  try {
    destinationUri = destination ? registry.resolve({ bucket: destination.bucket, path: destination.path }).uri : undefined;
  } catch (error) {
    if (!isInputFault(error)) throw error;
  }
  return checkCopies(registry, copies.given, destinationUri, checkRetention, issues);
}
