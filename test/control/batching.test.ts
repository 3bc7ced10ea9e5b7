/**
 * The Distributed Map batching rule (control/workflows/backup/batching.ts):
 * small items get big batches, big items small ones, batches spread over the
 * concurrency, and the bounds hold.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { batchingFor, BATCH_BUDGET_SECONDS, CHECK_BYTES_PER_SECOND, EXPORT_BYTES_PER_SECOND, MAX_CONCURRENCY, MAX_ITEMS_PER_BATCH, PACKS_PER_CHECK_BATCH, packCheckBatching } from '../../control/workflows/backup/batching.js';

test('20,000 empty partitions at concurrency 4 make 20 batches of the 1,000-item maximum', () => {
  // Act
  const batching = batchingFor({ items: 20_000, bytes: 0, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 4 });

  // Assess
  assert.deepEqual(batching, { items_per_batch: MAX_ITEMS_PER_BATCH, max_concurrency: 4 });
});

test('big partitions get batches that fit the time budget at the planned throughput', () => {
  // Prepare
  const perItem = 1_000_000_000;

  // Act
  const batching = batchingFor({ items: 1_000, bytes: 1_000 * perItem, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 4 });

  // Assess
  assert.equal(batching.items_per_batch, 7, '40 s each: 7 fit 300 s');
  assert.ok(batching.items_per_batch * (perItem / EXPORT_BYTES_PER_SECOND) <= BATCH_BUDGET_SECONDS);
});

test('a few partitions spread one per child, and the concurrency never exceeds the batches', () => {
  // Act
  const batching = batchingFor({ items: 3, bytes: 0, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 10 });

  // Assess
  assert.deepEqual(batching, { items_per_batch: 1, max_concurrency: 3 });
});

test('a requested concurrency outside 1 … 40 or not a number is clamped or defaulted', () => {
  // Act
  const high = batchingFor({ items: 10_000, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 500 });
  const junk = batchingFor({ items: 10_000, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 'many' });

  // Assess
  assert.equal(high.max_concurrency, MAX_CONCURRENCY);
  assert.equal(junk.max_concurrency, 4);
});

test('unknown sizes are planned as 128 MiB partitions', () => {
  // Act
  const batching = batchingFor({ items: 1_000, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 4 });

  // Assess
  assert.equal(batching.items_per_batch, 54);
});

test('a backup\'s Verify packs of 1 TiB of new packs: children that each read within the budget, at the full concurrency', () => {
  // Prepare
  const packBytes = 16 * 1024 * 1024;
  const packs = (1024 ** 4) / packBytes;
  const batches = Math.ceil(packs / PACKS_PER_CHECK_BATCH.data);

  // Act
  const batching = packCheckBatching(batches, packs * packBytes);

  // Assess
  assert.equal(batching.max_concurrency, MAX_CONCURRENCY);
  assert.ok(batching.items_per_batch * ((PACKS_PER_CHECK_BATCH.data * packBytes) / CHECK_BYTES_PER_SECOND) <= BATCH_BUDGET_SECONDS, JSON.stringify(batching));
});

test('records that cost time of their own (S3 objects) make smaller batches than their bytes alone', () => {
  // Prepare: 2,000 ranges of 5,000 small objects (100 MB) each, at 100 ms per object over 16 read ahead
  const input = { items: 2_000, bytes: 2_000 * 100e6, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 40 };

  // Act
  const bytesOnly = batchingFor(input);
  const withRecords = batchingFor({ ...input, records: 2_000 * 5_000, secondsPerRecord: 0.1 / 16 });

  // Assess
  assert.equal(bytesOnly.items_per_batch, 50);
  assert.equal(withRecords.items_per_batch, Math.floor(BATCH_BUDGET_SECONDS / (0.1 + 4 + 5_000 * (0.1 / 16))));
});

test('a source\'s own cap bounds the children at once below what the run asks', () => {
  // Act
  const batching = batchingFor({ items: 10_000, bytes: 0, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: 40, maxConcurrency: 17 });

  // Assess
  assert.equal(batching.max_concurrency, 17);
});
