import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { copySnapshot, type CopyResult } from '../../vault/copy/copier.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import type { Vault } from '../../vault/repository/vault.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { backupBytes, randomData, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';

describe('a copy of a copy (file vaults A → B → C)', () => {
  /** A backup in A copied to B, then from B to C, then A → C tried: built once, only read by the tests. */
  let a: TempVault;
  let b: Vault;
  let c: Vault;
  let data: Uint8Array;
  let id: string;
  let toB: CopyResult;
  let toC: CopyResult;
  let again: CopyResult;
  beforeAll(async () => {
    a = await tempVault();
    data = randomData(700_000, 41);
    id = await backupBytes(a.vault, data);
    b = await initCopyVault(new FileObjectStore(`${a.dir}/b`), a.provider, a.vault);
    c = await initCopyVault(new FileObjectStore(`${a.dir}/c`), a.provider, b);
    toB = await copySnapshot({ source: a.vault, target: b, snapshotId: id });
    toC = await copySnapshot({ source: b, target: c, snapshotId: toB.targetSnapshotId });
    again = await copySnapshot({ source: a.vault, target: c, snapshotId: id });
  });
  afterAll(() => a.cleanup());

  test('the second copy keeps the first origin and restores byte for byte', async () => {
    // Act
    const copied = await c.readSnapshot(toC.targetSnapshotId);
    const restored = await restoreBytes(c, toC.targetSnapshotId);

    // Assess
    assert.deepEqual(copied.origin, { vault: a.vault.config.id, snapshot: id });
    assert.ok(restored.equals(Buffer.from(data)));
  });

  test('copying the original straight into the copy of its copy is a no-op', () => {
    // Assess
    assert.deepEqual([again.alreadyCopied, again.targetSnapshotId, again.bytesWritten], [true, toC.targetSnapshotId, 0]);
  });
});
