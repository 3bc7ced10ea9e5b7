import { test } from 'vitest';
import assert from 'node:assert/strict';
import { InvalidRecordError, NotFoundError, NotRunningError } from '../../../control/catalog/errors.js';
import { progressPercent, runProgress } from '../../../control/catalog/progress.js';
import { reportDone } from '../../../control/catalog/progress-report.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import { executionInput, freshCatalog } from './table.js';

/** A catalog on a fresh table, and a running execution in it. */
async function running() {
  const { catalog, serial, clock } = await freshCatalog();
  const created = await catalog.createExecution(executionInput('job_progress'));
  const record = await catalog.transition(created.execution_id, RecordStatus.Running, { phase: 'exporting', progress: 5 });
  return { catalog, serial, clock, record };
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

test('totals are recorded once: a second Plan changes neither totals nor counts', async () => {
  // Prepare
  const { catalog, clock, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 10, bytes: 1000 });
  await catalog.executions.countDone(record.execution_id, { unit: 0, items: 1, bytes: 100 });
  clock.advance(60);

  // Act
  const after = await catalog.executions.recordTotals(record.execution_id, { items: 20, bytes: 5000 });

  // Assess
  assert.equal(after.items_total, 10);
  assert.equal(after.bytes_total, 1000);
  assert.equal(after.items_done, 1);
  assert.equal(after.bytes_done, 100);
  assert.equal(after.counting_since, record.updated_at);
});

test('a unit counted again (a retry after success) adds nothing', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 4, bytes: 400 });
  const first = await catalog.executions.countDone(record.execution_id, { unit: 2, items: 2, bytes: 150 });

  // Act
  const again = await catalog.executions.countDone(record.execution_id, { unit: 2, items: 2, bytes: 150 });

  // Assess
  assert.equal(first.counted, true);
  assert.equal(again.counted, false);
  assert.equal(again.record.items_done, 2);
  assert.equal(again.record.bytes_done, 150);
});

test('units counted concurrently, each reported twice, add up exactly once each', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 20, bytes: 2000 });
  const units = Array.from({ length: 10 }, (_, n) => ({ unit: n * 2, items: 2, bytes: 200 }));

  // Act
  await Promise.all([...units, ...units].map((done) => catalog.executions.countDone(record.execution_id, done)));

  // Assess
  const after = await catalog.getExecution(record.execution_id);
  assert.equal(after.items_done, 20);
  assert.equal(after.bytes_done, 2000);
});

test('counts are refused once the run ended, and its marks are gone', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 3 });
  await catalog.executions.countDone(record.execution_id, { unit: 0, items: 1, bytes: 0 });
  const cancelled = await catalog.transition(record.execution_id, RecordStatus.Cancelled);

  // Act
  const late = () => catalog.executions.countDone(record.execution_id, { unit: 1, items: 1, bytes: 0 });

  // Assess
  await assert.rejects(late, (e: unknown) => e instanceof NotRunningError && e.status === 'cancelled');
  assert.equal(cancelled.progress_marks, undefined);
  assert.equal((await catalog.getExecution(record.execution_id)).items_done, 1);
});

test('a report on an ended run is advisory: reportDone does not throw', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.transition(record.execution_id, RecordStatus.Failed);

  // Act
  const report = reportDone(catalog.executions, record.execution_id, { unit: 0, items: 1, bytes: 1 });

  // Assess
  await assert.doesNotReject(report);
});

test('progress follows the bytes fraction across the counted span', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 4, bytes: 1000 });

  // Act
  const { record: after } = await catalog.executions.countDone(record.execution_id, { unit: 0, items: 1, bytes: 500 });

  // Assess
  assert.equal(progressPercent(after), 50, '5 + 90 × 500/1000');
});

test('without known bytes, progress follows the items fraction', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 10 });

  // Act
  const { record: after } = await catalog.executions.countDone(record.execution_id, { unit: 0, items: 3, bytes: 77 });

  // Assess
  assert.equal(progressPercent(after), 32, '5 + 90 × 3/10');
  assert.equal(runProgress(after, new Date()).bytes_total, null);
});

test('the derived progress never goes below the stored progress', async () => {
  // Prepare
  const { catalog, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 10 });
  await catalog.updateProgress(record.execution_id, { progress: 60, phase: 'exporting' });

  // Act
  const { record: after } = await catalog.executions.countDone(record.execution_id, { unit: 0, items: 1, bytes: 0 });

  // Assess
  assert.equal(progressPercent(after), 60);
});

test('progress reads never regress as counts arrive, and end at 95 before finalize', async () => {
  // Prepare
  const { catalog, record } = await running();
  // An estimate far too low: the bytes fraction saturates long before the items are done.
  await catalog.executions.recordTotals(record.execution_id, { items: 6, bytes: 100 });
  const seen: number[] = [];

  // Act
  for (const [unit, bytes] of [[0, 10], [1, 80], [2, 500], [3, 0], [4, 7], [5, 1]] as const) {
    const { record: after } = await catalog.executions.countDone(record.execution_id, { unit, items: 1, bytes });
    seen.push(progressPercent(after));
  }

  // Assess
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `never regresses: ${seen.join(', ')}`);
  assert.ok(seen[4]! < 95, `not at the end until every item is done: ${seen.join(', ')}`);
  assert.equal(seen[5], 95);
});

test('rate averages bytes over the run so far; the estimate extrapolates it', async () => {
  // Prepare
  const { catalog, clock, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 4, bytes: 4000 });
  clock.advance(10);
  const { record: after } = await catalog.executions.countDone(record.execution_id, { unit: 0, items: 1, bytes: 1000 });
  const now = clock.now();

  // Act
  const view = runProgress(after, now);

  // Assess
  assert.equal(view.rate_bytes_per_second, 100, '1000 bytes in 10 s');
  assert.equal(view.estimated_completion, new Date(now.getTime() + 30_000).toISOString(), 'three quarters left at 100 B/s');
  assert.equal(view.items_done, 1);
  assert.equal(view.items_total, 4);
  assert.equal(view.bytes_done, 1000);
  assert.equal(view.bytes_total, 4000);
});

test('a run with nothing done yet has no rate and no estimate', async () => {
  // Prepare
  const { catalog, clock, record } = await running();
  const planned = await catalog.executions.recordTotals(record.execution_id, { items: 4, bytes: 4000 });
  clock.advance(10);

  // Act
  const view = runProgress(planned, clock.now());

  // Assess
  assert.equal(view.progress, 5);
  assert.equal(view.items_done, 0);
  assert.equal(view.rate_bytes_per_second, null);
  assert.equal(view.estimated_completion, null);
});

test('an ended run keeps its final counts and has no estimate', async () => {
  // Prepare
  const { catalog, clock, record } = await running();
  await catalog.executions.recordTotals(record.execution_id, { items: 2, bytes: 200 });
  await catalog.executions.countDone(record.execution_id, { unit: 0, items: 2, bytes: 200 });
  clock.advance(4);
  const completed = await catalog.transition(record.execution_id, RecordStatus.Completed);

  // Act
  const view = runProgress(completed, new Date(clock.now().getTime() + 3_600_000));

  // Assess
  assert.equal(view.progress, 100);
  assert.equal(view.items_done, 2);
  assert.equal(view.bytes_done, 200);
  assert.equal(view.rate_bytes_per_second, 50, 'over the run, not up to the reading');
  assert.equal(view.estimated_completion, null);
});

test('counts below zero or fractional are InvalidRecordError', async () => {
  // Prepare
  const { catalog, record } = await running();
  for (const done of [{ unit: 0, items: -1, bytes: 0 }, { unit: 0, items: 1, bytes: 1.5 }, { unit: -2, items: 1, bytes: 0 }]) {
    // Act
    const count = () => catalog.executions.countDone(record.execution_id, done);

    // Assess
    await assert.rejects(count, InvalidRecordError, JSON.stringify(done));
  }
});
