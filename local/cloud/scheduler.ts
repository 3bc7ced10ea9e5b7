/**
 * The local stand-in for EventBridge Scheduler's clock: the schedules
 * themselves live in the emulator's Scheduler (the template's system
 * schedules, and the job schedules the API function creates); on each tick
 * this reads them and, for every enabled schedule that is due, starts its
 * target state machine with its input, signed as the schedule's role, so the
 * IAM proxy authorizes `states:StartExecution` against that role as AWS
 * would. Times come from an injectable clock, so tests advance time instead
 * of waiting. Like Scheduler it never backfills: a schedule that missed
 * several runs fires once.
 */
import { randomUUID } from 'node:crypto';
import { GetScheduleCommand, ListSchedulesCommand, type GetScheduleCommandOutput } from '@aws-sdk/client-scheduler';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AwsService, baseClientConfig, schedulerClient } from '../../vault/aws/clients.js';
import { nextRun } from '../../control/schedules/next-run.js';
import { validateSchedule, type ValidSchedule } from '../../control/schedules/validate.js';

/** Where the scheduler reads the time. */
export interface SchedulerClock {
  now(): Date;
}

/** Options of a {@link CloudScheduler}. */
export interface CloudSchedulerOptions {
  /** Defaults to the system clock. */
  clock?: SchedulerClock;
  /** How often {@link CloudScheduler.start} ticks, in milliseconds (default 15 s). */
  pollMs?: number;
  /** Told about a failed tick or start (default: written to stderr). */
  onError?: (error: unknown) => void;
}

/** One start a schedule made. */
export interface ScheduledStart {
  /** The schedule's name. */
  schedule: string;
  /** When the schedule was due. */
  scheduled_for: Date;
  /** The target state machine. */
  stateMachineArn: string;
  /** The input it was started with, parsed. */
  input: unknown;
  executionArn: string;
}

interface Tracked {
  /** Expression, zone, state and target, to notice edits. */
  key: string;
  schedule: ValidSchedule;
  next: Date | null;
}

/** Fires the emulator's schedules in one group. */
export class CloudScheduler {
  private readonly tracked = new Map<string, Tracked>();
  private readonly clock: SchedulerClock;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<ScheduledStart[]> | undefined;

  /**
   * @param groupName - the schedule group (the template's)
   * @param proxyUrl - the IAM proxy starts are sent through, signed as each schedule's role
   * @param options - clock, poll interval
   */
  constructor(
    private readonly groupName: string,
    private readonly proxyUrl: string,
    private readonly options: CloudSchedulerOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
  }

  /** When a schedule next fires, as of the last tick (undefined when untracked or disabled). */
  nextFire(scheduleName: string): Date | undefined {
    return this.tracked.get(scheduleName)?.next ?? undefined;
  }

  /**
   * Reads the group's schedules and starts every due one once. A schedule
   * seen for the first time (or edited) is due at its next run after now.
   * Ticks never overlap.
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

  private async schedules(): Promise<GetScheduleCommandOutput[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await schedulerClient().send(new ListSchedulesCommand({ GroupName: this.groupName, ...(NextToken ? { NextToken } : {}) }));
      names.push(...(page.Schedules ?? []).map((s) => s.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    return Promise.all(names.map((Name) => schedulerClient().send(new GetScheduleCommand({ Name, GroupName: this.groupName }))));
  }

  private track(schedule: GetScheduleCommandOutput, now: Date): Tracked | undefined {
    let valid: ValidSchedule;
    try {
      valid = validateSchedule({ frequency: schedule.ScheduleExpression, timezone: schedule.ScheduleExpressionTimezone ?? 'UTC', enabled: schedule.State !== 'DISABLED' });
    } catch {
      return undefined; // an expression Haven never writes (at(...)): not fired locally
    }
    if (!valid.enabled) return undefined;
    const key = JSON.stringify([valid.expression, valid.timezone, schedule.Target]);
    const known = this.tracked.get(schedule.Name!);
    if (known?.key === key) return known;
    const fresh = { key, schedule: valid, next: nextRun(valid, now) };
    this.tracked.set(schedule.Name!, fresh);
    return fresh;
  }

  private async fireDue(): Promise<ScheduledStart[]> {
    const now = this.clock.now();
    const started: ScheduledStart[] = [];
    const seen = new Set<string>();
    for (const schedule of await this.schedules()) {
      const entry = this.track(schedule, now);
      if (!entry) continue;
      seen.add(schedule.Name!);
      if (!entry.next || entry.next.getTime() > now.getTime()) continue;
      const due = entry.next;
      entry.next = nextRun(entry.schedule, now, { anchor: due });
      const target = schedule.Target!;
      try {
        started.push({ schedule: schedule.Name!, scheduled_for: due, stateMachineArn: target.Arn!, input: JSON.parse(target.Input ?? '{}'), executionArn: await this.startAs(target.RoleArn!, target.Arn!, target.Input ?? '{}') });
      } catch (error) {
        (this.options.onError ?? ((e: unknown) => process.stderr.write(`[scheduler] ${schedule.Name} could not start: ${String(e)}\n`)))(error);
      }
    }
    for (const name of this.tracked.keys()) if (!seen.has(name)) this.tracked.delete(name);
    return started;
  }

  /** StartExecution as Scheduler makes it: with the schedule's role. */
  private async startAs(roleArn: string, stateMachineArn: string, input: string): Promise<string> {
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const client = new SFNClient({ ...baseClientConfig(AwsService.SFN, { endpoint: this.proxyUrl, maxAttempts: 1 }), credentials: { accessKeyId: roleName, secretAccessKey: 'local', sessionToken: 'local' } });
    try {
      // Scheduler starts executions unnamed and Step Functions names them with a UUID; moto's interpreter
      // names every unnamed execution "None" (so a second start collides), so the name is given here.
      return (await client.send(new StartExecutionCommand({ stateMachineArn, input, name: randomUUID() }))).executionArn!;
    } finally {
      client.destroy();
    }
  }
}
