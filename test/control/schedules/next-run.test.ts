import { test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Cron } from 'croner';
import { nextRun, validateSchedule } from '../../../control/schedules/index.js';
import { matchesDay, parseCron } from '../../../control/schedules/cron.js';
import { wallMillis, wallTimeAt } from '../../../control/schedules/time-zone.js';

const tz = 'America/Toronto';
const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Successive runs after `from`. */
function runs(schedule: Record<string, unknown>, from: string, count: number): string[] {
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < count; i += 1) {
    t = nextRun({ enabled: true, ...schedule } as never, t)!;
    out.push(t.toISOString());
  }
  return out;
}

test('seed job: daily 02:00 America/Toronto runs at 02:00 local (07:00Z in winter)', () => {
  // Prepare
  const schedule = { frequency: 'daily', time: '02:00', timezone: tz, enabled: true };

  // Act
  const next = nextRun(schedule, at('2024-01-15T12:30:00Z'));

  // Assess
  assert.equal(iso(next), '2024-01-16T07:00:00.000Z');
});

test('a disabled schedule has no next run', () => {
  // Prepare
  const schedules = [
    { frequency: 'daily', time: '02:00', timezone: tz, enabled: false },
    { frequency: 'rate(5 minutes)', enabled: false },
  ];

  // Act
  const next = schedules.map((schedule) => nextRun(schedule, at('2024-01-15T12:30:00Z')));

  // Assess
  assert.deepEqual(next, [null, null]);
});

test('spring forward (2026-03-08, 02:00 → 03:00): daily 02:30 is skipped that day, as Scheduler does', () => {
  // Act
  const daily = runs({ frequency: 'daily', time: '02:30', timezone: tz }, '2026-03-06T12:00:00Z', 3);

  // Assess
  assert.deepEqual(daily, [
    '2026-03-07T07:30:00.000Z', // EST, UTC-5
    '2026-03-09T06:30:00.000Z', // 2026-03-08 02:30 does not exist; next is EDT, UTC-4
    '2026-03-10T06:30:00.000Z',
  ]);
});

test('spring forward: daily 03:00 exists on the day and is 07:00Z after the change', () => {
  // Act
  const daily = runs({ frequency: 'daily', time: '03:00', timezone: tz }, '2026-03-07T12:00:00Z', 2);

  // Assess
  assert.deepEqual(daily, ['2026-03-08T07:00:00.000Z', '2026-03-09T07:00:00.000Z']);
});

test('spring forward: hourly skips the missing 02:00 hour (01:00 EST then 03:00 EDT are one real hour apart)', () => {
  // Act
  const hourly = runs({ frequency: 'hourly', timezone: tz }, '2026-03-08T05:30:00Z', 3);

  // Assess
  assert.deepEqual(hourly, ['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z']);
});

test('fall back (2026-11-01, 02:00 → 01:00): the repeated hour runs once, at its first occurrence', () => {
  // Act
  const hourly = runs({ frequency: 'hourly', timezone: tz }, '2026-11-01T03:30:00Z', 5);

  // Assess
  assert.deepEqual(hourly, [
    '2026-11-01T04:00:00.000Z', // 00:00 EDT
    '2026-11-01T05:00:00.000Z', // 01:00 EDT
    // 01:00 EST (06:00Z) repeats a wall time that already ran
    '2026-11-01T07:00:00.000Z', // 02:00 EST
    '2026-11-01T08:00:00.000Z',
    '2026-11-01T09:00:00.000Z',
  ]);
});

test('fall back: daily 01:30 runs at the first 01:30 of the day', () => {
  // Act
  const daily = runs({ frequency: 'daily', time: '01:30', timezone: tz }, '2026-10-31T12:00:00Z', 2);

  // Assess
  assert.deepEqual(daily, ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
});

test('fall back: from inside the repeated hour, after 01:30 EDT ran, daily 01:30 next runs the next day', () => {
  // Prepare
  const schedule = { frequency: 'daily', time: '01:30', timezone: tz, enabled: true };

  // Act
  const next = nextRun(schedule, at('2026-11-01T06:00:00Z'));

  // Assess
  assert.equal(iso(next), '2026-11-02T06:30:00.000Z');
});

test('rate expressions count fixed intervals from the anchor (a day is 24 hours across DST)', () => {
  // Prepare
  const daily = { frequency: 'rate(1 day)', timezone: tz, enabled: true };
  const quarterHour = { frequency: 'rate(15 minutes)', enabled: true };
  const cases: Array<[typeof daily | typeof quarterHour, string, { anchor: Date } | undefined, string]> = [
    [daily, '2026-03-07T12:00:00Z', undefined, '2026-03-08T12:00:00.000Z'],
    [daily, '2026-03-08T13:00:00Z', { anchor: at('2026-03-07T12:00:00Z') }, '2026-03-09T12:00:00.000Z'],
    [quarterHour, '2026-01-01T00:44:59Z', { anchor: at('2026-01-01T00:00:00Z') }, '2026-01-01T00:45:00.000Z'],
    [quarterHour, '2025-12-31T00:00:00Z', { anchor: at('2026-01-01T00:00:00Z') }, '2026-01-01T00:00:00.000Z'],
  ];
  for (const [schedule, from, options, expected] of cases) {
    // Act
    const next = options ? nextRun(schedule, at(from), options) : nextRun(schedule, at(from));

    // Assess
    assert.equal(iso(next), expected, `${schedule.frequency} from ${from}`);
  }
});

/** Successive runs after `from`, up to `count`, ending with null when the schedule stops. */
function runsOrNull(frequency: string, from: string, count: number): Array<string | null> {
  const out: Array<string | null> = [];
  let t: Date | null = at(from);
  for (let i = 0; i < count && t; i += 1) {
    t = nextRun({ frequency, enabled: true }, t);
    out.push(iso(t));
  }
  return out;
}

test('weekly, monthly and special day fields in the job time zone', () => {
  // Prepare
  const named: Array<[Record<string, unknown>, string, string[]]> = [
    [{ frequency: 'weekly', time: '03:30', day_of_week: 'monday', timezone: tz }, '2026-03-01T00:00:00Z', ['2026-03-02T08:30:00.000Z', '2026-03-09T07:30:00.000Z']],
    [{ frequency: 'monthly', time: '00:00', day_of_month: 31, timezone: 'UTC' }, '2026-01-31T00:00:00Z', ['2026-03-31T00:00:00.000Z', '2026-05-31T00:00:00.000Z', '2026-07-31T00:00:00.000Z']],
    [{ frequency: 'monthly', day_of_month: 'last', timezone: 'UTC' }, '2028-01-31T00:00:00Z', ['2028-02-29T00:00:00.000Z', '2028-03-31T00:00:00.000Z']],
  ];
  const expressions: Array<[string, string, string | null]> = [
    // 2026-08-01 is a Saturday (1W → Monday the 3rd); 2026-05-31 a Sunday (31W → Friday the 29th).
    ['cron(0 0 1W * ? *)', '2026-07-15T00:00:00Z', '2026-08-03T00:00:00.000Z'],
    ['cron(0 0 31W * ? *)', '2026-05-01T00:00:00Z', '2026-05-29T00:00:00.000Z'],
    ['cron(0 0 LW * ? *)', '2026-05-01T00:00:00Z', '2026-05-29T00:00:00.000Z'],
    ['cron(0 12 ? * 6L *)', '2026-01-01T00:00:00Z', '2026-01-30T12:00:00.000Z'],
    ['cron(0 12 ? * 2#1 *)', '2026-06-01T12:00:00Z', '2026-07-06T12:00:00.000Z'],
    ['cron(0 0 29 2 ? *)', '2026-01-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['cron(0 0 30 2 ? *)', '2026-01-01T00:00:00Z', null],
    ['cron(0 0 1 1 ? 2020-2025)', '2026-01-01T00:00:00Z', null],
    ['cron(0 0 1 1 ? 2030)', '2026-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
  ];

  // Act
  const namedRuns = named.map(([schedule, from, expected]) => runs(schedule, from, expected.length));
  const expressionRuns = expressions.map(([frequency, from]) => runsOrNull(frequency, from, 1)[0]);

  // Assess
  assert.deepEqual(namedRuns, named.map(([, , expected]) => expected));
  assert.deepEqual(expressionRuns, expressions.map(([, , expected]) => expected));
});

/** Every minute after `from` within `hours`, the runs by definition: fields match the wall clock, and the wall clock was not already shown an hour earlier (Toronto's DST shift is one hour). */
function bruteForce(expression: string, timeZone: string, from: number, hours: number): number[] {
  const cron = parseCron(expression.slice(5, -1));
  const out: number[] = [];
  const start = Math.floor(from / 60_000) * 60_000 + 60_000;
  for (let t = start; t < from + hours * 3_600_000; t += 60_000) {
    const w = wallTimeAt(t, timeZone);
    const matches = cron.minutes.includes(w.minute) && cron.hours.includes(w.hour) && cron.months.has(w.month) && cron.years.has(w.year) && matchesDay(cron.day, w.year, w.month, w.day);
    if (matches && wallMillis(wallTimeAt(t - 3_600_000, timeZone)) !== wallMillis(w)) out.push(t);
  }
  return out;
}

test('across both 2026 Toronto DST changes, nextRun chains equal a minute-by-minute scan', () => {
  for (const expression of ['cron(0 * * * ? *)', 'cron(30 * * * ? *)', 'cron(0/20 0-3 * * ? *)', 'cron(30 2 * * ? *)', 'cron(15 1 ? * SUN *)', 'cron(59 1 8,9 MAR,NOV ? *)']) {
    for (const from of ['2026-03-07T20:00:00Z', '2026-10-31T20:00:00Z']) {
      // Prepare
      const expected = bruteForce(expression, tz, Date.parse(from), 48);

      // Act
      const got: number[] = [];
      let t = at(from);
      for (;;) {
        t = nextRun({ frequency: expression, timezone: tz, enabled: true }, t)!;
        if (t.getTime() >= Date.parse(from) + 48 * 3_600_000) break;
        got.push(t.getTime());
      }

      // Assess
      assert.deepEqual(got.map((n) => new Date(n).toISOString()), expected.map((n) => new Date(n).toISOString()), `${expression} from ${from}`);
    }
  }
});

/** An EventBridge cron expression and the same schedule as a croner pattern (weekdays 1-7 → 0-6, `?` → `*`, `a/s` → `a-max/s`, `nL` → `n#L`). */
const cronPair = (() => {
  const same = (text: string): [string, string] => [text, text];
  const range = (min: number, max: number) => {
    const step = fc.integer({ min: 1, max: Math.min(20, max - min) });
    const value = fc.integer({ min, max });
    return fc.oneof(
      fc.constant(same('*')),
      value.map((v) => same(String(v))),
      fc.tuple(value, value).map(([a, b]) => same(`${Math.min(a, b)}-${Math.max(a, b)}`)),
      fc.tuple(value, step).map(([a, n]): [string, string] => [`${a}/${n}`, `${a}-${max}/${n}`]),
      step.map((n) => same(`*/${n}`)),
      fc.uniqueArray(value, { minLength: 2, maxLength: 4 }).map((v) => same(v.join(','))),
    );
  };
  const dom = fc.oneof(range(1, 31), fc.constant(same('L')), fc.constant(same('LW')), fc.integer({ min: 1, max: 31 }).map((d) => same(`${d}W`)));
  const weekday = fc.integer({ min: 1, max: 7 });
  const dow = fc.oneof(
    fc.constant(same('*')),
    weekday.map((d): [string, string] => [String(d), String(d - 1)]),
    fc.tuple(weekday, weekday).map(([a, b]): [string, string] => [`${Math.min(a, b)}-${Math.max(a, b)}`, `${Math.min(a, b) - 1}-${Math.max(a, b) - 1}`]),
    fc.constant(same('MON-FRI')),
    weekday.map((d): [string, string] => [`${d}L`, `${d - 1}#L`]),
    fc.tuple(weekday, fc.integer({ min: 1, max: 5 })).map(([d, n]): [string, string] => [`${d}#${n}`, `${d - 1}#${n}`]),
  );
  const month = fc.oneof(range(1, 12), fc.constant(same('JAN,JUL')), fc.constant(same('MAR-OCT')));
  return fc.tuple(range(0, 59), range(0, 23), month, fc.boolean(), dom, dow).map(([mi, h, mo, byDom, d, w]) => ({
    eventbridge: `cron(${mi[0]} ${h[0]} ${byDom ? d[0] : '?'} ${mo[0]} ${byDom ? '?' : w[0]} *)`,
    croner: `${mi[1]} ${h[1]} ${byDom ? d[1] : '*'} ${mo[1]} ${byDom ? '*' : w[1]}`,
  }));
})();

test('in zones without DST, nextRun agrees with croner on random expressions (L, W, #, ranges, steps, lists)', () => {
  fc.assert(
    fc.property(cronPair, fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2090-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('UTC', 'Asia/Kolkata', 'Asia/Tokyo'), (pair, from, zone) => {
      // Prepare
      const reference = new Cron(pair.croner, { timezone: zone });

      // Act
      const ours = nextRun({ frequency: pair.eventbridge, timezone: zone, enabled: true }, from);

      // Assess
      const theirs = reference.nextRun(from);
      assert.equal(iso(ours), iso(theirs), `${pair.eventbridge} vs ${pair.croner} from ${from.toISOString()} in ${zone}`);
    }),
    { numRuns: 400 },
  );
});

test('nextRun validates its input', () => {
  // Prepare
  const invalid = { frequency: 'daily', time: '25:00', enabled: true };

  // Act
  const next = () => nextRun(invalid, new Date());

  // Assess
  assert.throws(next, /schedule.time/);
});

test('nextRun takes a schedule validateSchedule returned', () => {
  // Prepare
  const valid = validateSchedule({ frequency: 'daily', time: '02:00', timezone: tz });

  // Act
  const next = nextRun(valid, at('2024-01-15T12:30:00Z'));

  // Assess
  assert.equal(iso(next), '2024-01-16T07:00:00.000Z');
});
