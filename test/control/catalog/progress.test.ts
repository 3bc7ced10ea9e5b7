import { test } from 'vitest';
import assert from 'node:assert/strict';
import { InvalidRecordError, NotFoundError, NotRunningError } from '../../../control/catalog/errors.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import { executionInput, freshCatalog } from './table.js';

const { catalog, serial } = await freshCatalog();

async function running() {
  const record = await catalog.createExecution(executionInput('job_progress'));
  return catalog.transition(record.execution_id, RecordStatus.Running, { phase: 'exporting' });
}

test('progress rises and records the phase', async () => {
  const record = await running();
  const at40 = await catalog.updateProgress(record.execution_id, { progress: 40, phase: 'exporting' });
  assert.equal(at40.progress, 40);
  const at40again = await catalog.updateProgress(record.execution_id, { progress: 40, phase: 'indexing' });
  assert.equal(at40again.phase, 'indexing');
});

test('progress never goes down: a lower report changes nothing', async () => {
  const record = await running();
  await catalog.updateProgress(record.execution_id, { progress: 70, phase: 'packing' });
  const after = await catalog.updateProgress(record.execution_id, { progress: 30, phase: 'exporting' });
  assert.equal(after.progress, 70);
  assert.equal(after.phase, 'packing');
  assert.ok(!('pk' in after));
  assert.equal((await catalog.getExecution(record.execution_id)).progress, 70);
});

test('concurrent reports in any order leave the highest', async () => {
  const record = await running();
  const reports = [12, 85, 3, 64, 99, 47, 20, 71];
  await Promise.all(reports.map((progress) => catalog.updateProgress(record.execution_id, { progress })));
  assert.equal((await catalog.getExecution(record.execution_id)).progress, 99);
});

test('a transition patch never lowers progress', async () => {
  const record = await running();
  await catalog.updateProgress(record.execution_id, { progress: 60 });
  const failed = await catalog.transition(record.execution_id, RecordStatus.Failed, { progress: 10 });
  assert.equal(failed.progress, 60);
});

test('a transition that loses to a progress report retries and keeps the higher progress', async () => {
  const record = await running();
  await catalog.updateProgress(record.execution_id, { progress: 50 });
  serial.hold();
  const report = catalog.updateProgress(record.execution_id, { progress: 80 });
  await serial.parked(1);
  // Reads progress 50, then its write (raising to 55) waits behind the report of 80.
  const failing = catalog.transition(record.execution_id, RecordStatus.Failed, { progress: 55 });
  await serial.parked(2);
  serial.release();
  await report;
  const failed = await failing;
  assert.equal(failed.status, RecordStatus.Failed);
  assert.equal(failed.progress, 80);
});

test('progress is refused unless running', async () => {
  const queued = await catalog.createExecution(executionInput('job_progress'));
  await assert.rejects(catalog.updateProgress(queued.execution_id, { progress: 10 }), (e: unknown) => e instanceof NotRunningError && e.status === 'queued');
  const record = await running();
  await catalog.transition(record.execution_id, RecordStatus.Cancelled);
  await assert.rejects(catalog.updateProgress(record.execution_id, { progress: 90 }), (e: unknown) => e instanceof NotRunningError && e.status === 'cancelled');
  await assert.rejects(catalog.updateProgress('exec_absent', { progress: 1 }), NotFoundError);
});

test('progress outside 0–100 is InvalidRecordError', async () => {
  const record = await running();
  for (const progress of [-1, 101, Number.NaN]) {
    await assert.rejects(catalog.updateProgress(record.execution_id, { progress }), InvalidRecordError);
  }
});
