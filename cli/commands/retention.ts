/** `haven jobs retention <job-id>`: the job's retention dry run as a table. */
import { cell, col, field, renderTable, type ApiRecord } from '../table.js';

function items(plan: ApiRecord, name: string): ApiRecord[] {
  const value = plan[name];
  return Array.isArray(value) ? (value as ApiRecord[]) : [];
}

function keepReason(row: ApiRecord): string {
  const reasons = Array.isArray(row.reasons) ? (row.reasons as Array<{ rule?: unknown; period?: unknown }>) : [];
  return reasons.map((r) => (r.period ? `${String(r.rule)} ${String(r.period)}` : String(r.rule))).join(', ');
}

/**
 * Renders a retention plan: the policy, then one row per backup (keep,
 * forget or ignore, newest first) with why.
 *
 * @param plan - the `GET /backup/jobs/{job_id}/retention` body
 */
export function renderRetention(plan: ApiRecord): string {
  const policy = (field(plan, 'policy') ?? {}) as Record<string, unknown>;
  const rules = Object.entries(policy).filter(([, v]) => v !== null && v !== 0).map(([k, v]) => `${k}=${String(v)}`);
  const head = `dry run for job ${cell.text(plan.job_id)} (${cell.text(plan.job_name)}), ${cell.text(plan.time_zone)}: ${rules.join(' ') || 'no rules (keeps everything)'}`;
  const rows: ApiRecord[] = [
    ...items(plan, 'keep').map((r) => ({ ...r, action: 'keep', why: keepReason(r) })),
    ...items(plan, 'forget').map((r) => ({ ...r, action: 'forget', why: r.reason })),
    ...items(plan, 'ignored').map((r) => ({ ...r, action: 'ignore', why: r.reason })),
  ];
  if (rows.length === 0) return `${head}\nno backups`;
  const table = renderTable(rows, [col('ACTION', 'action'), col('BACKUP', 'backup_id'), col('CREATED', 'created_at'), col('REASON', 'why')]);
  return `${head}\n${table}\n${items(plan, 'keep').length} kept, ${items(plan, 'forget').length} would be forgotten (nothing was changed)`;
}
