/**
 * Blobs enter packs in the order the chunker produced them, although blob
 * workers seal them concurrently and finish out of order: a partition's
 * blobs then sit side by side, so a restore reads each pack in a few large
 * ranges instead of one range per blob or two.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { closeBlobPool, WORKERS_ENV } from '../../vault/pack/blob-workers.js';
import { openSnapshot } from '../../vault/restore/restorer.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { backupBytes, jsonLines, randomData, restoreBytes, tempVault } from '../helpers/engine.js';
import { partitionBlobs } from '../../vault/repository/partition-blobs.js';

describe('pack order', () => {
  const previousWorkers = process.env[WORKERS_ENV];
  beforeAll(async () => {
    // Several workers, so sealing finishes out of order whatever the machine's core count.
    process.env[WORKERS_ENV] = '4';
    await closeBlobPool();
  });
  afterAll(async () => {
    await closeBlobPool();
    if (previousWorkers === undefined) delete process.env[WORKERS_ENV];
    else process.env[WORKERS_ENV] = previousWorkers;
  });

  test('a partition backed up on several workers is stored in stream order, one contiguous run per pack', async (context) => {
    // Prepare
    const t = await tempVault({ packSize: 4 * 1024 * 1024 });
    context.onTestFinished(() => t.cleanup());
    // Slow (records) and fast (random, stored as is) chunks alternate, so workers finish them out of order.
    const dataFor = (seed: number): Buffer => {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 12; i++) parts.push(jsonLines(4000 + i * 50 + seed), randomData(600 * 1024, seed + i + 1));
      return Buffer.concat(parts);
    };
    for (const [n, type] of [BackupType.Full, BackupType.Incremental].entries()) {
      // Prepare
      const data = dataFor(n * 100);

      // Act
      const id = await backupBytes(t.vault, data, { type });

      // Assess
      const { snapshot, index } = await openSnapshot(t.vault, id);
      const own = new Set(snapshot.index_ids);
      const blobs = [...(await partitionBlobs(t.vault, snapshot, snapshot.partitions[0]!))];
      let runs = 0;
      let previous: { pack: string; end: number } | undefined;
      const packs = new Set<string>();
      const seen = new Set<string>();
      for (const blobId of blobs) {
        if (seen.has(blobId)) continue; // a repeat, stored once
        seen.add(blobId);
        const location = index.locate(blobId).find((l) => own.has(index.indexOf(l.pack.id) ?? ''));
        if (!location) continue; // reused from the earlier backup
        packs.add(location.pack.id);
        if (!previous || previous.pack !== location.pack.id || previous.end !== location.blob.offset) runs++;
        previous = { pack: location.pack.id, end: location.blob.offset + location.blob.length };
      }
      assert.ok(packs.size >= 2, `${type}: expected several packs, got ${packs.size}`);
      assert.equal(runs, packs.size, `${type}: ${blobs.length} blobs in ${packs.size} packs should form one run per pack`);
      assert.ok(data.equals(await restoreBytes(t.vault, id)));
    }
  });
});
