/**
 * Job schedules: validation and translation to EventBridge Scheduler
 * expressions, `next_run` in the schedule's time zone, and the sync of each
 * job's Scheduler schedule. See docs/SCHEDULES.md.
 */
export { ScheduleError, type ScheduleErrorDetails } from './errors.js';
export { parseExpression, type ParsedExpression } from './expression.js';
export { Frequency } from './frequency.js';
export { jobScheduleName, JOB_SCHEDULE_PREFIX } from './names.js';
export { nextRun, type NextRunOptions } from './next-run.js';
export { jobNextRun, schedulePort, scheduleOptionsFromEnv, SCHEDULE_ENV, type SchedulePort } from './port.js';
export { SchedulerSync, TARGET_RETRY_POLICY, type ScheduledJob, type SchedulerSyncOptions, type SyncedJob, type UpsertResult } from './sync.js';
export { scheduledRunInput, type ScheduledRunInput } from './target.js';
export { canonicalTimeZone } from './time-zone.js';
export { DEFAULT_TIME_ZONE, validateSchedule, type ValidSchedule } from './validate.js';
