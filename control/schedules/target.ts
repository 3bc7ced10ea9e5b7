/**
 * What a job's schedule starts: the backup state machine, with the input
 * the workflow's Plan step takes from a schedule (a `BackupStartInput` of
 * `control/workflows/backup/types.ts`, which accepts this shape).
 */
import { ExecutionTrigger } from '../catalog/types.js';

/** What a schedule passes its backup execution. */
export interface ScheduledRunInput {
  job_id: string;
  trigger: typeof ExecutionTrigger.Schedule;
}

/** The execution input of a scheduled run of a job. */
export function scheduledRunInput(jobId: string): ScheduledRunInput {
  return { job_id: jobId, trigger: ExecutionTrigger.Schedule };
}
