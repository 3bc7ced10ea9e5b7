/**
 * The retention policy as a pure function (restic's `forget` rules): given a
 * job's backups, its policy, its time zone and the time, which backups stay
 * (with every reason) and which go. Nothing here reads or writes anything,
 * so the API's dry run, the prune workflow and the tables in
 * `test/unit/retention-*.test.ts` all call the same code.
 *
 * Rules, newest backup first:
 * - only completed backups not already deleted are candidates; running,
 *   queued, failed and cancelled ones are reported as ignored;
 * - a *good* backup is a candidate that did not fail verification; bucket
 *   rules (`keep_last`, `hourly` … `yearly`) and `min_count` count good
 *   backups only, so a damaged backup never takes a good one's slot;
 * - `hourly: n` keeps the newest good backup of each of the last n local
 *   hours that have one (days, ISO weeks, months and years likewise), in the
 *   job's time zone;
 * - `keep_within` keeps every candidate younger than the duration (on the
 *   local calendar);
 * - a backup with `locked` or a future `retention_until` is always kept;
 * - the newest good backup is always kept;
 * - a policy with no rule keeps everything.
 */
import { addCalendar, assertTimeZone, parseDuration, Period, periodKey, type CalendarDuration } from './calendar.js';
import { InvalidRetentionPolicyError } from './errors.js';
import type { RetentionPolicy } from '../catalog/types.js';

/** What the policy looks at of one backup (an execution record has all of it). */
export interface RetentionCandidate {
  backup_id: string;
  /** When the backup was taken (ISO 8601). */
  created_at: string;
  /** The record's status; only `completed` backups are candidates. */
  status: string;
  /** `failed` marks a damaged backup. */
  verification_status?: string | null;
  locked?: boolean;
  retention_until?: string | null;
  deleted_at?: string | null;
}

/** Why a backup is kept. */
export const KeepRule = {
  KeepLast: 'keep_last',
  Hourly: 'hourly',
  Daily: 'daily',
  Weekly: 'weekly',
  Monthly: 'monthly',
  Yearly: 'yearly',
  KeepWithin: 'keep_within',
  MinCount: 'min_count',
  NewestGood: 'newest_good',
  Locked: 'locked',
  RetentionUntil: 'retention_until',
  NoPolicy: 'no_policy',
} as const;
export type KeepRule = (typeof KeepRule)[keyof typeof KeepRule];

/** One reason a backup is kept; bucket rules name their local period. */
export interface KeepReason {
  rule: KeepRule;
  /** The local period (`2024-03-10`, `2024-W10`…) for bucket rules. */
  period?: string;
}

/** A kept backup. */
export interface KeptBackup {
  backup_id: string;
  created_at: string;
  reasons: KeepReason[];
  /**
   * Until when the rules that keep it would keep it if backups keep coming
   * (created + n periods, or + keep_within); null when only count rules keep
   * it. Object Lock retention is extended to this date.
   */
  keep_until: string | null;
}

/** A backup the policy lets go. */
export interface ForgottenBackup {
  backup_id: string;
  created_at: string;
  reason: string;
}

/** A backup that is not a candidate (not completed, or already deleted). */
export interface IgnoredBackup {
  backup_id: string;
  status: string;
  reason: string;
}

/** A policy with the seed's names folded in and defaults applied. */
export interface NormalizedPolicy {
  keep_last: number;
  hourly: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
  keep_within: string | null;
  min_count: number;
}

/** The outcome: every backup lands in exactly one of keep, forget, ignored (newest first). */
export interface RetentionPlan {
  policy: NormalizedPolicy;
  time_zone: string;
  evaluated_at: string;
  keep: KeptBackup[];
  forget: ForgottenBackup[];
  ignored: IgnoredBackup[];
}

/** The time zone and the instant to evaluate at. */
export interface EvaluationContext {
  timeZone: string;
  now: Date;
}

const BUCKETS: ReadonlyArray<{ rule: KeepRule; period: Period; horizon: (n: number) => CalendarDuration }> = [
  { rule: KeepRule.Hourly, period: Period.Hourly, horizon: (n) => ({ years: 0, months: 0, days: 0, hours: n }) },
  { rule: KeepRule.Daily, period: Period.Daily, horizon: (n) => ({ years: 0, months: 0, days: n, hours: 0 }) },
  { rule: KeepRule.Weekly, period: Period.Weekly, horizon: (n) => ({ years: 0, months: 0, days: 7 * n, hours: 0 }) },
  { rule: KeepRule.Monthly, period: Period.Monthly, horizon: (n) => ({ years: 0, months: n, days: 0, hours: 0 }) },
  { rule: KeepRule.Yearly, period: Period.Yearly, horizon: (n) => ({ years: n, months: 0, days: 0, hours: 0 }) },
];

function count(policy: RetentionPolicy, ...names: Array<keyof RetentionPolicy>): number {
  let most = 0;
  for (const name of names) {
    const value = policy[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new InvalidRetentionPolicyError(`retention.${name} must be a whole number >= 0, got ${JSON.stringify(value)}`);
    }
    most = Math.max(most, value);
  }
  return most;
}

/**
 * Folds the seed's `days`/`weeks`/`months`/`years` into `daily`/`weekly`/
 * `monthly`/`yearly` (the larger wins when both are given) and validates.
 * @throws InvalidRetentionPolicyError for negative or fractional counts and malformed `keep_within`
 */
export function normalizePolicy(policy: RetentionPolicy | null | undefined): NormalizedPolicy {
  const p = policy ?? {};
  const within = p.keep_within === undefined || p.keep_within === null || p.keep_within === '' ? null : String(p.keep_within);
  if (within !== null) parseDuration(within);
  return {
    keep_last: count(p, 'keep_last'),
    hourly: count(p, 'hourly'),
    daily: count(p, 'daily', 'days'),
    weekly: count(p, 'weekly', 'weeks'),
    monthly: count(p, 'monthly', 'months'),
    yearly: count(p, 'yearly', 'years'),
    keep_within: within,
    min_count: count(p, 'min_count'),
  };
}

/** True when the policy has no rule at all (which keeps everything). */
export function isEmptyPolicy(policy: NormalizedPolicy): boolean {
  return policy.keep_within === null && [policy.keep_last, policy.hourly, policy.daily, policy.weekly, policy.monthly, policy.yearly, policy.min_count].every((n) => n === 0);
}

function newestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  return b.created_at.localeCompare(a.created_at) || b.backup_id.localeCompare(a.backup_id);
}

function ignoreReason(backup: RetentionCandidate): string | undefined {
  if (backup.deleted_at) return 'already deleted';
  if (backup.status !== 'completed') return `not a completed backup (${backup.status})`;
  return undefined;
}

/**
 * Evaluates a retention policy.
 *
 * @param backups - the job's backups, in any order
 * @param policy - the job's policy (seed names accepted)
 * @param context - the job's IANA time zone and the evaluation time
 * @returns keep (with reasons), forget and ignored lists, newest first
 * @throws InvalidRetentionPolicyError for a malformed policy or an unknown zone
 */
export function evaluateRetention(backups: readonly RetentionCandidate[], policy: RetentionPolicy | null | undefined, context: EvaluationContext): RetentionPlan {
  const { timeZone, now } = context;
  assertTimeZone(timeZone);
  const rules = normalizePolicy(policy);
  const plan: RetentionPlan = { policy: rules, time_zone: timeZone, evaluated_at: now.toISOString(), keep: [], forget: [], ignored: [] };
  const sorted = [...backups].sort(newestFirst);
  const withinCutoff = rules.keep_within === null ? null : addCalendar(now, parseDuration(rules.keep_within), timeZone, -1).getTime();
  const empty = isEmptyPolicy(rules);
  const lastPeriod = new Map<KeepRule, string>();
  const used = new Map<KeepRule, number>();
  let goodSeen = 0;

  for (const backup of sorted) {
    const ignored = ignoreReason(backup);
    if (ignored) {
      plan.ignored.push({ backup_id: backup.backup_id, status: backup.status, reason: ignored });
      continue;
    }
    const created = new Date(backup.created_at);
    const reasons: KeepReason[] = [];
    let keepUntil: number | null = null;
    const extend = (until: Date) => {
      keepUntil = Math.max(keepUntil ?? 0, until.getTime());
    };
    const good = backup.verification_status !== 'failed';
    if (backup.locked) reasons.push({ rule: KeepRule.Locked });
    if (backup.retention_until && Date.parse(backup.retention_until) > now.getTime()) {
      reasons.push({ rule: KeepRule.RetentionUntil });
      extend(new Date(backup.retention_until));
    }
    if (empty) reasons.push({ rule: KeepRule.NoPolicy });
    if (good) {
      if (goodSeen === 0) reasons.push({ rule: KeepRule.NewestGood });
      if (goodSeen < rules.keep_last) reasons.push({ rule: KeepRule.KeepLast });
      if (goodSeen < rules.min_count) reasons.push({ rule: KeepRule.MinCount });
      for (const bucket of BUCKETS) {
        const limit = rules[bucket.rule as keyof NormalizedPolicy] as number;
        const taken = used.get(bucket.rule) ?? 0;
        if (taken >= limit) continue;
        const key = periodKey(bucket.period, created, timeZone);
        if (lastPeriod.get(bucket.rule) === key) continue;
        lastPeriod.set(bucket.rule, key);
        used.set(bucket.rule, taken + 1);
        reasons.push({ rule: bucket.rule, period: key });
        extend(addCalendar(created, bucket.horizon(limit), timeZone));
      }
      goodSeen += 1;
    }
    if (withinCutoff !== null && created.getTime() >= withinCutoff) {
      reasons.push({ rule: KeepRule.KeepWithin });
      extend(addCalendar(created, parseDuration(rules.keep_within!), timeZone));
    }
    if (reasons.length > 0) {
      plan.keep.push({ backup_id: backup.backup_id, created_at: backup.created_at, reasons, keep_until: keepUntil === null ? null : new Date(keepUntil).toISOString() });
    } else {
      plan.forget.push({ backup_id: backup.backup_id, created_at: backup.created_at, reason: good ? 'matched no keep rule' : 'failed verification and matched no keep rule' });
    }
  }
  return plan;
}
