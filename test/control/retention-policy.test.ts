/** The retention policy as a pure function, table-driven like restic's `forget` tests. */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { ErrorCode } from '../../vault/errors.js';
import { InvalidRetentionPolicyError } from '../../control/retention/errors.js';
import { evaluateRetention, type RetentionCandidate } from '../../control/retention/policy.js';
import type { RetentionPolicy } from '../../control/catalog/types.js';

const DAY = 86_400_000;

/** One completed backup per step, newest at `last`. */
function series(first: string, last: string, stepMs: number, extra: Partial<RetentionCandidate> = {}): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  for (let t = Date.parse(first); t <= Date.parse(last); t += stepMs) {
    const iso = new Date(t).toISOString();
    out.push({ backup_id: `backup_${iso}`, created_at: iso, status: 'completed', verification_status: 'passed', ...extra });
  }
  return out;
}

const days = (...dates: string[]) => dates.map((d) => `backup_${d}T07:00:00.000Z`);
const kept = (backups: RetentionCandidate[], policy: RetentionPolicy, now: string, timeZone = 'UTC') =>
  evaluateRetention(backups, policy, { timeZone, now: new Date(now) }).keep.map((k) => k.backup_id).sort();

/** 400 daily backups at 07:00 UTC, 2025-01-02 … 2026-02-05 (a Thursday). */
const DAILY_400 = series('2025-01-02T07:00:00.000Z', '2026-02-05T07:00:00.000Z', DAY);
const NOW = '2026-02-05T12:00:00.000Z';

describe('retention: 400 daily backups against each rule', () => {
  test('the fixture holds 400 backups', () => {
    // Act
    const count = DAILY_400.length;

    // Assess
    assert.equal(count, 400);
  });

  const table: Array<[string, RetentionPolicy, string[]]> = [
    ['keep_last 5', { keep_last: 5 }, days('2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05')],
    ['daily 7', { daily: 7 }, days('2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05')],
    // ISO weeks: W06 (Feb 2-8) → Feb 5; W05 → Sun Feb 1; W04 → Jan 25; W03 → Jan 18.
    ['weekly 4', { weekly: 4 }, days('2026-01-18', '2026-01-25', '2026-02-01', '2026-02-05')],
    ['monthly 3', { monthly: 3 }, days('2025-12-31', '2026-01-31', '2026-02-05')],
    // Only two years have backups: 2 kept, the oldest backup goes.
    ['yearly 5', { yearly: 5 }, days('2025-12-31', '2026-02-05')],
    ['seed days 3 = daily 3', { days: 3 }, days('2026-02-03', '2026-02-04', '2026-02-05')],
    ['hourly 3: one per hour that has a backup', { hourly: 3 }, days('2026-02-03', '2026-02-04', '2026-02-05')],
    ['keep_within 10d', { keep_within: '10d' }, days('2026-01-27', '2026-01-28', '2026-01-29', '2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05')],
    ['keep_within 1w = 7d', { keep_within: '1w' }, days('2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05')],
    ['min_count 3 alone', { min_count: 3 }, days('2026-02-03', '2026-02-04', '2026-02-05')],
    ['min_count 4 over keep_last 2', { keep_last: 2, min_count: 4 }, days('2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05')],
    ['daily 2 + weekly 2 + monthly 2', { daily: 2, weekly: 2, monthly: 2 }, days('2026-01-31', '2026-02-01', '2026-02-04', '2026-02-05')],
    ['zero counts only: the newest good backup stays', { daily: 0, keep_last: 0, min_count: 0, keep_within: '' }, DAILY_400.map((b) => b.backup_id)],
  ];
  for (const [name, policy, expected] of table) {
    test(name, () => {
      // Act
      const keptIds = kept(DAILY_400, policy, NOW);

      // Assess
      assert.deepEqual(keptIds, [...expected].sort());
    });
  }

  test('the seed policy (30 days, 12 weeks, 12 months, 7 years) keeps the union of its buckets', () => {
    // Prepare
    const policy = { days: 30, weeks: 12, months: 12, years: 7 };

    // Act
    const plan = evaluateRetention(DAILY_400, policy, { timeZone: 'UTC', now: new Date(NOW) });

    // Assess
    // 30 days (Jan 7 … Feb 5) ∪ 12 ISO weeks (back to 2025-W47, Sunday Nov 23) ∪ 12 months (back to March 2025) ∪ 2 years.
    const ids = new Set(plan.keep.map((k) => k.backup_id));
    assert.equal(ids.size, plan.keep.length);
    for (const id of days('2026-01-07', '2026-02-05', '2025-11-23', '2025-11-30', '2025-03-31', '2025-12-31')) assert.ok(ids.has(id), id);
    for (const id of days('2026-01-06', '2025-11-16', '2025-02-28')) assert.ok(!ids.has(id), id);
    assert.equal(plan.keep.length + plan.forget.length, 400);
    // 30 daily, 7 more weekly (Jan 4 … Nov 23), 9 more monthly (Nov 30 is a week-end too; Jan 31 a day).
    assert.equal(plan.keep.length, 30 + 7 + 9);
    const monthEnd = plan.keep.find((k) => k.backup_id === days('2025-03-31')[0])!;
    assert.deepEqual(monthEnd.reasons, [{ rule: 'monthly', period: '2025-03' }]);
    // Kept by monthly 12 (and yearly 7 would not reach it): until 12 months after it was taken.
    assert.equal(monthEnd.keep_until, '2026-03-31T07:00:00.000Z');
  });

  test('an empty policy keeps everything and says so', () => {
    // Act
    const plan = evaluateRetention(DAILY_400, {}, { timeZone: 'UTC', now: new Date(NOW) });

    // Assess
    assert.equal(plan.keep.length, 400);
    assert.equal(plan.forget.length, 0);
    assert.ok(plan.keep.every((k) => k.reasons.some((r) => r.rule === 'no_policy')));
  });

  const MIXED_POLICY: RetentionPolicy = { keep_last: 1, daily: 2, weekly: 1 };

  test('reasons name each rule and local period', () => {
    // Act
    const plan = evaluateRetention(DAILY_400, MIXED_POLICY, { timeZone: 'UTC', now: new Date(NOW) });

    // Assess
    const newest = plan.keep.find((k) => k.backup_id === days('2026-02-05')[0]);
    assert.deepEqual(newest, {
      backup_id: days('2026-02-05')[0],
      created_at: '2026-02-05T07:00:00.000Z',
      reasons: [{ rule: 'newest_good' }, { rule: 'keep_last' }, { rule: 'daily', period: '2026-02-05' }, { rule: 'weekly', period: '2026-W06' }],
      keep_until: '2026-02-12T07:00:00.000Z',
    });
    assert.equal(plan.forget.find((f) => f.backup_id === days('2026-02-03')[0])?.reason, 'matched no keep rule');
  });

  test('keep and forget lists are newest first', () => {
    // Act
    const plan = evaluateRetention(DAILY_400, MIXED_POLICY, { timeZone: 'UTC', now: new Date(NOW) });

    // Assess
    assert.equal(plan.keep[0]!.backup_id, days('2026-02-05')[0]);
    assert.equal(plan.forget[0]!.backup_id, days('2026-02-03')[0]);
  });
});

describe('retention: time zones and DST (America/Toronto)', () => {
  // Twice a day, 04:30Z and 12:00Z. Before DST (EST, UTC-5) 04:30Z is 23:30 the evening before;
  // after DST starts on 2026-03-08 (EDT, UTC-4) it is 00:30 the same day.
  const twiceDaily = [...series('2026-03-01T04:30:00.000Z', '2026-03-14T04:30:00.000Z', DAY), ...series('2026-03-01T12:00:00.000Z', '2026-03-14T12:00:00.000Z', DAY)];
  const now = '2026-03-14T13:00:00.000Z';

  test('daily buckets are local calendar days: the newest of each local day switches at DST', () => {
    // Prepare
    const expected = [
      ...['08', '09', '10', '11', '12', '13', '14'].map((d) => `backup_2026-03-${d}T12:00:00.000Z`),
      ...['02', '03', '04', '05', '06', '07', '08'].map((d) => `backup_2026-03-${d}T04:30:00.000Z`),
    ].sort();

    // Act
    const keptIds = kept(twiceDaily, { daily: 14 }, now, 'America/Toronto');

    // Assess
    assert.deepEqual(keptIds, expected);
  });

  test('the same backups in UTC keep the 12:00Z one of each day', () => {
    // Prepare
    const expected = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14'].map((d) => `backup_2026-03-${d}T12:00:00.000Z`);

    // Act
    const keptIds = kept(twiceDaily, { daily: 14 }, now, 'UTC');

    // Assess
    assert.deepEqual(keptIds, expected.sort());
  });

  // 2026-11-01: 05:15Z is 01:15 EDT, 06:15Z is 01:15 EST.
  const hourlyOverFallBack = series('2026-10-31T12:15:00.000Z', '2026-11-01T12:15:00.000Z', 3_600_000);
  const afterFallBack = new Date('2026-11-01T12:30:00.000Z');

  test('hourly on the fall-back night: 01:00 happens twice and is one local hour', () => {
    // Act
    const toronto = evaluateRetention(hourlyOverFallBack, { hourly: 24 }, { timeZone: 'America/Toronto', now: afterFallBack });

    // Assess
    assert.equal(hourlyOverFallBack.length, 25);
    assert.deepEqual(toronto.forget.map((f) => f.backup_id), ['backup_2026-11-01T05:15:00.000Z']);
  });

  test('hourly over the same night in UTC: 25 distinct hours, the oldest goes', () => {
    // Act
    const utc = evaluateRetention(hourlyOverFallBack, { hourly: 24 }, { timeZone: 'UTC', now: afterFallBack });

    // Assess
    assert.deepEqual(utc.forget.map((f) => f.backup_id), ['backup_2026-10-31T12:15:00.000Z']);
  });

  /** One backup the day before spring-forward, one 22.5 hours later, the morning after. */
  const acrossSpringForward = [...series('2026-03-07T12:30:00.000Z', '2026-03-07T12:30:00.000Z', DAY), ...series('2026-03-08T11:00:00.000Z', '2026-03-08T11:00:00.000Z', DAY)];
  const afterSpringForward = new Date('2026-03-08T12:00:00.000Z');

  test('keep_within counts local calendar days: 1d across spring-forward is 23 hours', () => {
    // Act
    const toronto = evaluateRetention(acrossSpringForward, { keep_within: '1d' }, { now: afterSpringForward, timeZone: 'America/Toronto' });

    // Assess
    assert.deepEqual(toronto.forget.map((f) => f.backup_id), ['backup_2026-03-07T12:30:00.000Z']);
  });

  test('keep_within in UTC: 1d over the same night is 24 hours', () => {
    // Act
    const utc = evaluateRetention(acrossSpringForward, { keep_within: '1d' }, { now: afterSpringForward, timeZone: 'UTC' });

    // Assess
    assert.deepEqual(utc.forget, []);
  });

  // 2026-03-16T03:30Z is Sunday 2026-03-15 23:30 EDT (ISO week 11), Monday in UTC (week 12).
  const sundayNightAndMonday = [...series('2026-03-16T03:30:00.000Z', '2026-03-16T03:30:00.000Z', DAY), ...series('2026-03-16T12:00:00.000Z', '2026-03-16T12:00:00.000Z', DAY)];
  const monday = new Date('2026-03-16T13:00:00.000Z');

  test('weekly buckets are local ISO weeks: Sunday 23:30 local is still last week', () => {
    // Act
    const plan = evaluateRetention(sundayNightAndMonday, { weekly: 2 }, { now: monday, timeZone: 'America/Toronto' });

    // Assess
    assert.equal(plan.keep.length, 2);
  });

  test('weekly buckets in UTC: the same two backups fall in one ISO week', () => {
    // Act
    const plan = evaluateRetention(sundayNightAndMonday, { weekly: 2 }, { now: monday, timeZone: 'UTC' });

    // Assess
    assert.equal(plan.keep.length, 1);
  });
});

describe('retention: damaged, failed, locked and in-progress backups', () => {
  const base = series('2026-01-01T07:00:00.000Z', '2026-01-10T07:00:00.000Z', DAY);
  const at = { timeZone: 'UTC', now: new Date('2026-01-10T12:00:00.000Z') };

  test('a newest backup that failed verification neither counts nor is the newest good one', () => {
    // Prepare
    const backups = base.map((b, i) => (i === base.length - 1 ? { ...b, verification_status: 'failed' } : b));

    // Act
    const plan = evaluateRetention(backups, { keep_last: 1 }, at);

    // Assess
    assert.deepEqual(plan.keep.map((k) => k.backup_id), ['backup_2026-01-09T07:00:00.000Z']);
    assert.deepEqual(plan.keep[0]!.reasons, [{ rule: 'newest_good' }, { rule: 'keep_last' }]);
    assert.equal(plan.forget[0]!.backup_id, 'backup_2026-01-10T07:00:00.000Z');
    assert.match(plan.forget[0]!.reason, /failed verification/);
  });

  const failed = { backup_id: 'backup_failed', created_at: '2026-01-10T09:00:00.000Z', status: 'failed' };
  const running = { backup_id: 'backup_running', created_at: '2026-01-10T11:00:00.000Z', status: 'running' };

  test('newer failed and running executions are ignored', () => {
    // Act
    const plan = evaluateRetention([...base, failed, running], { keep_within: '1h' }, at);

    // Assess
    assert.deepEqual(plan.ignored.map((i) => i.backup_id), ['backup_running', 'backup_failed']);
  });

  test('behind a newer failed execution, the newest good backup stays even when no rule keeps it', () => {
    // Act
    const plan = evaluateRetention([...base, failed, running], { keep_within: '1h' }, at);

    // Assess
    assert.deepEqual(plan.keep.map((k) => [k.backup_id, k.reasons.map((r) => r.rule)]), [['backup_2026-01-10T07:00:00.000Z', ['newest_good']]]);
    assert.equal(plan.forget.length, 9);
  });

  test('damaged backups do not take a good backup\'s daily slot', () => {
    // Prepare
    const backups = [...base, { ...base[9]!, backup_id: 'backup_damaged', created_at: '2026-01-10T08:00:00.000Z', verification_status: 'failed' }];

    // Act
    const plan = evaluateRetention(backups, { daily: 1 }, at);

    // Assess
    assert.deepEqual(plan.keep.map((k) => k.backup_id), ['backup_2026-01-10T07:00:00.000Z']);
  });

  test('locked backups and a future retention_until are kept; a past retention_until is not', () => {
    // Prepare
    const backups = base.map((b, i) => (i === 0 ? { ...b, locked: true } : i === 1 ? { ...b, retention_until: '2027-01-01T00:00:00.000Z' } : i === 2 ? { ...b, retention_until: '2026-01-05T00:00:00.000Z' } : b));

    // Act
    const plan = evaluateRetention(backups, { keep_last: 1 }, at);

    // Assess
    assert.deepEqual(plan.keep.map((k) => [k.backup_id, k.reasons.map((r) => r.rule)]), [
      ['backup_2026-01-10T07:00:00.000Z', ['newest_good', 'keep_last']],
      ['backup_2026-01-02T07:00:00.000Z', ['retention_until']],
      ['backup_2026-01-01T07:00:00.000Z', ['locked']],
    ]);
    assert.equal(plan.keep[1]!.keep_until, '2027-01-01T00:00:00.000Z');
  });

  test('already deleted backups are ignored', () => {
    // Prepare
    const deleted = { ...base[0]!, deleted_at: '2026-01-05T00:00:00.000Z' };

    // Act
    const plan = evaluateRetention([deleted], { keep_last: 5 }, at);

    // Assess
    assert.deepEqual(plan.ignored, [{ backup_id: base[0]!.backup_id, status: 'completed', reason: 'already deleted' }]);
  });
});

describe('retention: bad policies', () => {
  const bad: Array<[string, RetentionPolicy, string]> = [
    ['negative', { daily: -1 }, 'UTC'],
    ['fractional', { keep_last: 1.5 }, 'UTC'],
    ['not a number', { weeks: '4' as unknown as number }, 'UTC'],
    ['bad duration', { keep_within: '7 days' }, 'UTC'],
    ['unknown unit', { keep_within: '7s' }, 'UTC'],
    ['unknown zone', { daily: 1 }, 'Mars/Olympus'],
  ];
  for (const [name, policy, timeZone] of bad) {
    test(name, () => {
      // Act
      const evaluate = () => evaluateRetention([], policy, { timeZone, now: new Date(NOW) });

      // Assess
      assert.throws(
        evaluate,
        (error: unknown) => error instanceof InvalidRetentionPolicyError && error.code === ErrorCode.InvalidInput,
      );
    });
  }
});
