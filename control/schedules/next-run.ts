/**
 * When a schedule next runs, the way EventBridge Scheduler runs it: cron
 * expressions in the schedule's time zone, where a wall-clock time skipped
 * by a spring-forward change does not run that day and a time repeated by
 * a fall-back change runs once (at its first occurrence); rate expressions
 * every fixed interval (a day is 24 hours) from an anchor.
 */
import type { ScheduleConfig } from '../catalog/types.js';
import { CRON_FIELDS } from './cron-field.js';
import { daysInMonth, matchesDay, type CronSchedule } from './cron.js';
import type { RateSchedule } from './rate.js';
import { instantsOf, steadyOffset, wallMillis, wallTimeAt } from './time-zone.js';
import { validateSchedule, type ValidSchedule } from './validate.js';

/** Options of {@link nextRun}. */
export interface NextRunOptions {
  /**
   * When a rate schedule's runs are counted from (Scheduler starts a rate
   * schedule without a start date when it is created or updated). Default:
   * `from`, so the next run is one interval later.
   */
  anchor?: Date;
}

function nextCron(cron: CronSchedule, timeZone: string, from: number): number | null {
  const start = wallTimeAt(from, timeZone);
  let { year, month } = start;
  let day = start.day;
  // Wall times this far before `from`'s own are past whatever the zone's offset does.
  const floor = wallMillis(start) - 3 * 3_600_000;
  while (year <= CRON_FIELDS.year.max) {
    if (!cron.years.has(year)) {
      [year, month, day] = [year + 1, 1, 1];
      continue;
    }
    if (!cron.months.has(month)) {
      [month, day] = [month + 1, 1];
      if (month > 12) [year, month] = [year + 1, 1];
      continue;
    }
    const last = daysInMonth(year, month);
    for (; day <= last; day += 1) {
      if (!matchesDay(cron.day, year, month, day)) continue;
      const steady = steadyOffset(wallMillis({ year, month, day, hour: 0, minute: 0 }), timeZone);
      for (const hour of cron.hours) {
        for (const minute of cron.minutes) {
          // A skipped wall time (no instant) does not run; a repeated one runs at its first instant only.
          const wall = wallMillis({ year, month, day, hour, minute });
          if (wall < floor) continue;
          const first = steady === null ? instantsOf(wall, timeZone)[0] : wall - steady;
          if (first !== undefined && first > from) return first;
        }
      }
    }
    [month, day] = [month + 1, 1];
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return null;
}

function nextRate(rate: RateSchedule, from: number, anchor: number): number {
  if (anchor > from) return anchor;
  return anchor + (Math.floor((from - anchor) / rate.intervalMs) + 1) * rate.intervalMs;
}

/**
 * The first time strictly after `from` at which the schedule runs.
 *
 * @param schedule - a job's schedule (validated here) or a {@link ValidSchedule}
 * @param from - the instant to look after
 * @param options - the anchor of a rate schedule
 * @returns the next run, or null when the schedule is disabled or never runs again (cron years end at 2199)
 * @throws ScheduleError when the schedule is invalid
 */
export function nextRun(schedule: ScheduleConfig | ValidSchedule, from: Date, options: NextRunOptions = {}): Date | null {
  const valid = 'parsed' in schedule && 'expression' in schedule && typeof schedule.config === 'object' ? (schedule as ValidSchedule) : validateSchedule(schedule);
  if (!valid.enabled) return null;
  const at = from.getTime();
  const next = valid.parsed.kind === 'rate' ? nextRate(valid.parsed.rate, at, options.anchor?.getTime() ?? at) : nextCron(valid.parsed.cron, valid.timezone, at);
  return next === null ? null : new Date(next);
}
