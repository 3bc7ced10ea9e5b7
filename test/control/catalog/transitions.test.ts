import { test } from 'vitest';
import assert from 'node:assert/strict';
import { InvalidRecordError, InvalidTransitionError, NotFoundError } from '../../../control/catalog/errors.js';
import { canTransition, RecordStatus } from '../../../control/catalog/status.js';
import type { ExecutionPatch, ExecutionRecord } from '../../../control/catalog/types.js';
import type { Catalog } from '../../../control/catalog/catalog.js';
import { executionInput, freshCatalog } from './table.js';

const STATUSES = Object.values(RecordStatus);

/** The shortest path from queued to each status. */
const PATH_TO: Record<RecordStatus, RecordStatus[]> = {
  queued: [],
  running: ['running'],
  completed: ['running', 'completed'],
  failed: ['failed'],
  cancelled: ['cancelled'],
};

async function executionIn(catalog: Catalog, status: RecordStatus): Promise<ExecutionRecord> {
  let record = await catalog.createExecution(executionInput('job_transitions'));
  for (const step of PATH_TO[status]) record = await catalog.transition(record.execution_id, step);
  return record;
}

test('the life cycle: forward moves only, terminal statuses final', () => {
  // Act
  const allowed = STATUSES.flatMap((from) => STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));

  // Assess
  assert.deepEqual(allowed.sort(), ['queued->cancelled', 'queued->failed', 'queued->running', 'running->cancelled', 'running->completed', 'running->failed']);
});

for (const from of STATUSES) {
  for (const to of STATUSES) {
    if (canTransition(from, to)) {
      test(`${from} -> ${to} is allowed`, async () => {
        // Prepare
        const { catalog } = await freshCatalog();
        const record = await executionIn(catalog, from);

        // Act
        const moved = await catalog.transition(record.execution_id, to);

        // Assess
        assert.equal(moved.status, to);
        assert.deepEqual(await catalog.getExecution(record.execution_id), moved);
      });
    } else {
      test(`${from} -> ${to} is refused with the current status`, async () => {
        // Prepare
        const { catalog } = await freshCatalog();
        const record = await executionIn(catalog, from);

        // Act
        const move = () => catalog.transition(record.execution_id, to);

        // Assess
        await assert.rejects(move, (error: unknown) => error instanceof InvalidTransitionError && error.from === from && error.to === to);
        assert.equal((await catalog.getExecution(record.execution_id)).status, from);
      });
    }
  }
}

/** A catalog holding an execution that has run for 120 seconds, and the result it would complete with. */
async function runFor120Seconds() {
  const { catalog, clock } = await freshCatalog();
  const record = await executionIn(catalog, RecordStatus.Running);
  clock.advance(120);
  const result = {
    backup_id: record.backup_id,
    snapshot_id: 'a'.repeat(64),
    snapshot_sha256: 'a'.repeat(64),
    file_path: 's3://haven-vault/vault/snapshots/' + 'a'.repeat(64),
    file_size: 1_048_576,
    bytes_read: 4_194_304,
    bytes_new: 2_097_152,
    compression_ratio: 0.5,
    dedup_ratio: 0.5,
    encryption: 'AES-256-GCM' as const,
    checksum: 'sha256:' + 'a'.repeat(64),
    records: 1000,
    partitions: 3,
    created_at: clock.now().toISOString(),
  };
  return { catalog, clock, record, result };
}

test('a terminal move sets completed_at and duration', async () => {
  // Prepare
  const { catalog, clock, record, result } = await runFor120Seconds();

  // Act
  const done = await catalog.transition(record.execution_id, RecordStatus.Completed, { result, phase: 'done' });

  // Assess
  assert.equal(done.completed_at, clock.now().toISOString());
  assert.equal(done.duration, 120);
});

test('completed sets progress to 100 and writes the patch', async () => {
  // Prepare
  const { catalog, record, result } = await runFor120Seconds();

  // Act
  const done = await catalog.transition(record.execution_id, RecordStatus.Completed, { result, phase: 'done' });

  // Assess
  assert.equal(done.progress, 100);
  assert.equal(done.phase, 'done');
  assert.deepEqual(done.result, result);
  assert.equal(done.error, null);
});

test('a failed move records the error', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const record = await executionIn(catalog, RecordStatus.Running);

  // Act
  const failed = await catalog.transition(record.execution_id, RecordStatus.Failed, { error: { code: 'StorageUnavailable', message: 'bucket unreachable' } });

  // Assess
  assert.deepEqual(failed.error, { code: 'StorageUnavailable', message: 'bucket unreachable' });
  assert.equal(failed.duration, 0);
});

test('of two concurrent transitions from running exactly one wins, by the condition on status', async () => {
  // Prepare
  const { catalog, serial } = await freshCatalog();
  for (let round = 0; round < 5; round++) {
    const record = await executionIn(catalog, RecordStatus.Running);

    // Act
    // Both read `running` before either writes, so the loser is refused by DynamoDB, not by its own read.
    serial.hold();
    const racing = Promise.allSettled([
      catalog.transition(record.execution_id, RecordStatus.Completed),
      catalog.transition(record.execution_id, RecordStatus.Failed),
    ]);
    await serial.parked(2);
    serial.release();
    const results = await racing;

    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(lost[0]?.reason instanceof InvalidTransitionError);
    const winner = won[0]?.value.status;
    assert.equal((await catalog.getExecution(record.execution_id)).status, winner);
    assert.equal(lost[0].reason.from, winner, 'the loser names the status it lost to');
  }
});

test('a transition of a missing execution is NotFoundError and creates nothing', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const move = () => catalog.transition('exec_missing', RecordStatus.Running);

  // Assess
  await assert.rejects(move, NotFoundError);
  await assert.rejects(catalog.getExecution('exec_missing'), NotFoundError);
});

test('a transition patch may not change ids, status or times', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const record = await executionIn(catalog, RecordStatus.Queued);
  for (const patch of [{ execution_id: 'exec_x' }, { status: 'completed' }, { started_at: '2020-01-01T00:00:00Z' }, { job_id: 'job_other' }]) {
    // Act
    const move = () => catalog.transition(record.execution_id, RecordStatus.Running, patch as ExecutionPatch);

    // Assess
    await assert.rejects(move, InvalidRecordError, JSON.stringify(patch));
    assert.equal((await catalog.getExecution(record.execution_id)).status, RecordStatus.Queued);
  }
});
