/**
 * What a job's schedule starts: the backup state machine, with the input
 * the workflow's Plan step takes from a schedule.
 */
import type { BackupStartInput } from '../workflows/backup/types.js';

/** The execution input of a scheduled run of a job. */
export function scheduledRunInput(jobId: string): BackupStartInput {
  return { job_id: jobId, trigger: 'schedule' };
}
