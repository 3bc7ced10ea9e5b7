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
import { pruneVault } from '../../vault/prune/prune.js';
import { blobListKey } from '../../vault/repository/layout.js';
import { blobListIds } from '../../vault/snapshot/partition-blobs.js';
import { writeStaged, partitionManifestName } from '../../vault/staging/staging.js';
import { backupBytes, randomData, tempVault } from '../helpers/engine.js';

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
  await pruneVault({ vault: temp.vault, isRunning: notRunning }, { graceSeconds: 0 });

  // Assess
  assert.deepEqual(await temp.vault.listBlobListIds(), [keptList]);
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
  await pruneVault({ vault: temp.vault, isRunning }, { graceSeconds: 3600 });

  // Assess
  assert.deepEqual((await temp.vault.listBlobListIds()).sort(), [young, staged].sort());
});
