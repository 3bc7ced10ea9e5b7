/** `GET /backup/jobs/{job_id}/retention`: a job's retention plan (a dry run). */
import { z } from 'zod';
import { KeepRule } from '../../retention/policy.js';
import { Timestamp } from './common.js';

const RULES = Object.values(KeepRule) as [KeepRule, ...KeepRule[]];
const count = z.number().int().nonnegative();

/** The policy with the seed's names folded in and defaults applied. */
export const NormalizedPolicySchema = z
  .object({ keep_last: count, hourly: count, daily: count, weekly: count, monthly: count, yearly: count, keep_within: z.string().nullable(), min_count: count })
  .meta({ id: 'RetentionPolicy' });

/** The plan: every backup of the job in exactly one of keep, forget, ignored (newest first). */
export const RetentionPlanSchema = z
  .object({
    job_id: z.string(),
    job_name: z.string(),
    policy: NormalizedPolicySchema,
    time_zone: z.string().meta({ description: "The job schedule's IANA zone that calendar buckets use" }),
    evaluated_at: Timestamp,
    keep: z.array(
      z.object({
        backup_id: z.string(),
        created_at: Timestamp,
        reasons: z.array(z.object({ rule: z.enum(RULES), period: z.string().optional() })),
        keep_until: Timestamp.nullable(),
      }),
    ),
    forget: z.array(z.object({ backup_id: z.string(), created_at: Timestamp, reason: z.string() })),
    ignored: z.array(z.object({ backup_id: z.string(), status: z.string(), reason: z.string() })),
  })
  .meta({ id: 'RetentionPlan', description: 'A dry run: what the policy would keep and forget now. Nothing is changed.' });
