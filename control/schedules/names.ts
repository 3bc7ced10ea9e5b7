/** Names of the Scheduler schedules Haven creates for jobs. */
import { createHash } from 'node:crypto';

/** Prefix of every job schedule's name. */
export const JOB_SCHEDULE_PREFIX = 'haven-job-';
/** Scheduler's longest schedule name. */
export const MAX_SCHEDULE_NAME_LENGTH = 64;
const ALLOWED = /^[0-9a-zA-Z_.-]+$/;

/**
 * The schedule name of a job: `haven-job-<job_id>` (`job_<ulid>` ids give 40
 * characters); an id Scheduler's names cannot hold (over 54 characters or
 * with characters outside `[0-9A-Za-z_.-]`) is replaced by the first 40 hex
 * digits of its SHA-256, so every job still has one stable name.
 *
 * @param jobId - the job's id
 * @returns the schedule's name, at most 64 characters
 */
export function jobScheduleName(jobId: string): string {
  const plain = `${JOB_SCHEDULE_PREFIX}${jobId}`;
  if (ALLOWED.test(jobId) && plain.length <= MAX_SCHEDULE_NAME_LENGTH) return plain;
  return `${JOB_SCHEDULE_PREFIX}${createHash('sha256').update(jobId).digest('hex').slice(0, 40)}`;
}
