import { test } from 'vitest';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../vault/errors.js';
import { ScheduleError, validateSchedule } from '../../../control/schedules/index.js';

const tz = 'America/Toronto';

test('named frequencies become Scheduler cron expressions', () => {
  // Prepare
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ frequency: 'hourly' }, 'cron(0 * * * ? *)'],
    [{ frequency: 'hourly', time: '00:15' }, 'cron(15 * * * ? *)'],
    [{ frequency: 'daily', time: '02:00' }, 'cron(0 2 * * ? *)'],
    [{ frequency: 'Daily', time: '7:05' }, 'cron(5 7 * * ? *)'],
    [{ frequency: 'daily' }, 'cron(0 0 * * ? *)'],
    [{ frequency: 'weekly', time: '03:30', day_of_week: 'monday' }, 'cron(30 3 ? * MON *)'],
    [{ frequency: 'weekly', time: '03:30', day_of_week: 'Fri' }, 'cron(30 3 ? * FRI *)'],
    [{ frequency: 'weekly', time: '03:30', day_of_week: 0 }, 'cron(30 3 ? * SUN *)'],
    [{ frequency: 'weekly', time: '03:30', day_of_week: 7 }, 'cron(30 3 ? * SUN *)'],
    [{ frequency: 'weekly', time: '03:30', day_of_week: ['sat', 1, 'wednesday'] }, 'cron(30 3 ? * MON,WED,SAT *)'],
    [{ frequency: 'weekly' }, 'cron(0 0 ? * SUN *)'],
    [{ frequency: 'monthly', time: '23:59', day_of_month: 15 }, 'cron(59 23 15 * ? *)'],
    [{ frequency: 'monthly', day_of_month: 'last' }, 'cron(0 0 L * ? *)'],
    [{ frequency: 'monthly' }, 'cron(0 0 1 * ? *)'],
    [{ frequency: 'cron', expression: 'cron(0  2 * * ? *)' }, 'cron(0 2 * * ? *)'],
    [{ frequency: 'cron(0/15 8-17 ? * MON-FRI *)' }, 'cron(0/15 8-17 ? * MON-FRI *)'],
    [{ frequency: 'rate', expression: 'rate(6 hours)' }, 'rate(6 hours)'],
    [{ frequency: 'rate(1 hours)' }, 'rate(1 hour)'],
    [{ frequency: 'rate(1 day)' }, 'rate(1 day)'],
    [{ frequency: 'rate(30 minute)' }, 'rate(30 minutes)'],
    [{ frequency: 'cron(0 9 ? * 6#3 *)' }, 'cron(0 9 ? * 6#3 *)'],
    [{ frequency: 'cron(0 9 LW * ? 2026-2030)' }, 'cron(0 9 LW * ? 2026-2030)'],
    [{ frequency: 'cron(0 9 15W * ? *)' }, 'cron(0 9 15W * ? *)'],
    [{ frequency: 'cron(0 9 ? * 6L *)' }, 'cron(0 9 ? * 6L *)'],
    [{ frequency: 'cron(0 9 ? JAN,JUL L *)' }, 'cron(0 9 ? JAN,JUL L *)'],
  ];
  for (const [input, expression] of cases) {
    // Act
    const valid = validateSchedule({ ...input, timezone: tz, enabled: true });

    // Assess
    assert.equal(valid.expression, expression, JSON.stringify(input));
  }
});

test('defaults: UTC, enabled, no flexible window', () => {
  // Act
  const valid = validateSchedule({ frequency: 'Daily', time: '2:00' });

  // Assess
  assert.equal(valid.timezone, 'UTC');
  assert.equal(valid.enabled, true);
  assert.equal(valid.flexible_window_minutes, 0);
});

test('the stored config is canonical', () => {
  // Act
  const defaulted = validateSchedule({ frequency: 'Daily', time: '2:00' });
  const seed = validateSchedule({ frequency: 'daily', time: '02:00', timezone: tz, enabled: false, flexible_window_minutes: 15 });
  const cron = validateSchedule({ frequency: 'cron(0 1 * * ? *)' });

  // Assess
  assert.deepEqual(defaulted.config, { frequency: 'daily', time: '02:00', timezone: 'UTC', enabled: true });
  assert.deepEqual(seed.config, { frequency: 'daily', time: '02:00', timezone: tz, enabled: false, flexible_window_minutes: 15 });
  assert.equal(cron.config.expression, 'cron(0 1 * * ? *)');
});

test('a time zone named in the wrong case is stored as the IANA name', () => {
  // Act
  const valid = validateSchedule({ frequency: 'daily', timezone: 'america/toronto' });

  // Assess
  assert.equal(valid.timezone, tz);
});

test('invalid schedules are ScheduleError (InvalidInput) naming the field', () => {
  // Prepare
  const cases: Array<[unknown, string, RegExp?]> = [
    [null, 'schedule'],
    ['daily', 'schedule'],
    [{}, 'schedule.frequency'],
    [{ frequency: 'fortnightly' }, 'schedule.frequency'],
    [{ frequency: 'daily', time: '25:00' }, 'schedule.time', /hour 25/],
    [{ frequency: 'daily', time: '12:60' }, 'schedule.time', /minute 60/],
    [{ frequency: 'daily', time: '2pm' }, 'schedule.time'],
    [{ frequency: 'daily', time: 200 }, 'schedule.time'],
    [{ frequency: 'monthly', day_of_month: 32 }, 'schedule.day_of_month'],
    [{ frequency: 'monthly', day_of_month: 0 }, 'schedule.day_of_month'],
    [{ frequency: 'monthly', day_of_month: 1.5 }, 'schedule.day_of_month'],
    [{ frequency: 'weekly', day_of_week: 'funday' }, 'schedule.day_of_week'],
    [{ frequency: 'weekly', day_of_week: 8 }, 'schedule.day_of_week'],
    [{ frequency: 'weekly', day_of_week: [] }, 'schedule.day_of_week'],
    [{ frequency: 'daily', day_of_week: 'monday' }, 'schedule.day_of_week'],
    [{ frequency: 'weekly', day_of_month: 3 }, 'schedule.day_of_month'],
    [{ frequency: 'daily', expression: 'cron(0 1 * * ? *)' }, 'schedule.expression'],
    [{ frequency: 'daily', timezone: 'Mars/Olympus_Mons' }, 'schedule.timezone', /unknown time zone/],
    [{ frequency: 'daily', timezone: '+05:00' }, 'schedule.timezone'],
    [{ frequency: 'daily', timezone: 5 }, 'schedule.timezone'],
    [{ frequency: 'daily', enabled: 'yes' }, 'schedule.enabled'],
    [{ frequency: 'daily', flexible_window_minutes: 1441 }, 'schedule.flexible_window_minutes'],
    [{ frequency: 'daily', flexible_window_minutes: -1 }, 'schedule.flexible_window_minutes'],
    [{ frequency: 'daily', timezon: 'UTC' }, 'schedule.timezon', /unknown field/],
    [{ frequency: 'cron' }, 'schedule.expression'],
    [{ frequency: 'cron', expression: 'rate(5 minutes)' }, 'schedule.expression'],
    [{ frequency: 'cron', expression: 'cron(0 1 * * ? *)', time: '01:00' }, 'schedule.time'],
    [{ frequency: 'cron(0 1 * * ? *)', expression: 'cron(0 1 * * ? *)' }, 'schedule.expression'],
    [{ frequency: 'cron(0 2 * * *)' }, 'schedule.expression', /6 fields/],
    [{ frequency: 'cron(0 2 * * * *)' }, 'schedule.expression', /exactly one/],
    [{ frequency: 'cron(0 2 ? * ? *)' }, 'schedule.expression', /exactly one/],
    [{ frequency: 'cron(60 2 * * ? *)' }, 'schedule.expression', /minutes.*outside 0-59/],
    [{ frequency: 'cron(0 24 * * ? *)' }, 'schedule.expression', /hours/],
    [{ frequency: 'cron(0 2 32 * ? *)' }, 'schedule.expression', /day-of-month/],
    [{ frequency: 'cron(0 2 0 * ? *)' }, 'schedule.expression', /day-of-month/],
    [{ frequency: 'cron(0 2 * 13 ? *)' }, 'schedule.expression', /month/],
    [{ frequency: 'cron(0 2 * FOO ? *)' }, 'schedule.expression', /month/],
    [{ frequency: 'cron(0 2 ? * 8 *)' }, 'schedule.expression', /day-of-week/],
    [{ frequency: 'cron(0 2 ? * 0 *)' }, 'schedule.expression', /day-of-week/],
    [{ frequency: 'cron(0 2 ? * FRI-MON *)' }, 'schedule.expression', /low to high/],
    [{ frequency: 'cron(0 2 ? * */2 *)' }, 'schedule.expression', /increments/],
    [{ frequency: 'cron(0 2 ? * 6#6 *)' }, 'schedule.expression', /1-5/],
    [{ frequency: 'cron(0 2 ? * 3#1,6#3 *)' }, 'schedule.expression'],
    [{ frequency: 'cron(0 2 L,15 * ? *)' }, 'schedule.expression'],
    [{ frequency: 'cron(0 2 * * ? 1969)' }, 'schedule.expression', /year/],
    [{ frequency: 'cron(0 2 * * ? 2200)' }, 'schedule.expression', /year/],
    [{ frequency: 'cron(*/0 2 * * ? *)' }, 'schedule.expression', /step/],
    [{ frequency: 'cron(0 ? * * ? *)' }, 'schedule.expression'],
    [{ frequency: 'cron(1-2-3 2 * * ? *)' }, 'schedule.expression'],
    [{ frequency: 'cron(,5 2 * * ? *)' }, 'schedule.expression'],
    [{ frequency: 'rate(0 minutes)' }, 'schedule.expression', /positive/],
    [{ frequency: 'rate(5 seconds)' }, 'schedule.expression'],
    [{ frequency: 'rate(-5 minutes)' }, 'schedule.expression'],
    [{ frequency: 'rate(1.5 hours)' }, 'schedule.expression'],
    [{ frequency: 'rate(hours)' }, 'schedule.expression'],
    [{ frequency: 'rate', expression: 'at(2026-01-01T00:00:00)' }, 'schedule.expression'],
  ];
  for (const [input, field, message] of cases) {
    // Act
    const validate = () => validateSchedule(input);

    // Assess
    assert.throws(
      validate,
      (error: unknown) => {
        assert.ok(error instanceof ScheduleError, `${JSON.stringify(input)}: ${String(error)}`);
        assert.equal(error.code, ErrorCode.InvalidInput);
        assert.equal(error.details.field, field, JSON.stringify(input));
        if (message) assert.match(error.details.issue, message, JSON.stringify(input));
        return true;
      },
    );
  }
});
