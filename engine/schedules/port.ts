/**
 * What the API needs from schedules, in one object: check a schedule,
 * compute `next_run`, and keep the job's Scheduler schedule in step.
 */
import type { ScheduleConfig } from '../catalog/types.js';
import { SCHEDULE_ENV } from './env.js';
import { nextRun, type NextRunOptions } from './next-run.js';
import type { SchedulerSync} from './sync.js';
import { type ScheduledJob, type SchedulerSyncOptions, type UpsertResult } from './sync.js';
import { validateSchedule, type ValidSchedule } from './validate.js';

/** The schedules port the API helper uses. */
export interface SchedulePort {
  /** Checks and normalises a schedule; throws `ScheduleError` (InvalidInput, `details.field`). */
  validate(schedule: unknown): ValidSchedule;
  /** The next run strictly after `from` in the schedule's zone; null when disabled. */
  nextRun(schedule: ScheduleConfig | ValidSchedule, from: Date, options?: NextRunOptions): Date | null;
  /** Creates or updates the job's schedule (DISABLED when the schedule is disabled or the job paused). */
  upsert(job: ScheduledJob): Promise<UpsertResult>;
  /** Deletes the job's schedule; false when there was none. */
  remove(jobId: string): Promise<boolean>;
}

export { SCHEDULE_ENV };

/**
 * The port over a {@link SchedulerSync}.
 *
 * @param sync - where upserts and removals go
 * @returns the port
 */
export function schedulePort(sync: SchedulerSync): SchedulePort {
  return {
    validate: validateSchedule,
    nextRun,
    upsert: (job) => sync.upsert(job),
    remove: (jobId) => sync.remove(jobId),
  };
}

/**
 * The sync options from {@link SCHEDULE_ENV}, or undefined when any is missing.
 *
 * @param env - the environment
 * @returns the options, without a client (the factory's is used)
 */
export function scheduleOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SchedulerSyncOptions | undefined {
  const groupName = env[SCHEDULE_ENV.groupName];
  const roleArn = env[SCHEDULE_ENV.roleArn];
  const stateMachineArn = env[SCHEDULE_ENV.stateMachineArn];
  return groupName && roleArn && stateMachineArn ? { groupName, roleArn, stateMachineArn } : undefined;
}
