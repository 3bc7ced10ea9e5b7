/**
 * Prune from the vault alone (vault/prune/prune.ts): given a vault and
 * whether a staged backup still runs, nothing of the control plane. The
 * workflow's prune (catalog, Object Lock) is tested in test/e2e/prune*.test.ts.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { checkVault } from '../../vault/checker/checker.js';
import { pruneVault } from '../../vault/prune/prune.js';
import { listStaged, writeStaged } from '../../vault/staging/staging.js';
import { backupBytes, randomData, tempVault } from '../helpers/engine.js';

const notRunning = async () => false;

test('the packs only a forgotten snapshot used are deleted, and the vault stays whole', async () => {
  // Prepare
  const temp = await tempVault({ packSize: 256 * 1024 });
  try {
    const forgotten = await backupBytes(temp.vault, randomData(2 * 1024 * 1024, 1));
    await backupBytes(temp.vault, randomData(1024 * 1024, 2));
    await temp.vault.store.delete(`snapshots/${forgotten}`);

    // Act
    const result = await pruneVault({ vault: temp.vault, isRunning: notRunning }, { graceSeconds: 0 });

    // Assess
    assert.ok(result.packs_deleted > 0, 'packs were deleted');
    assert.ok(result.bytes_deleted >= 2 * 1024 * 1024 * 0.9, 'about the bytes of the forgotten backup were freed');
    const report = await checkVault(temp.vault, { readData: true });
    assert.equal(report.ok, true, JSON.stringify(report.issues));
    assert.equal(report.unreferencedPacks.length, 0);
  } finally {
    temp.cleanup();
  }
});

test('a dry run deletes nothing', async () => {
  // Prepare
  const temp = await tempVault({ packSize: 256 * 1024 });
  try {
    const forgotten = await backupBytes(temp.vault, randomData(1024 * 1024, 3));
    await temp.vault.store.delete(`snapshots/${forgotten}`);
    const before = await keysOf(temp.vault.store.list('data/'));

    // Act
    const result = await pruneVault({ vault: temp.vault, isRunning: notRunning }, { graceSeconds: 0, dryRun: true });

    // Assess
    assert.ok(result.packs_deleted > 0, 'the plan would delete packs');
    assert.deepEqual(await keysOf(temp.vault.store.list('data/')), before);
  } finally {
    temp.cleanup();
  }
});

test('the staging area of a backup that still runs is kept; one whose backup ended is swept', async () => {
  // Prepare
  const temp = await tempVault();
  try {
    await writeStaged(temp.vault, 'backup_running', 'plan', { index_ids: [] });
    await writeStaged(temp.vault, 'backup_ended', 'plan', { index_ids: [] });
    const isRunning = async (backupId: string) => backupId === 'backup_running';

    // Act
    const result = await pruneVault({ vault: temp.vault, isRunning }, { graceSeconds: 0 });

    // Assess
    assert.equal(result.staging_swept, 1);
    assert.deepEqual(await listStaged(temp.vault, 'backup_running'), ['plan']);
    assert.deepEqual(await listStaged(temp.vault, 'backup_ended'), []);
  } finally {
    temp.cleanup();
  }
});

async function keysOf(listing: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of listing) keys.push(info.key);
  return keys.sort();
}
