/**
 * What the API's services need from the outside world, as narrow ports:
 * starting and stopping workflows, keeping a job's schedule in sync, and
 * checking that a source or restore target exists. Step Functions, the
 * local runner, EventBridge Scheduler and the local scheduler implement them.
 */
import type { JobRecord, ScheduleConfig, SourceConfig } from '../catalog/types.js';

/** The state machines the API starts. */
export const Machine = { Backup: 'backup', Restore: 'restore', Verify: 'verify', Prune: 'prune' } as const;
/** One of {@link Machine}. */
export type Machine = (typeof Machine)[keyof typeof Machine];

/** Starts and stops workflow executions. */
export interface WorkflowStarter {
  /**
   * Starts an execution named `name` (the record id, so a retried start is idempotent).
   *
   * @returns the execution's ARN
   */
  start(machine: Machine, name: string, input: Record<string, unknown>): Promise<{ executionArn: string }>;
  /** Stops the execution named `name`; does nothing when it has already ended or never started. */
  stop(machine: Machine, name: string, cause: string): Promise<void>;
}

/** Keeps jobs' schedules valid and in sync with the scheduler. */
export interface ScheduleService {
  /** Throws a typed `InvalidInput` error (a 422) naming the field when the schedule is invalid. */
  validate(schedule: ScheduleConfig): void;
  /** The next run at or after `from`, or null when the schedule is disabled. */
  nextRun(schedule: ScheduleConfig, from: Date): Date | null;
  /** Creates or updates (or disables) the job's schedule. */
  upsert(job: JobRecord): Promise<void>;
  /** Deletes the job's schedule; does nothing when there is none. */
  remove(jobId: string): Promise<void>;
}

/** Checks what a job reads from or a restore writes to, before anything is recorded. */
export interface SourceChecker {
  /** Throws a typed 422-class error when the source's configuration is invalid or it does not exist. */
  checkSource(source: SourceConfig): Promise<void>;
  /** Throws a typed 422-class error when the restore destination's configuration is invalid. */
  checkDestination(destination: Record<string, unknown>): Promise<void>;
}
