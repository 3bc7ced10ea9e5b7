/**
 * What the API needs from schedules, in one object: check a schedule,
 * compute `next_run`, and keep the job's Scheduler schedule in step.
 */
import { JobStatus, type JobRecord, type ScheduleConfig } from '../catalog/types.js';
import { SCHEDULE_ENV } from './env.js';
import { nextRun, type NextRunOptions } from './next-run.js';
import type { SchedulerSync} from './sync.js';
import { type ScheduledJob, type SchedulerSyncOptions, type SyncedJob, type UpsertResult } from './sync.js';
import { validateSchedule, type ValidSchedule } from './validate.js';

/** The schedules port the API helper uses. */
export interface SchedulePort {
  /** Checks and normalises a schedule; throws `ScheduleError` (InvalidInput, `details.field`). */
  validate(schedule: unknown): ValidSchedule;
  /** The next run strictly after `from` in the schedule's zone; null when disabled. */
  nextRun(schedule: ScheduleConfig | ValidSchedule, from: Date, options?: NextRunOptions): Date | null;
  /** Creates or updates the job's schedule (DISABLED when the schedule is disabled or the job paused). */
  upsert(job: ScheduledJob): Promise<UpsertResult>;
  /** Creates or updates the job's schedule when it has one, deletes it when the job is on demand (null when none is left). */
  sync(job: SyncedJob): Promise<UpsertResult | null>;
  /** Deletes the job's schedule; false when there was none. */
  remove(jobId: string): Promise<boolean>;
  /** A job's `next_run`: {@link nextRun} of its schedule, null when the job is paused or on demand. */
  jobNextRun(job: Pick<JobRecord, 'schedule'> & Partial<Pick<JobRecord, 'status'>>, from: Date, options?: NextRunOptions): Date | null;
}

/**
 * A job's `next_run`: the next run of its schedule, or null when the
 * schedule is disabled or the job paused (its Scheduler schedule is
 * DISABLED then), or the job has no schedule (it runs on demand only).
 *
 * @param job - the job's schedule and status
 * @param from - the instant to look after
 * @param options - the anchor of a rate schedule
 * @returns the next run or null
 * @throws ScheduleError when the schedule is invalid
 */
export function jobNextRun(job: Pick<JobRecord, 'schedule'> & Partial<Pick<JobRecord, 'status'>>, from: Date, options: NextRunOptions = {}): Date | null {
  if (!job.schedule) return null;
  const next = nextRun(job.schedule, from, options);
  return job.status === JobStatus.Paused ? null : next;
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
    sync: (job) => sync.sync(job),
    remove: (jobId) => sync.remove(jobId),
    jobNextRun,
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
