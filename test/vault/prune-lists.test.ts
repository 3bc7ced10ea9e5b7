/**
 * Prune and blob-list objects (FORMAT.md §9.2, §10.1): a list is kept while
 * a snapshot or an in-progress backup references it; a forgotten
 * snapshot's lists, and lists nobody references once older than the grace
 * period, are deleted.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { checkVault } from '../../vault/checker/checker.js';
import { compactIndexes } from '../../vault/prune/compact.js';
import { joinShards } from '../../vault/prune/join.js';
import { markItem, planMark } from '../../vault/prune/mark.js';
import { finishPrune, localPruneArea, pruneVault } from '../../vault/prune/prune.js';
import { recheckSweep } from '../../vault/prune/recheck.js';
import { settlePacks } from '../../vault/prune/settle.js';
import { sweepBatch } from '../../vault/prune/sweep.js';
import { blobListKey } from '../../vault/format/layout.js';
import { blobListIds } from '../../vault/repository/partition-blobs.js';
import { writeStaged, partitionManifestName } from '../../vault/staging/staging.js';
import { backupBytes, randomData, restoreBytes, tempVault } from '../helpers/engine.js';

const notRunning = async () => false;

test('a forgotten snapshot\'s blob list is deleted; a kept snapshot\'s stays, and the vault checks clean', async (context) => {
  // Prepare
  const temp = await tempVault({ packSize: 256 * 1024 });
  context.onTestFinished(() => temp.cleanup());
  const forgotten = await backupBytes(temp.vault, randomData(512 * 1024, 1));
  const kept = await backupBytes(temp.vault, randomData(512 * 1024, 2));
  const [forgottenList] = blobListIds(await temp.vault.readSnapshot(forgotten));
  const [keptList] = blobListIds(await temp.vault.readSnapshot(kept));
  await temp.vault.store.delete(`snapshots/${forgotten}`);

  // Act
  const result = await pruneVault({ vault: temp.vault, isRunning: notRunning }, { graceSeconds: 0 });

  // Assess
  assert.deepEqual(await temp.vault.listBlobListIds(), [keptList]);
  assert.equal(result.lists_deleted, 1);
  assert.notEqual(forgottenList, keptList);
  const report = await checkVault(temp.vault);
  assert.ok(report.ok, JSON.stringify(report.issues));
});

test('a blob list no snapshot references is deleted once older than the grace period, not before; one a running backup staged is kept', async (context) => {
  // Prepare
  const temp = await tempVault();
  context.onTestFinished(() => temp.cleanup());
  const old = await temp.vault.writeBlobList([['a'.repeat(64)]]);
  const young = await temp.vault.writeBlobList([['b'.repeat(64)]]);
  const staged = await temp.vault.writeBlobList([['c'.repeat(64)]]);
  const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
  for (const id of [old, staged]) utimesSync(join(temp.storeDir, blobListKey(id)), twoHoursAgo, twoHoursAgo);
  const manifest = { partitions: [{ name: 'p', blob_list: { id: staged, part: 0, count: 1 }, size: 1, sha256: '', records: 0 }], index_ids: [], counts: {} };
  await writeStaged(temp.vault, 'backup_running', partitionManifestName(0), manifest);
  const isRunning = async (backupId: string) => backupId === 'backup_running';

  // Act
  const result = await pruneVault({ vault: temp.vault, isRunning }, { graceSeconds: 3600 });

  // Assess
  assert.deepEqual((await temp.vault.listBlobListIds()).sort(), [young, staged].sort());
  assert.equal(result.lists_deleted, 1);
});

test('the blob list of a snapshot committed after Plan is kept, and the snapshot restores', async (context) => {
  // Prepare: Plan and Mark see no snapshot; a backup commits before the re-check.
  const temp = await tempVault();
  context.onTestFinished(() => temp.cleanup());
  const { vault } = temp;
  const area = localPruneArea();
  const plan = await planMark(vault, area, notRunning, new Date(), 0);
  for (let item = 0; item < plan.items; item += 1) await markItem(vault, area, plan, item);
  await joinShards(vault, area, plan, Array.from({ length: plan.shards }, (_, s) => s));
  const settle = await settlePacks(vault, area, plan, { now: new Date(), repackThreshold: 0.5, compactAbove: 64, dryRun: false });
  const compact = await compactIndexes(vault, area, settle, notRunning, () => new Date());
  const data = randomData(64 * 1024, 3);
  const late = await backupBytes(vault, data);

  // Act
  const recheck = await recheckSweep(vault, area, plan, settle, compact, notRunning, new Date());
  for (let batch = 0; batch < recheck.batches; batch += 1) await sweepBatch(vault, area, batch);
  await finishPrune(vault, area, false);

  // Assess
  assert.deepEqual(await vault.listBlobListIds(), blobListIds(await vault.readSnapshot(late)));
  assert.ok((await restoreBytes(vault, late)).equals(data));
});
