import { beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { checkVault } from '../../vault/checker/checker.js';
import { copySnapshot, type CopyResult } from '../../vault/copy/copier.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import { KeyAccessError, KeyNotFoundError } from '../../vault/keys/errors.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { Vault } from '../../vault/repository/vault.js';
import { blobListIds, partitionBlobs } from '../../vault/repository/partition-blobs.js';
import type { Snapshot } from '../../vault/snapshot/snapshot.js';
import { kmsClient } from '../../vault/aws/clients.js';
import { backupBytes, jsonLines, randomData, restoreBytes } from '../helpers/engine.js';
import { initVaultIn, regionalPlace, REGIONS, type RegionalPlace } from './copy-fixture.js';

/** 3 MiB of random bytes after 20,000 JSON lines: several packs of 1 MiB. */
function firstExport(): Buffer {
  return Buffer.concat([jsonLines(20_000), randomData(3 * 1024 * 1024, 11)]);
}

/** The first export with 64 KiB overwritten in the middle and 512 KiB appended: a few new chunks. */
function secondExport(first: Buffer): Buffer {
  const second = Buffer.concat([first, randomData(512 * 1024, 13)]);
  Buffer.from(randomData(64 * 1024, 12)).copy(second, Math.floor(first.length / 2));
  return second;
}

async function countObjects(vault: Vault): Promise<number> {
  let n = 0;
  for await (const _ of vault.store.list('')) n++;
  return n;
}

describe('copying a backup into a copy vault in another region (moto: us-east-1 → eu-west-1)', () => {
  /** A source vault with one backup, copied once into a new copy vault: built once, only read by the tests. */
  let here: RegionalPlace;
  let there: RegionalPlace;
  let source: Vault;
  let target: Vault;
  let data: Buffer;
  let sourceId: string;
  let first: CopyResult;
  beforeAll(async () => {
    [here, there] = await Promise.all([regionalPlace(REGIONS.primary, 'copy-src'), regionalPlace(REGIONS.copy, 'copy-dst')]);
    source = await initVaultIn(here);
    data = firstExport();
    sourceId = await backupBytes(source, data, { jobId: 'job_copy', backupId: 'backup_copy_1' });
    target = await initCopyVault(there.store(), there.provider(), source);
    first = await copySnapshot({ source, target, snapshotId: sourceId, readData: true });
  });

  test('the copy vault passes check --read-data', async () => {
    // Act
    const report = await checkVault(target, { readData: true });

    // Assess
    assert.deepEqual(report.issues, []);
    assert.equal(report.snapshots, 1);
    assert.ok(report.packsRead >= 3, `${report.packsRead} packs read`);
  });

  test("the copy keeps the backup's ids, type, partitions and stats, and records its origin", async () => {
    // Prepare
    const original = await source.readSnapshot(sourceId);

    // Act
    const copied = await target.readSnapshot(first.targetSnapshotId);

    // Assess
    assert.equal(copied.backup_id, 'backup_copy_1');
    assert.equal(copied.job_id, 'job_copy');
    assert.equal(copied.type, original.type);
    assert.equal(copied.created_at, original.created_at);
    // Each partition names the target's copy of its blob list (sealed under the target's key), holding the same ids.
    const withoutList = (s: Snapshot) => s.partitions.map(({ blob_list: ref, ...p }) => ({ ...p, part: ref?.part, count: ref?.count }));
    assert.deepEqual(withoutList(copied), withoutList(original));
    assert.deepEqual(await target.listBlobListIds(), blobListIds(copied));
    assert.notDeepEqual(blobListIds(copied), blobListIds(original));
    const ids = async (vault: Vault, snapshot: Snapshot) => [...(await partitionBlobs(vault, snapshot, snapshot.partitions[0]!))];
    assert.deepEqual(await ids(target, copied), await ids(source, original));
    assert.deepEqual(copied.stats, original.stats);
    assert.deepEqual(copied.origin, { vault: source.config.id, snapshot: sourceId });
  });

  test('the first copy moves every blob once and reads exactly what the backup stored', async () => {
    // Prepare
    const original = await source.readSnapshot(sourceId);

    // Assess
    assert.equal(first.blobsPresent, 0);
    assert.equal(first.blobsCopied, original.stats.blobs_new);
    assert.equal(first.plaintextBytesCopied, original.stats.bytes_new);
    assert.equal(first.bytesRead, original.stats.bytes_stored);
    assert.ok(first.packsVerified >= 3 && first.packsVerified === first.packsWritten);
  });

  test("the source's KMS key cannot open the copy vault", async () => {
    // Prepare: the source's key cannot open the copy vault
    const sourceKey = new KmsKeyProvider(here.keyArn, { client: kmsClient({ region: REGIONS.primary }) });

    // Act
    const opening = Vault.open(there.store(), sourceKey);

    // Assess
    await assert.rejects(opening, KeyAccessError);
  });

  test("the copy vault's key lives only in its region: the same key called in us-east-1 is not found", async () => {
    // Prepare
    const wrongRegion = new KmsKeyProvider(there.keyArn, { client: kmsClient({ region: REGIONS.primary }) });

    // Act
    const opening = Vault.open(there.store(), wrongRegion);

    // Assess
    await assert.rejects(opening, KeyNotFoundError);
  });

  test('copying the same snapshot again writes nothing', async () => {
    // Prepare
    const before = await countObjects(target);

    // Act
    const again = await copySnapshot({ source, target, snapshotId: sourceId });

    // Assess
    assert.equal(again.alreadyCopied, true);
    assert.equal(again.targetSnapshotId, first.targetSnapshotId);
    assert.equal(again.bytesRead + again.bytesWritten, 0);
    assert.equal(await countObjects(target), before);
  });
});

describe("an incremental backup's copy (moto, two regions)", () => {
  /** Two backups in the source, both copied: built once, only read by the tests (the last one deletes the source's packs, so it runs last). */
  let source: Vault;
  let target: Vault;
  let datas: Buffer[];
  let ids: string[];
  let copies: CopyResult[];
  beforeAll(async () => {
    const [here, there] = await Promise.all([regionalPlace(REGIONS.primary, 'copy-inc-src'), regionalPlace(REGIONS.copy, 'copy-inc-dst')]);
    source = await initVaultIn(here);
    target = await initCopyVault(there.store(), there.provider(), source);
    const d1 = firstExport();
    datas = [d1, secondExport(d1)];
    ids = [];
    copies = [];
    for (const data of datas) {
      const id = await backupBytes(source, data, { jobId: 'job_inc' });
      ids.push(id);
      copies.push(await copySnapshot({ source, target, snapshotId: id, readData: true }));
    }
  });

  test('the second copy transfers only the chunks the incremental added (by bytes)', async () => {
    // Prepare
    const incremental = await source.readSnapshot(ids[1]!);

    // Assess
    const second = copies[1]!;
    assert.ok(incremental.stats.blobs_new > 0 && incremental.stats.blobs_new < incremental.stats.blobs_total / 2);
    assert.equal(second.blobsCopied, incremental.stats.blobs_new);
    assert.equal(second.blobsPresent, second.blobsTotal - incremental.stats.blobs_new);
    assert.equal(second.plaintextBytesCopied, incremental.stats.bytes_new);
    assert.equal(second.bytesRead, incremental.stats.bytes_stored);
    assert.ok(second.bytesWritten < copies[0]!.bytesWritten / 2, `${second.bytesWritten} vs ${copies[0]!.bytesWritten}`);
  });

  test("the copy's parent is the copy of the source's parent", async () => {
    // Act
    const copied = await target.readSnapshot(copies[1]!.targetSnapshotId);

    // Assess
    assert.equal(copied.parent, copies[0]!.targetSnapshotId);
  });

  test("with the source's packs deleted, both backups restore from the copy byte for byte", async () => {
    // Prepare
    for await (const info of source.store.list('data/')) await source.store.delete(info.key);

    // Act
    const restored = [await restoreBytes(target, copies[0]!.targetSnapshotId), await restoreBytes(target, copies[1]!.targetSnapshotId)];

    // Assess
    await assert.rejects(restoreBytes(source, ids[1]!));
    assert.ok(restored[0]!.equals(datas[0]!));
    assert.ok(restored[1]!.equals(datas[1]!));
  });
});
