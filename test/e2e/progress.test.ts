/**
 * Progress that moves (issue 15): a backup of eight partitions, one per
 * Export partitions child (`max_concurrency` 8 spreads them one a batch),
 * child n held back (n + 1) × 400 ms so they end one after another, observed
 * through the API's job status route while it runs. Plan records the
 * totals, each child adds its batch's counts once, and the status answer
 * derives percent, rate and estimated completion from them.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { RunProgress } from '../../control/catalog/progress.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { uniqueName } from '../helpers/names.js';
import { eventually, jobBody, startApiFixture, type ApiFixture } from '../control/api/support.js';

const PARTITIONS = 8;
const HOLD_MS = 400;
const TERMINAL = ['completed', 'failed', 'cancelled'];

/** One status answer, as polled. */
type Reading = RunProgress & { status: string };

describe('progress: a backup observed while it runs', () => {
  let api: ApiFixture;
  const table = uniqueName('progress');
  const restored = `${table}-restored`;
  /** The job whose exports are held back (set once it exists). */
  let heldJob = '';
  /** The run's status answers in polling order, and the last one; read-only once beforeAll is done. */
  const observed = { readings: [] as Reading[], final: {} as Reading & { execution_id: string; result: { backup_id?: string } | null } };

  beforeAll(async () => {
    api = await startApiFixture({
      sourceTables: [table],
      restoreTables: [restored],
      // Each export child of the held job sleeps in its function before it runs, longer the later its partition, so children end apart.
      faults: ({ fn, event }) => {
        if (!heldJob || !/ExportPartition/.test(fn.path) || !JSON.stringify(event).includes(heldJob)) return undefined;
        const first = (event as { Items?: number[]; index?: number }).Items?.[0] ?? (event as { index?: number }).index ?? 0;
        return { delayMs: HOLD_MS * (first + 1) };
      },
    });
    await seedTable(table, 400);
    const job = await api.call('POST', '/backup/jobs', jobBody(table));
    assert.equal(job.status, 201, job.text);
    heldJob = job.body.job_id;
    const run = await api.call('POST', `/backup/jobs/${heldJob}/execute`, { custom_parameters: { segments: PARTITIONS, max_concurrency: PARTITIONS } });
    assert.equal(run.status, 202, run.text);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await api.call('GET', `/backup/jobs/${heldJob}/status`);
      assert.equal(res.status, 200, res.text);
      observed.readings.push(res.body);
      if (TERMINAL.includes(res.body.status)) {
        observed.final = res.body;
        break;
      }
      assert.ok(Date.now() < deadline, 'the backup ends within two minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 180_000);
  afterAll(() => api.close());

  test('the backup completes at 100%', () => {
    // Act
    const { final } = observed;

    // Assess
    assert.equal(final.status, 'completed');
    assert.equal(final.progress, 100);
  });

  test('progress takes several values between 5 and 100 while the partitions are exported', () => {
    // Act
    const between = new Set(observed.readings.filter((r) => r.status === 'running' && r.progress > 5 && r.progress < 100).map((r) => r.progress));

    // Assess
    assert.ok(between.size >= 3, `intermediate values seen: ${[...between].join(', ')}`);
  });

  test('progress never goes down from one reading to the next', () => {
    // Act
    const values = observed.readings.map((r) => r.progress);

    // Assess
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
  });

  test('items_done counts up to items_total, the partition count', () => {
    // Act
    const done = observed.readings.map((r) => r.items_done).filter((n): n is number => n !== null);

    // Assess
    assert.equal(observed.final.items_total, PARTITIONS);
    assert.equal(observed.final.items_done, PARTITIONS);
    assert.ok(new Set(done).size >= 3, `items_done seen: ${[...new Set(done)].join(', ')}`);
    assert.deepEqual(done, [...done].sort((a, b) => a - b));
  });

  test('while running, a reading with work done has a rate and an estimated completion in the future of the run start', () => {
    // Act
    const moving = observed.readings.filter((r) => r.status === 'running' && (r.items_done ?? 0) > 0 && (r.items_done ?? 0) < PARTITIONS);

    // Assess
    assert.ok(moving.length > 0, 'some reading saw a part of the partitions done');
    for (const r of moving) {
      assert.ok((r.rate_bytes_per_second ?? 0) > 0, JSON.stringify(r));
      assert.ok(r.estimated_completion !== null && Number.isFinite(Date.parse(r.estimated_completion)), JSON.stringify(r));
    }
  });

  test('the ended run keeps its counts and has no estimate', () => {
    // Act
    const { final } = observed;

    // Assess
    assert.ok((final.bytes_done ?? 0) > 0);
    assert.equal(final.estimated_completion, null);
  });

  test('the Backup Succeeded event carries the final counts', async () => {
    // Act (Finalize publishes right after it records the run completed)
    const event = await eventually(async () => api.cloud.events.find((e) => e.detailType === 'Backup Succeeded' && e.detail.execution_id === observed.final.execution_id), 30_000);

    // Assess
    assert.equal(event.detail.items_done, PARTITIONS);
    assert.equal(event.detail.items_total, PARTITIONS);
    assert.equal(event.detail.bytes_done, observed.final.bytes_done);
  });

  test('a restore of the backup counts every partition, and its Restore Succeeded event carries the final counts', async () => {
    // Prepare
    const backupId = observed.final.result?.backup_id;
    assert.ok(backupId, 'the backup has a result');
    const created = await api.call('POST', '/backup/restores', { restore_name: 'progress', backup_id: backupId, destination: { type: 'dynamodb', table_name: restored, create_missing_tables: true } });
    assert.equal(created.status, 202, created.text);

    // Act
    const final = await eventually(async () => {
      const res = await api.call('GET', `/backup/restores/${created.body.restore_id}/status`);
      return TERMINAL.includes(res.body.status) ? (res.body as Reading) : undefined;
    }, 120_000);
    const event = await eventually(async () => api.cloud.events.find((e) => e.detailType === 'Restore Succeeded' && e.detail.restore_id === created.body.restore_id), 30_000);

    // Assess
    assert.equal(final.status, 'completed');
    assert.equal(final.items_total, PARTITIONS);
    assert.equal(final.items_done, PARTITIONS);
    assert.ok((final.bytes_done ?? 0) > 0);
    assert.equal(event.detail.items_done, PARTITIONS);
    assert.equal(event.detail.bytes_done, final.bytes_done);
  });
});
