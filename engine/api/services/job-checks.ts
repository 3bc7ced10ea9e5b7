/**
 * Semantic checks of a job definition (422s): retention ranges, compression
 * levels per algorithm, encryption naming a KMS key, the schedule (through
 * the schedule port) and the source (through the source checker).
 */
import type { ScheduleConfig, SourceConfig } from '../../catalog/types.js';
import { isKmsKeyName } from '../kms-key-id.js';
import type { ApiDeps } from '../deps.js';
import type { Issues } from './issues.js';
import { isInputFault } from '../error-mapping.js';

/** The largest value of each retention period. */
export const RETENTION_MAX = { days: 36_500, weeks: 5_200, months: 1_200, years: 100 } as const;

/** Compression levels each algorithm takes. */
export const COMPRESSION_LEVELS = { zstd: { min: 1, max: 22 }, gzip: { min: 1, max: 9 } } as const;

/** Retention: each period 0 to its maximum, and at least one period keeps something. */
export function checkRetention(retention: Partial<Record<keyof typeof RETENTION_MAX, number>>, issues: Issues): void {
  for (const [period, max] of Object.entries(RETENTION_MAX) as Array<[keyof typeof RETENTION_MAX, number]>) {
    const value = retention[period];
    if (value !== undefined) issues.check(value >= 0 && value <= max, `retention.${period}`, `must be from 0 to ${max}`);
  }
  issues.check(Object.values(retention).some((v) => typeof v === 'number' && v > 0), 'retention', 'must keep backups for at least one period (days, weeks, months or years above 0)');
}

/**
 * A compression level for an algorithm.
 *
 * @param field - where the level came from, for the issue
 */
export function checkCompressionLevel(algorithm: string, level: number | undefined, field: string, issues: Issues): void {
  if (level === undefined) return;
  const range = COMPRESSION_LEVELS[algorithm as keyof typeof COMPRESSION_LEVELS];
  if (!range) issues.add(field, `compression algorithm ${algorithm} takes no level`);
  else issues.check(level >= range.min && level <= range.max, field, `${algorithm} levels are ${range.min} to ${range.max}`);
}

/** A key name: a KMS key id, key ARN, alias or alias ARN, never key material (the value is not echoed). */
export function checkKeyName(value: string | undefined, field: string, issues: Issues): void {
  if (value !== undefined) issues.check(isKmsKeyName(value), field, 'must name a KMS key (key id, key ARN, alias/… or alias ARN); raw key material is never accepted');
}

/** What a job definition's semantic checks look at. */
export interface JobParts {
  source?: SourceConfig;
  schedule?: ScheduleConfig;
  retention?: Partial<Record<keyof typeof RETENTION_MAX, number>>;
  compression?: { enabled?: boolean; algorithm?: string; level?: number };
  encryption?: { enabled?: boolean; key_id?: string };
}

/**
 * Checks the parts of a job that are present; throws one 422 naming every problem.
 *
 * @throws ValidationFailedError
 */
export async function checkJobParts(deps: ApiDeps, parts: JobParts, issues: Issues): Promise<void> {
  if (parts.retention) checkRetention(parts.retention, issues);
  if (parts.compression) checkCompressionLevel(parts.compression.algorithm ?? 'zstd', parts.compression.level, 'compression.level', issues);
  if (parts.encryption) {
    issues.check(parts.encryption.enabled !== false, 'encryption.enabled', 'Haven always encrypts backups');
    checkKeyName(parts.encryption.key_id, 'encryption.key_id', issues);
  }
  if (parts.schedule && deps.schedules) {
    try {
      deps.schedules.validate(parts.schedule);
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
}
