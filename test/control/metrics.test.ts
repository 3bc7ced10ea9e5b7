/**
 * Outcome metrics as CloudWatch embedded metric format: what the
 * finalize and mark-failed functions write to stdout (captured here).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { backupFailed, backupSucceeded, restoreSucceeded } from '../../control/notifications/details.js';
import type { ExecutionRecord, RestoreRecord } from '../../control/catalog/types.js';
import type { OutcomeEvent } from '../../control/notifications/event-types.js';
import { havenMetrics, recordOutcome } from '../../functions/shared/metrics.js';

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** Runs `fn` with stdout captured; returns the EMF documents written. */
function captureEmf(fn: () => void): Emf[] {
  const write = process.stdout.write.bind(process.stdout);
  const chunks: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('').split('\n').filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);
}

const execution = {
  execution_id: 'exec_01J0000000000000000000000A',
  backup_id: 'backup_01J0000000000000000000000A',
  job_id: 'job_nightly',
  job_name: 'Nightly',
  backup_type: 'incremental',
  started_at: '2024-01-15T02:00:00.000Z',
  completed_at: '2024-01-15T02:02:05.000Z',
  duration: 125,
  result: { snapshot_id: 'ab'.repeat(32), bytes_read: 1_000_000, bytes_new: 40_000, file_size: 12_345, records: 10, partitions: 2, compression_ratio: 3.2, dedup_ratio: 25 },
} as unknown as ExecutionRecord;

function metricsOf(event: OutcomeEvent): Emf {
  const docs = captureEmf(() => recordOutcome(event, havenMetrics()));
  assert.equal(docs.length, 1, 'one EMF document per event');
  return docs[0]!;
}

test('Backup Succeeded: count, duration and bytes read/new/stored in namespace Haven, per deployment and per job', () => {
  // Prepare
  const event = backupSucceeded(execution);

  // Act
  const emf = metricsOf(event);

  // Assess
  const [directive] = emf._aws.CloudWatchMetrics;
  assert.equal(directive?.Namespace, 'Haven');
  assert.deepEqual(directive?.Dimensions, [['service'], ['service', 'job']]);
  assert.deepEqual(
    Object.fromEntries(directive!.Metrics.map((m) => [m.Name, m.Unit])),
    { BackupSucceeded: 'Count', BackupDuration: 'Seconds', BytesRead: 'Bytes', BytesNew: 'Bytes', BytesStored: 'Bytes' },
  );
  assert.equal(emf.job, 'job_nightly');
  assert.equal(emf.service, 'haven');
  assert.equal(emf.BackupSucceeded, 1);
  assert.equal(emf.BackupDuration, 125);
  assert.equal(emf.BytesRead, 1_000_000);
  assert.equal(emf.BytesNew, 40_000);
  assert.equal(emf.BytesStored, 12_345);
});

test('Backup Failed: a failure count (and the duration when known)', () => {
  // Prepare
  const event = backupFailed(execution, { code: 'StorageUnavailable', message: 'x' });

  // Act
  const emf = metricsOf(event);

  // Assess
  assert.equal(emf.BackupFailed, 1);
  assert.equal(emf.BackupDuration, 125);
  assert.equal(emf.BackupSucceeded, undefined);
  assert.equal(emf.job, 'job_nightly');
});

test('Restore Succeeded: count, duration and bytes; per deployment only when no job is known', () => {
  // Prepare
  const restore = { restore_id: 'restore_1', restore_name: 'r', backup_id: execution.backup_id, duration: 30 } as unknown as RestoreRecord;
  const event = restoreSucceeded(restore, { records_restored: 10, records_skipped: 0, data_size: 2048, safety_snapshot_id: null });

  // Act
  const emf = metricsOf(event);

  // Assess
  assert.deepEqual(emf._aws.CloudWatchMetrics[0]?.Dimensions, [['service']]);
  assert.equal(emf.RestoreSucceeded, 1);
  assert.equal(emf.RestoreDuration, 30);
  assert.equal(emf.RestoreBytes, 2048);
});

test('events without metrics write nothing', () => {
  // Prepare
  const event = { detailType: 'Something Else', detail: { job_id: 'j' } };

  // Act
  const docs = captureEmf(() => recordOutcome(event, havenMetrics()));

  // Assess
  assert.deepEqual(docs, []);
});
