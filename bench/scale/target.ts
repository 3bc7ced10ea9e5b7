/**
 * When a case misses its wall-time target, which resource binds and what
 * would change it: the concurrency the export phase would need, against
 * the concurrency each resource allows with the required 2x margin.
 */
import type { ScaleCase } from './cases.js';
import type { LimitCheck } from './checks.js';
import { AWS_LIMITS, REQUIRED_MARGIN } from './limits.js';
import type { CaseFigures } from './model.js';

/** The verdict on a case's target. */
export interface TargetVerdict {
  target_seconds: number | null;
  met: boolean | null;
  /** The concurrency the export phase needs to meet the target (null without a target or when other phases alone miss it). */
  needed_concurrency: number | null;
  /** What binds, most constraining first, each with what would change it. */
  binding: string[];
}

/** The concurrency each resource allows with the margin, given one child's rates. */
function ceilings(scale: ScaleCase, f: CaseFigures, planCap: number | null): Array<{ name: string; concurrency: number; change: string }> {
  const per = f.per_child;
  const allow = (limit: number, perChild: number): number => (perChild > 0 ? Math.floor(limit / REQUIRED_MARGIN / perChild) : Infinity);
  const list = [
    { name: 'batches (partitions / items per batch)', concurrency: f.batches, change: 'more partitions (maxPartitions, smaller segments or ranges) or fewer items per batch' },
    { name: AWS_LIMITS.lambdaConcurrency.name, concurrency: allow(AWS_LIMITS.lambdaConcurrency.value, 1), change: 'raise the account concurrency quota' },
    { name: AWS_LIMITS.distributedMapConcurrency.name, concurrency: allow(AWS_LIMITS.distributedMapConcurrency.value, 1), change: 'none (hard limit): split the run' },
    { name: `${AWS_LIMITS.s3PutPerPrefix.name} (data/)`, concurrency: allow(AWS_LIMITS.s3PutPerPrefix.value, per.put_per_second), change: 'larger packs, or let S3 split data/ (sustained load)' },
    { name: `${AWS_LIMITS.s3GetPerPrefix.name} (source)`, concurrency: allow(AWS_LIMITS.s3GetPerPrefix.value, per.source_get_per_second), change: 'spread the source over more prefixes' },
  ];
  if (scale.source.kind === 'dynamodb') {
    list.push({ name: 'DynamoDB table read capacity', concurrency: allow(scale.source.read_capacity_units, per.read_units_per_second), change: `raise the table's maximum read throughput to ${Math.ceil((REQUIRED_MARGIN * f.dynamodb_read_units) / Math.max(1, scale.target_seconds ?? 1)).toLocaleString('en-US')} read units/s or more` });
  }
  if (planCap !== null) list.push({ name: "the Plan's concurrency cap", concurrency: planCap, change: 'raise the cap in the batching rule' });
  return list.sort((a, b) => a.concurrency - b.concurrency);
}

/** Judges a case's target. @param planCap - the batching rule's concurrency cap, when it has one */
export function judgeTarget(scale: ScaleCase, f: CaseFigures, checks: readonly LimitCheck[], planCap: number | null): TargetVerdict {
  const timeouts = checks.filter((c) => !c.margin_ok && c.limit.startsWith('Lambda timeout')).map((c) => `${c.limit}: ${Math.round(c.value)} s; change: ${c.change}`);
  if (scale.target_seconds === undefined) return { target_seconds: null, met: null, needed_concurrency: null, binding: timeouts };
  const target = scale.target_seconds;
  const met = f.wall_seconds <= target && timeouts.length === 0;
  if (met) return { target_seconds: target, met, needed_concurrency: null, binding: [] };
  const binding = [...timeouts];
  const checksum = f.wall_seconds - f.wall_seconds_existence_verify;
  const others = f.phases.plan + f.phases.commit + f.phases.verify + f.phases.finalize;
  if (others >= target) binding.push(`phases other than the export take ${Math.round(others)} s alone (plan ${Math.round(f.phases.plan)}, commit ${Math.round(f.phases.commit)}, verify ${Math.round(f.phases.verify)}, of which ${Math.round(checksum)} s read every new pack back)`);
  // The export phase, judged as if Verify only checked existence (its checksum pass is named above when it binds).
  const budget = target - (others - checksum);
  if (budget <= 0) return { target_seconds: target, met, needed_concurrency: null, binding };
  const work = f.phases.export * f.max_concurrency;
  const needed = Math.ceil(work / budget);
  if (needed <= f.max_concurrency) return { target_seconds: target, met, needed_concurrency: needed, binding };
  const limits = ceilings(scale, f, planCap).filter((c) => c.concurrency < needed);
  for (const c of limits) binding.push(`export: ${c.name} allows ${c.concurrency === Infinity ? 'any number of' : c.concurrency} children with a 2x margin, ${needed} are needed; change: ${c.change}`);
  if (limits.length === 0) binding.push(`export: the run asks for ${f.max_concurrency} children, ${needed} are needed; change: ask for max_concurrency ${needed}`);
  return { target_seconds: target, met, needed_concurrency: needed, binding };
}
