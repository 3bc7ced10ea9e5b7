import { beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { checkVault } from '../../vault/checker/checker.js';
import { copySnapshot, type CopyResult } from '../../vault/copy/copier.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import { Vault } from '../../vault/repository/vault.js';
import { backupBytes, randomData, restoreBytes } from '../helpers/engine.js';
import { FaultyStore, initVaultIn, regionalPlace, REGIONS } from './copy-fixture.js';

describe('a copy interrupted midway (moto, two regions; a store wrapper injects the fault)', () => {
  /** A copy that failed on its fourth pack write, then the same copy run again: built once, only read by the tests. */
  let source: Vault;
  let target: Vault;
  let data: Uint8Array;
  let sourceId: string;
  let failure: unknown;
  let snapshotsAfterFailure: string[];
  let rerun: CopyResult;
  beforeAll(async () => {
    const [here, there] = await Promise.all([regionalPlace(REGIONS.primary, 'copy-int-src'), regionalPlace(REGIONS.copy, 'copy-int-dst')]);
    source = await initVaultIn(here);
    data = randomData(6 * 1024 * 1024, 21);
    sourceId = await backupBytes(source, data);
    target = await initCopyVault(there.store(), there.provider(), source);
    // An index object after every pack, so the packs stored before the fault are found again.
    const tuning = { indexEvery: 1, uploadsInFlight: 1 };
    const faulty = await Vault.open(new FaultyStore(there.store(), 4), there.provider());
    failure = await copySnapshot({ source, target: faulty, snapshotId: sourceId, tuning }).then(
      () => undefined,
      (error: unknown) => error,
    );
    snapshotsAfterFailure = await target.listSnapshotIds();
    rerun = await copySnapshot({ source, target: await Vault.open(there.store(), there.provider()), snapshotId: sourceId, tuning, readData: true });
  });

  test('the interrupted copy fails and leaves no snapshot in the target', () => {
    // Assess
    assert.match(String(failure), /injected fault/);
    assert.deepEqual(snapshotsAfterFailure, []);
  });

  test('running it again copies only what the first run had not stored', async () => {
    // Prepare
    const original = await source.readSnapshot(sourceId);

    // Assess
    assert.ok(rerun.blobsPresent > 0, 'blobs indexed before the fault are reused');
    assert.equal(rerun.blobsCopied + rerun.blobsPresent, original.stats.blobs_new);
  });

  test('after the rerun the target checks clean and restores the backup byte for byte', async () => {
    // Act
    const report = await checkVault(target, { readData: true });
    const restored = await restoreBytes(target, rerun.targetSnapshotId);

    // Assess
    assert.deepEqual(report.issues, []);
    assert.ok(restored.equals(Buffer.from(data)));
  });
});
