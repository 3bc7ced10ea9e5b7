/**
 * Keeps a job's EventBridge Scheduler schedule in step with the job: one
 * schedule per job in Haven's group, created or updated with the job,
 * disabled with it and deleted with it. Every call is idempotent.
 */
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
  type GetScheduleCommandOutput,
  type SchedulerClient,
  type UpdateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { schedulerClient } from '../../vault/aws/clients.js';
import { JobStatus, type JobRecord, type ScheduleConfig } from '../catalog/types.js';
import { jobScheduleName } from './names.js';
import { scheduledRunInput } from './target.js';
import { validateSchedule, type ValidSchedule } from './validate.js';

/** Where schedules go and what they start. */
export interface SchedulerSyncOptions {
  /** Haven's schedule group. */
  groupName: string;
  /** The backup state machine the schedules start. */
  stateMachineArn: string;
  /** The role Scheduler assumes (allowed `states:StartExecution` on that machine). */
  roleArn: string;
  /** Defaults to {@link schedulerClient}. */
  client?: SchedulerClient;
}

/** The job fields a schedule is built from. */
export type ScheduledJob = Pick<JobRecord, 'job_id'> & { schedule: ScheduleConfig } & Partial<Pick<JobRecord, 'job_name' | 'status'>>;

/** A job as {@link SchedulerSync.sync} takes it: an on-demand job has no schedule (null). */
export type SyncedJob = Pick<JobRecord, 'job_id' | 'schedule'> & Partial<Pick<JobRecord, 'job_name' | 'status'>>;

/** What {@link SchedulerSync.upsert} did. */
export interface UpsertResult {
  name: string;
  created: boolean;
  state: 'ENABLED' | 'DISABLED';
  schedule: ValidSchedule;
}

/**
 * How Scheduler retries a start it could not deliver (throttling, a
 * transient error): for up to an hour, at most 10 attempts with its own
 * backoff. A backup started an hour late is still wanted; one started many
 * hours late would overlap the next run.
 */
export const TARGET_RETRY_POLICY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 } as const;

/** A complete CreateSchedule/UpdateSchedule request. */
export type ScheduleRequest = UpdateScheduleCommandInput & { Name: string; State: 'ENABLED' | 'DISABLED' };

const errorName = (error: unknown): string | undefined => (error as { name?: string } | null)?.name;

/** Creates, updates and deletes jobs' schedules in one schedule group. */
export class SchedulerSync {
  private readonly client: SchedulerClient;

  /** @param options - the group, the state machine and the role */
  constructor(private readonly options: SchedulerSyncOptions) {
    this.client = options.client ?? schedulerClient();
  }

  /** The group the schedules live in. */
  get groupName(): string {
    return this.options.groupName;
  }

  /** The schedule name of a job (see {@link jobScheduleName}). */
  scheduleName(jobId: string): string {
    return jobScheduleName(jobId);
  }

  /** The full request that makes a job's schedule what the job says (validates the schedule). */
  request(job: ScheduledJob, schedule: ValidSchedule = validateSchedule(job.schedule)): ScheduleRequest {
    const minutes = schedule.flexible_window_minutes;
    const state = schedule.enabled && job.status !== JobStatus.Paused ? 'ENABLED' : 'DISABLED';
    return {
      Name: jobScheduleName(job.job_id),
      GroupName: this.options.groupName,
      Description: `Haven backup job ${job.job_id}${job.job_name ? `: ${job.job_name}` : ''}`.slice(0, 512),
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      FlexibleTimeWindow: minutes > 0 ? { Mode: 'FLEXIBLE', MaximumWindowInMinutes: minutes } : { Mode: 'OFF' },
      State: state,
      ActionAfterCompletion: 'NONE',
      Target: {
        Arn: this.options.stateMachineArn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify(scheduledRunInput(job.job_id)),
        RetryPolicy: { ...TARGET_RETRY_POLICY },
      },
    };
  }

  /**
   * Creates the job's schedule, or updates it when it exists (a create that
   * meets `ConflictException` becomes an update; an update that meets a
   * schedule deleted meanwhile becomes a create). A disabled schedule or a
   * paused job gives a DISABLED schedule.
   *
   * @param job - the job (its id, schedule and, if known, name and status)
   * @returns the schedule's name, whether it was created, and its state
   * @throws ScheduleError when the job's schedule is invalid (nothing is written)
   */
  async upsert(job: ScheduledJob): Promise<UpsertResult> {
    const schedule = validateSchedule(job.schedule);
    const request = this.request(job, schedule);
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.client.send(new CreateScheduleCommand(request));
        return { name: request.Name, created: true, state: request.State, schedule };
      } catch (error) {
        if (errorName(error) !== 'ConflictException') throw error;
      }
      try {
        await this.client.send(new UpdateScheduleCommand(request));
        return { name: request.Name, created: false, state: request.State, schedule };
      } catch (error) {
        if (errorName(error) !== 'ResourceNotFoundException' || attempt > 0) throw error;
      }
    }
  }

  /**
   * Makes the job's Scheduler schedule what the job says: created or
   * updated when the job has a schedule ({@link upsert}), deleted when it is
   * on demand only (no schedule; {@link remove}).
   *
   * @param job - the job
   * @returns what the upsert did, or null when the job has no schedule (and now none in Scheduler)
   * @throws ScheduleError when the job's schedule is invalid (nothing is written)
   */
  async sync(job: SyncedJob): Promise<UpsertResult | null> {
    if (job.schedule) return this.upsert({ ...job, schedule: job.schedule });
    await this.remove(job.job_id);
    return null;
  }

  /**
   * Deletes the job's schedule. A schedule already gone is fine.
   *
   * @param jobId - the job's id
   * @returns true when a schedule was deleted, false when there was none
   */
  async remove(jobId: string): Promise<boolean> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: jobScheduleName(jobId), GroupName: this.options.groupName }));
      return true;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return false;
      throw error;
    }
  }

  /**
   * The job's schedule as Scheduler has it, or undefined when there is none.
   *
   * @param jobId - the job's id
   * @returns GetSchedule's answer
   */
  async get(jobId: string): Promise<GetScheduleCommandOutput | undefined> {
    try {
      return await this.client.send(new GetScheduleCommand({ Name: jobScheduleName(jobId), GroupName: this.options.groupName }));
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}
