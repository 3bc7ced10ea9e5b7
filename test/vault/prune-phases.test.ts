/**
 * The prune's phases (vault/prune/) on a vault on disk, called one by one
 * the way the workflow calls them, and the workflow's settings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { ErrorCode } from '../../vault/errors.js';
import { checkVault } from '../../vault/checker/checker.js';
import { compactIndexes } from '../../vault/prune/compact.js';
import { joinShards } from '../../vault/prune/join.js';
import { isPruneArea, PRUNE_LAYOUT, shardDigitsFor } from '../../vault/prune/layout.js';
import { pruneRunIdOf } from '../../control/catalog/ids.js';
import { markItem, planMark } from '../../vault/prune/mark.js';
import { localPruneArea, pruneVault } from '../../vault/prune/prune.js';
import { recheckSweep } from '../../vault/prune/recheck.js';
import { settlePacks } from '../../vault/prune/settle.js';
import { writeStaged } from '../../vault/staging/staging.js';
import { InvalidJobError } from '../../control/workflows/errors.js';
import { pruneSettings } from '../../control/workflows/prune/list-jobs.js';
import { backupBytes, randomData, tempVault } from '../helpers/engine.js';

const notRunning = async () => false;

describe('prune phases', () => {
  test("a prune run's id (its staging area in the workflow) is what the vault takes for a prune's area", () => {
    // Act
    const ids = ['daily-2026-06-01', 'odd.name'].map(pruneRunIdOf);

    // Assess
    assert.ok(ids.every(isPruneArea), ids.join(', '));
    assert.ok(!isPruneArea('backup_01ARZ3NDEKTSV4RRFFQ69G5FAV'));
  });

  test('16 shards until one would hold more than 250,000 blobs, then 256, at most 4,096', () => {
    // Prepare
    const bytesOf = (blobs: number) => blobs * PRUNE_LAYOUT.indexBytesPerBlob;

    // Act
    const digits = [bytesOf(1000), bytesOf(16 * 250_000), bytesOf(16 * 250_000 + 16), bytesOf(1e12)].map(shardDigitsFor);

    // Assess
    assert.deepEqual(digits, [1, 1, 2, 3]);
  });

  test('more index objects than compact_above are merged into one, listing the same packs', async () => {
    // Prepare
    const temp = await tempVault({ packSize: 128 * 1024 });
    try {
      for (let seed = 1; seed <= 3; seed += 1) await backupBytes(temp.vault, randomData(512 * 1024, seed));
      const before = await listedPacks(temp.vault);
      assert.equal((await temp.vault.listIndexIds()).length, 3);

      // Act
      const result = await pruneVault({ vault: temp.vault, isRunning: notRunning }, { graceSeconds: 0, compactAbove: 1 });

      // Assess
      assert.equal(result.indexes_deleted, 3);
      assert.equal((await temp.vault.listIndexIds()).length, 1);
      assert.deepEqual(await listedPacks(temp.vault), before);
      assert.deepEqual((await checkVault(temp.vault, { readData: true })).issues, []);
    } finally {
      temp.cleanup();
    }
  });

  test('an index object a backup stages after Plan is kept by compaction, and the packs it lists are rescued from the sweep', async () => {
    // Prepare: the forgotten snapshot's packs are doomed when a backup stages its index object.
    const temp = await tempVault({ packSize: 128 * 1024 });
    const { vault } = temp;
    try {
      const forgotten = await backupBytes(vault, randomData(512 * 1024, 7));
      const [forgottenIndex] = await vault.listIndexIds();
      await backupBytes(vault, randomData(256 * 1024, 8));
      await vault.store.delete(`snapshots/${forgotten}`);
      const area = localPruneArea();
      const plan = await planMark(vault, area, notRunning, new Date(), 0);
      for (let item = 0; item < plan.items; item += 1) await markItem(vault, area, plan, item);
      await joinShards(vault, area, plan, Array.from({ length: plan.shards }, (_, s) => s));
      const settle = await settlePacks(vault, area, plan, { now: new Date(), repackThreshold: 0.5, compactAbove: 64, dryRun: false });
      assert.ok(settle.doomed.length > 0);
      await writeStaged(vault, 'backup_late', 'plan', { index_ids: [forgottenIndex] });
      const isRunning = async (id: string) => id === 'backup_late';

      // Act
      const compact = await compactIndexes(vault, area, settle, isRunning, () => new Date());
      const recheck = await recheckSweep(vault, area, plan, settle, compact, isRunning, new Date());

      // Assess
      assert.deepEqual(compact.kept, [forgottenIndex]);
      assert.ok(await vault.store.head(`index/${forgottenIndex}`), 'the staged index object stays');
      assert.equal(recheck.packs_rescued, settle.doomed.length);
      assert.equal(recheck.packs_deleted, 0);
    } finally {
      temp.cleanup();
    }
  });
});

async function listedPacks(vault: Awaited<ReturnType<typeof tempVault>>['vault']): Promise<string[]> {
  const packs = new Set<string>();
  for (const id of await vault.listIndexIds()) for (const pack of await vault.readIndex(id)) packs.add(pack.id);
  return [...packs].sort();
}

describe('prune workflow settings', () => {
  test('settings not given take their defaults', () => {
    // Act
    const none = pruneSettings({});
    const some = pruneSettings({ grace_seconds: 0, repack_threshold: 1, dry_run: true });

    // Assess
    assert.deepEqual(none, { grace_seconds: 86_400, repack_threshold: 0.5, compact_above: 64, dry_run: false });
    assert.deepEqual(some, { grace_seconds: 0, repack_threshold: 1, compact_above: 64, dry_run: true });
  });

  test('out-of-range values are refused with a clear InvalidInput error', () => {
    // Prepare
    const bads = [{ grace_seconds: -1 }, { grace_seconds: 1.5 }, { repack_threshold: 0 }, { repack_threshold: '0.5' as unknown as number }, { compact_above: 0 }];
    for (const bad of bads) {
      // Act
      const settings = () => pruneSettings(bad);

      // Assess
      assert.throws(settings, (error: unknown) => error instanceof InvalidJobError && error.code === ErrorCode.InvalidConfiguration, JSON.stringify(bad));
    }
  });
});
