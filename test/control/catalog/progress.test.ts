import { test } from 'vitest';
import assert from 'node:assert/strict';
import { InvalidRecordError, NotFoundError, NotRunningError } from '../../../control/catalog/errors.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import { executionInput, freshCatalog } from './table.js';

/** A catalog on a fresh table, and a running execution in it. */
async function running() {
  const { catalog, serial } = await freshCatalog();
  const created = await catalog.createExecution(executionInput('job_progress'));
  const record = await catalog.transition(created.execution_id, RecordStatus.Running, { phase: 'exporting' });
  return { catalog, serial, record };
}

test('a progress report raises progress', async () => {
  // Prepare
  const { catalog, record } = await running();

  // Act
  const at40 = await catalog.updateProgress(record.execution_id, { progress: 40, phase: 'exporting' });

  // Assess
  assert.equal(at40.progress, 40);
});

test('a progress report at the same progress still records its phase', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.updateProgress(record.execution_id, { progress: 40, phase: 'exporting' });

  // Act
  const at40again = await catalog.updateProgress(record.execution_id, { progress: 40, phase: 'indexing' });

  // Assess
  assert.equal(at40again.phase, 'indexing');
});

test('progress never goes down: a lower report changes nothing', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.updateProgress(record.execution_id, { progress: 70, phase: 'packing' });

  // Act
  const after = await catalog.updateProgress(record.execution_id, { progress: 30, phase: 'exporting' });

  // Assess
  assert.equal(after.progress, 70);
  assert.equal(after.phase, 'packing');
  assert.ok(!('pk' in after));
  assert.equal((await catalog.getExecution(record.execution_id)).progress, 70);
});

test('concurrent reports in any order leave the highest', async () => {
  // Prepare
  const { catalog, record } = await running();
  const reports = [12, 85, 3, 64, 99, 47, 20, 71];

  // Act
  await Promise.all(reports.map((progress) => catalog.updateProgress(record.execution_id, { progress })));

  // Assess
  assert.equal((await catalog.getExecution(record.execution_id)).progress, 99);
});

test('a transition patch never lowers progress', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.updateProgress(record.execution_id, { progress: 60 });

  // Act
  const failed = await catalog.transition(record.execution_id, RecordStatus.Failed, { progress: 10 });

  // Assess
  assert.equal(failed.progress, 60);
});

test('a transition that loses to a progress report retries and keeps the higher progress', async () => {
  // Prepare
  const { catalog, serial, record } = await running();
  await catalog.updateProgress(record.execution_id, { progress: 50 });

  // Act
  serial.hold();
  const report = catalog.updateProgress(record.execution_id, { progress: 80 });
  await serial.parked(1);
  // Reads progress 50, then its write (raising to 55) waits behind the report of 80.
  const failing = catalog.transition(record.execution_id, RecordStatus.Failed, { progress: 55 });
  await serial.parked(2);
  serial.release();
  await report;
  const failed = await failing;

  // Assess
  assert.equal(failed.status, RecordStatus.Failed);
  assert.equal(failed.progress, 80);
});

test('progress is refused unless running', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.transition(record.execution_id, RecordStatus.Cancelled);
  const queued = await catalog.createExecution(executionInput('job_progress'));

  // Act
  const onQueued = () => catalog.updateProgress(queued.execution_id, { progress: 10 });
  const onCancelled = () => catalog.updateProgress(record.execution_id, { progress: 90 });

  // Assess
  await assert.rejects(onQueued, (e: unknown) => e instanceof NotRunningError && e.status === 'queued');
  await assert.rejects(onCancelled, (e: unknown) => e instanceof NotRunningError && e.status === 'cancelled');
});

test('progress of a missing execution is NotFoundError', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const report = () => catalog.updateProgress('exec_absent', { progress: 1 });

  // Assess
  await assert.rejects(report, NotFoundError);
});

test('progress outside 0–100 is InvalidRecordError', async () => {
  // Prepare
  const { catalog, record } = await running();
  for (const progress of [-1, 101, Number.NaN]) {
    // Act
    const report = () => catalog.updateProgress(record.execution_id, { progress });

    // Assess
    await assert.rejects(report, InvalidRecordError, String(progress));
  }
});
