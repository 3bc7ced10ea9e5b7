/**
 * The local stand-in for EventBridge Scheduler: on each tick it reads the
 * catalog's jobs and starts the backup state machine, with the input a
 * Scheduler schedule would send, for every active job whose enabled
 * schedule is due. Times come from an injectable clock, so tests advance
 * time instead of waiting. Like Scheduler it never backfills: a schedule
 * that missed several runs (the process was asleep) fires once.
 */
import type { Catalog } from '../../engine/catalog/catalog.js';
import { JobStatus, type JobRecord } from '../../engine/catalog/types.js';
import { nextRun } from '../../engine/schedules/next-run.js';
import { scheduledRunInput } from '../../engine/schedules/target.js';
import { validateSchedule, type ValidSchedule } from '../../engine/schedules/validate.js';
import type { LocalExecution } from '../runner/local-runner.js';

/** Where the scheduler reads the time. */
export interface SchedulerClock {
  now(): Date;
}

/** What the scheduler starts executions on (the local runner). */
export interface ExecutionStarter {
  start(machineName: string, input: unknown, name?: string): LocalExecution;
}

/** Options of a {@link LocalScheduler}. */
export interface LocalSchedulerOptions {
  /** Defaults to the system clock. */
  clock?: SchedulerClock;
  /** The state machine schedules start (default `backup`). */
  machine?: string;
  /** How often {@link LocalScheduler.start} ticks, in milliseconds (default 15 s). */
  pollMs?: number;
  /** Told about a failed tick (default: written to stderr). */
  onError?: (error: unknown) => void;
}

/** One scheduled start. */
export interface ScheduledStart {
  job_id: string;
  /** When the schedule was due. */
  scheduled_for: Date;
  execution: LocalExecution;
}

interface Tracked {
  /** The schedule's expression, zone and state, to notice edits. */
  key: string;
  schedule: ValidSchedule;
  next: Date | null;
}

const PAGE = 1000;

/** Fires job schedules against the local runner. */
export class LocalScheduler {
  private readonly tracked = new Map<string, Tracked>();
  private readonly clock: SchedulerClock;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<ScheduledStart[]> | undefined;

  /**
   * @param catalog - where jobs are read
   * @param runner - where executions start
   * @param options - clock, machine, poll interval
   */
  constructor(
    private readonly catalog: Catalog,
    private readonly runner: ExecutionStarter,
    private readonly options: LocalSchedulerOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
  }

  /** When a job's schedule next fires here, as of the last tick (undefined when untracked or disabled). */
  nextFire(jobId: string): Date | undefined {
    return this.tracked.get(jobId)?.next ?? undefined;
  }

  /**
   * Reads the jobs and starts every due schedule once. A job seen for the
   * first time (or whose schedule changed) is due at its next run after
   * now, never at once. Ticks never overlap: a tick during a tick waits for
   * it and returns nothing new.
   *
   * @returns the executions started
   */
  async tick(): Promise<ScheduledStart[]> {
    if (this.ticking) {
      await this.ticking;
      return [];
    }
    this.ticking = this.fireDue();
    try {
      return await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  /** Ticks every `pollMs` until {@link stop}; the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    const onError = this.options.onError ?? ((error: unknown) => process.stderr.write(`[scheduler] tick failed: ${String(error)}\n`));
    this.timer = setInterval(() => void this.tick().catch(onError), this.options.pollMs ?? 15_000);
    this.timer.unref();
  }

  /** Stops ticking. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async jobs(): Promise<JobRecord[]> {
    const jobs: JobRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.catalog.listJobs({ limit: PAGE, cursor, with_total: false });
      jobs.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return jobs;
  }

  private track(job: JobRecord, now: Date): Tracked | undefined {
    let schedule: ValidSchedule;
    try {
      schedule = validateSchedule(job.schedule);
    } catch {
      return undefined; // the API refuses invalid schedules; one written around it never fires
    }
    if (!schedule.enabled || job.status !== JobStatus.Active) return undefined;
    const key = `${schedule.expression}|${schedule.timezone}`;
    const known = this.tracked.get(job.job_id);
    if (known?.key === key) return known;
    const fresh = { key, schedule, next: nextRun(schedule, now) };
    this.tracked.set(job.job_id, fresh);
    return fresh;
  }

  private async fireDue(): Promise<ScheduledStart[]> {
    const now = this.clock.now();
    const started: ScheduledStart[] = [];
    const seen = new Set<string>();
    for (const job of await this.jobs()) {
      const entry = this.track(job, now);
      if (!entry) continue;
      seen.add(job.job_id);
      if (!entry.next || entry.next.getTime() > now.getTime()) continue;
      const due = entry.next;
      const execution = this.runner.start(this.options.machine ?? 'backup', scheduledRunInput(job.job_id));
      started.push({ job_id: job.job_id, scheduled_for: due, execution });
      entry.next = nextRun(entry.schedule, now, { anchor: due });
    }
    for (const jobId of this.tracked.keys()) if (!seen.has(jobId)) this.tracked.delete(jobId);
    return started;
  }
}
