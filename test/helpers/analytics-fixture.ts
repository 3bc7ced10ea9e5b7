/**
 * A small catalog whose analytics were computed by hand (see the comments
 * on {@link EXPECTED_WINDOW}): two jobs, six executions, three restores,
 * two verifications. Built as plain records (for the pure function) or
 * written through the Catalog (for loadAnalytics against the emulator).
 */
import type { Catalog } from '../../control/catalog/catalog.js';
import type { ExecutionRecord, JobRecord, RestoreRecord, VerificationRecord } from '../../control/catalog/types.js';
import type { Analytics } from '../../control/analytics/schema.js';
import { jobInput } from '../control/catalog/table.js';

export const GiB = 2 ** 30;

interface ExecutionSpec {
  id: string;
  job: 'job_orders' | 'job_assets';
  started_at: string;
  status: 'completed' | 'failed' | 'running';
  type: 'full' | 'incremental';
  duration: number;
  /** bytes read, new, stored */
  bytes?: [number, number, number];
}

export const JOBS = [
  { job_id: 'job_orders', job_name: 'Orders', status: 'active', destination: { type: 'vault' } },
  { job_id: 'job_assets', job_name: 'Assets', status: 'paused', destination: { type: 'vault', storage_class: 'STANDARD_IA' } },
] as const;

export const EXECUTIONS: readonly ExecutionSpec[] = [
  { id: 'E6', job: 'job_orders', started_at: '2024-01-05T00:00:00.000Z', status: 'completed', type: 'full', duration: 30, bytes: [5 * GiB, 5 * GiB, 2 * GiB] },
  { id: 'E1', job: 'job_orders', started_at: '2024-01-10T02:00:00.000Z', status: 'completed', type: 'full', duration: 100, bytes: [10 * GiB, 6 * GiB, 3 * GiB] },
  { id: 'E2', job: 'job_orders', started_at: '2024-01-11T02:00:00.000Z', status: 'completed', type: 'incremental', duration: 50, bytes: [10 * GiB, 1 * GiB, 0.5 * GiB] },
  { id: 'E3', job: 'job_orders', started_at: '2024-01-11T05:00:00.000Z', status: 'failed', type: 'incremental', duration: 10 },
  { id: 'E4', job: 'job_assets', started_at: '2024-01-12T03:00:00.000Z', status: 'completed', type: 'full', duration: 201, bytes: [4 * GiB, 4 * GiB, 4 * GiB] },
  { id: 'E5', job: 'job_assets', started_at: '2024-01-20T00:00:00.000Z', status: 'running', type: 'incremental', duration: 0 },
];

export const RESTORES = [
  { id: 'restore_R1', backup: 'backup_E1', created_at: '2024-01-11T10:00:00.000Z', status: 'completed' },
  { id: 'restore_R2', backup: 'backup_E4', created_at: '2024-01-12T10:00:00.000Z', status: 'failed' },
  { id: 'restore_R3', backup: 'backup_E2', created_at: '2024-01-14T10:00:00.000Z', status: 'completed' },
] as const;

export const VERIFICATIONS = [
  { id: 'verify_V1', backup: 'backup_E1', started_at: '2024-01-10T03:00:00.000Z', status: 'completed' },
  { id: 'verify_V2', backup: 'backup_E2', started_at: '2024-01-11T03:00:00.000Z', status: 'failed' },
] as const;

/** The report's time. */
export const NOW = new Date('2024-01-25T00:00:00.000Z');

const plus = (t: string, seconds: number) => new Date(Date.parse(t) + seconds * 1000).toISOString();

function result(spec: ExecutionSpec) {
  const [read, fresh, stored] = spec.bytes!;
  return {
    backup_id: `backup_${spec.id}`, snapshot_id: 'a'.repeat(64), snapshot_sha256: 'a'.repeat(64), file_path: 's3://vault/snapshots/x', file_size: stored,
    bytes_read: read, bytes_new: fresh, compression_ratio: 0, dedup_ratio: 0, encryption: 'AES-256-GCM' as const, checksum: `sha256:${'a'.repeat(64)}`, records: 1, partitions: 1, created_at: spec.started_at,
  };
}

/** The fixture as plain records (only the fields analytics reads matter). */
export function fixtureRecords(): { jobs: JobRecord[]; executions: ExecutionRecord[]; restores: RestoreRecord[]; verifications: VerificationRecord[] } {
  const jobs = JOBS.map((j) => ({ ...jobInput({ job_name: j.job_name, destination: { ...j.destination } }), job_id: j.job_id, status: j.status }) as unknown as JobRecord);
  const executions = EXECUTIONS.map((e) => ({
    execution_id: `exec_${e.id}`, backup_id: `backup_${e.id}`, job_id: e.job, job_name: JOBS.find((j) => j.job_id === e.job)!.job_name, backup_type: e.type, status: e.status,
    started_at: e.started_at, duration: e.status === 'running' ? null : e.duration, result: e.bytes ? result(e) : null,
  }) as unknown as ExecutionRecord);
  const restores = RESTORES.map((r) => ({ restore_id: r.id, backup_id: r.backup, created_at: r.created_at, status: r.status }) as unknown as RestoreRecord);
  const verifications = VERIFICATIONS.map((v) => ({ verification_id: v.id, backup_id: v.backup, started_at: v.started_at, status: v.status }) as unknown as VerificationRecord);
  return { jobs, executions, restores, verifications };
}

/**
 * Writes the fixture through the Catalog, moving its clock so each record gets its times and durations.
 *
 * @param catalog - a catalog on a fresh table
 * @param setClock - sets the catalog's clock
 */
export async function seedFixture(catalog: Catalog, setClock: (t: string) => void): Promise<void> {
  for (const j of JOBS) await catalog.createJob({ ...jobInput({ job_name: j.job_name, destination: { ...j.destination } }), job_id: j.job_id, status: j.status });
  for (const e of EXECUTIONS) {
    setClock(e.started_at);
    await catalog.createExecution({ execution_id: `exec_${e.id}`, job_id: e.job, job_name: JOBS.find((j) => j.job_id === e.job)!.job_name, backup_type: e.type, trigger: 'manual', started_at: e.started_at });
    await catalog.transition(`exec_${e.id}`, 'running');
    setClock(plus(e.started_at, e.duration));
    if (e.status === 'completed') await catalog.transition(`exec_${e.id}`, 'completed', { result: result(e) });
    if (e.status === 'failed') await catalog.transition(`exec_${e.id}`, 'failed', { error: { code: 'StorageUnavailable', message: 'x' } });
  }
  for (const r of RESTORES) {
    setClock(r.created_at);
    await catalog.restores.create({ restore_id: r.id, restore_name: r.id, backup_id: r.backup, destination: { type: 'dynamodb', table_name: 'restored' }, created_by: 'test', created_at: r.created_at });
    await catalog.restores.transition(r.id, 'running');
    await catalog.restores.transition(r.id, r.status, r.status === 'failed' ? { error: { code: 'RestoreConflict', message: 'x' } } : {});
  }
  for (const v of VERIFICATIONS) {
    setClock(v.started_at);
    await catalog.verifications.create({ verification_id: v.id, backup_id: v.backup, verification_type: 'manual', checksum_verification: true, integrity_check: true, test_restore: false, started_at: v.started_at });
    await catalog.verifications.transition(v.id, 'running');
    await catalog.verifications.transition(v.id, v.status, v.status === 'failed' ? { error: { code: 'CorruptedBackup', message: 'x' } } : {});
  }
}

/**
 * The analytics of 2024-01-10..2024-01-12 (a bare `date_to`: through 23:59:59.999), computed by hand:
 *
 * - window executions E1, E2, E3 (orders), E4 (assets): 4 backups, 3 successful, 1 failed;
 *   E6 is before the window, E5 after it.
 * - restores R1 (completed), R2 (failed) are in the window; R3 after it. Verifications V1 (completed), V2 (failed).
 * - bytes read 10 + 10 + 4 = 24 GiB; new 6 + 1 + 4 = 11 GiB; stored in the window 3 + 0.5 + 4 = 7.5 GiB.
 *   average size 24 / 3 = 8 GiB; dedup 1 - 11/24 = 0.5417; compression 7.5 / 11 = 0.6818.
 * - storage (completed, started up to date_to, so E6 too): 2 + 3 + 0.5 + 4 = 9.5 GiB.
 *   Orders (STANDARD): 5.5 GiB x $0.023 = $0.1265 -> $0.13. Assets (STANDARD_IA): 4 GiB x $0.0125 = $0.05. Total $0.18.
 * - orders: 3 backups, 2 successful, rate 2/3 = 0.6667, mean size (10 + 10) / 2 = 10 GiB, mean duration (100 + 50) / 2 = 75 s.
 * - assets: 1 backup, rate 1, 4 GiB, 201 s.
 * - full: E1, E4: rate 1, (10 + 4) / 2 = 7 GiB, (100 + 201) / 2 = 150.5 s; incremental: E2, E3: rate 0.5, 10 GiB, 50 s.
 */
export const EXPECTED_WINDOW: Analytics = {
  overview: {
    total_jobs: 2, active_jobs: 1,
    total_backups: 4, successful_backups: 3, failed_backups: 1, running_backups: 0,
    total_restores: 2, successful_restores: 1, failed_restores: 1,
    total_verifications: 2, failed_verifications: 1,
    total_storage_used: 9.5 * GiB, average_backup_size: 8 * GiB,
    total_bytes_read: 24 * GiB, total_bytes_new: 11 * GiB,
    dedup_ratio: 0.5417, compression_ratio: 0.6818, estimated_monthly_cost: 0.18,
  },
  job_breakdown: [
    { job_id: 'job_orders', job_name: 'Orders', backups: 3, successful_backups: 2, failed_backups: 1, success_rate: 0.6667, average_size: 10 * GiB, average_duration: 75, storage_used: 5.5 * GiB, last_backup_at: '2024-01-11T05:00:00.000Z' },
    { job_id: 'job_assets', job_name: 'Assets', backups: 1, successful_backups: 1, failed_backups: 0, success_rate: 1, average_size: 4 * GiB, average_duration: 201, storage_used: 4 * GiB, last_backup_at: '2024-01-12T03:00:00.000Z' },
  ],
  backup_types: [
    { type: 'full', count: 2, successful_backups: 2, failed_backups: 0, success_rate: 1, average_size: 7 * GiB, average_duration: 150.5 },
    { type: 'incremental', count: 2, successful_backups: 1, failed_backups: 1, success_rate: 0.5, average_size: 10 * GiB, average_duration: 50 },
  ],
  storage_breakdown: [
    { destination: 'vault', storage_class: 'STANDARD', total_size: 5.5 * GiB, backup_count: 3, average_size: 1968526677, price_per_gb_month: 0.023, cost_per_month: 0.13 },
    { destination: 'vault', storage_class: 'STANDARD_IA', total_size: 4 * GiB, backup_count: 1, average_size: 4 * GiB, price_per_gb_month: 0.0125, cost_per_month: 0.05 },
  ],
  time_series: [
    { date: '2024-01-10', backups_created: 1, successful_backups: 1, failed_backups: 0, storage_used: 3 * GiB, bytes_read: 10 * GiB },
    { date: '2024-01-11', backups_created: 2, successful_backups: 1, failed_backups: 1, storage_used: 0.5 * GiB, bytes_read: 10 * GiB },
    { date: '2024-01-12', backups_created: 1, successful_backups: 1, failed_backups: 0, storage_used: 4 * GiB, bytes_read: 4 * GiB },
  ],
  filters: { date_from: '2024-01-10T00:00:00.000Z', date_to: '2024-01-12T23:59:59.999Z', job_id: null },
  pricing: { region: 'us-east-1', currency: 'USD', prices_as_of: '2026-11-23' },
  generated_at: NOW.toISOString(),
};

/** The window's filters. */
export const WINDOW = { date_from: '2024-01-10', date_to: '2024-01-12' } as const;
