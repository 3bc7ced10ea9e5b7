/** The capacity model's printed report: one table per case, its failed checks and its target's verdict. */
import type { CaseResult } from './run-case.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const bytes = (n: number): string => (n >= 1e12 ? `${(n / 1e12).toFixed(2)} TB` : n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${int(n)} B`);
const seconds = (n: number): string => (n >= 3600 ? `${(n / 3600).toFixed(2)} h` : n >= 60 ? `${(n / 60).toFixed(1)} min` : `${n.toFixed(1)} s`);

/** The rows of one case's table. */
export function caseRows(r: CaseResult): Array<[string, string]> {
  return [
    ['backup', `${r.backup}, ${bytes(r.bytes)} read, ${bytes(r.new_bytes)} new`],
    ['partitions / Map items', `${int(r.partitions)} / ${int(r.map_items)}`],
    ['List source (rounds, ranges, children, at once, LISTs, longest child, wall)', r.listing ? `${int(r.listing.rounds)} rounds, ${int(r.listing.ranges)} ranges, ${int(r.listing.children)} children, ${int(r.listing.concurrency)} at once, ${int(r.listing.lists)} LISTs, ${seconds(r.listing.max_child_seconds)}, ${seconds(r.listing.wall_seconds)}` : 'none'],
    ['batches (child executions)', `${int(r.batches)} of ${int(r.items_per_batch)} item(s), ${int(r.max_concurrency)} at once`],
    ['Verify packs (pack batches, children, at once)', r.verify ? `${int(r.verify.pack_batches)} batches of ${int(r.verify.packs / Math.max(1, r.verify.pack_batches))} packs, ${int(r.verify.children)} children of ${int(r.verify.batches_per_child)}, ${int(r.verify.max_concurrency)} at once` : 'none'],
    ['Lambda invocations', int(r.lambda_invocations)],
    ['Lambda GB-seconds', int(r.lambda_gb_seconds)],
    ['state transitions (parent + children)', `${int(r.state_transitions.parent)} + ${int(r.state_transitions.children)}`],
    ['S3 requests PUT / GET / LIST / DELETE', `${int(r.s3_requests.put)} / ${int(r.s3_requests.get)} / ${int(r.s3_requests.list)} / ${int(r.s3_requests.delete)}`],
    ['peak PUT/s on one prefix', `${int(r.peak_put_per_prefix.per_second)} (${r.peak_put_per_prefix.prefix})`],
    ['peak GET/s on one prefix', `${int(r.peak_get_per_prefix.per_second)} (${r.peak_get_per_prefix.prefix})`],
    ['DynamoDB read units (peak/s)', `${int(r.dynamodb_read_units)} (${int(r.dynamodb_peak_read_units_per_second)})`],
    ['largest state payload (plan output / child input)', `${int(r.max_state_bytes)} B (${int(r.plan_output_bytes)} / ${int(r.child_input_bytes)})`],
    ['largest history (parent / child)', `${int(r.max_history_events)} events (${int(r.history_events.parent)} / ${int(r.history_events.child)})`],
    ['snapshot hold (holder generations)', r.snapshot_hold ? `${seconds(r.snapshot_hold.seconds)} (${int(r.snapshot_hold.generations)})` : 'none'],
    ['export memory / snapshot JSON', `${int(r.export_memory_mb)} MB / ${bytes(r.snapshot_bytes)}`],
    ['dedup set loads × seconds (export phase if no container were reused)', r.dedup_set ? `${int(r.dedup_set.loads)} × ${seconds(r.dedup_set.load_seconds)} (${seconds(r.dedup_set.export_seconds_without_reuse)})` : 'none'],
    ['phases plan / export / commit / verify', `${seconds(r.phases.plan)} / ${seconds(r.phases.export)} / ${seconds(r.phases.commit)} / ${seconds(r.phases.verify)}`],
    ['verify: plan / Map / record', r.verify ? `${seconds(r.verify.phases.plan)} / ${seconds(r.verify.phases.map)} / ${seconds(r.verify.phases.record)}` : 'none'],
    ['wall time (with Verify checking existence only)', `${seconds(r.wall_seconds)} (${seconds(r.wall_seconds_existence_verify)})`],
    ['cost (run + 1 month of new storage)', `$${r.cost_usd.toFixed(2)} (SFN ${r.cost.state_transitions.toFixed(2)}, Lambda ${(r.cost.lambda_compute + r.cost.lambda_requests).toFixed(2)}, S3 req ${r.cost.s3_requests.toFixed(2)}, storage ${r.cost.s3_storage_month.toFixed(2)}, DynamoDB ${r.cost.dynamodb_reads.toFixed(2)})`],
    ['limits kept / with 2x margin', `${r.limits_ok ? 'yes' : 'NO'} / ${r.margin_ok ? 'yes' : 'NO'}`],
    ['target', r.target.target_seconds === null ? 'none' : `${seconds(r.target.target_seconds)}: ${r.target.met ? 'met' : 'MISSED'}`],
  ];
}

/** One case as markdown: its table, then every check short of the margin, then what binds its target. */
export function caseMarkdown(r: CaseResult): string {
  const lines = [`### ${r.name}`, '', r.description, '', '| | |', '| --- | --- |', ...caseRows(r).map(([k, v]) => `| ${k} | ${v} |`)];
  const short = r.checks.filter((c) => !c.margin_ok);
  if (short.length > 0) {
    lines.push('', 'Limits short of the 2x margin:', '');
    for (const c of short) lines.push(`- ${c.ok ? 'within, under 2x' : '**EXCEEDED**'}: ${c.limit}: ${int(c.value)} of ${int(c.limit_value)} ${c.unit}. Change: ${c.change}.`);
  }
  if (r.target.binding.length > 0) {
    lines.push('', 'What binds the target:', '');
    for (const b of r.target.binding) lines.push(`- ${b}`);
  }
  return lines.join('\n');
}
