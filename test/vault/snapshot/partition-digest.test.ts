import { beforeAll, afterAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { xxhash128 } from 'hash-wasm';
import { checkVault } from '../../../vault/checker/checker.js';
import { copySnapshot } from '../../../vault/copy/copier.js';
import { initCopyVault } from '../../../vault/copy/copy-vault.js';
import { CorruptedBackupError, VaultFormatError } from '../../../vault/format/errors.js';
import { SNAPSHOT_FORMAT_VERSION } from '../../../vault/format/version.js';
import { partitionBlobs } from '../../../vault/repository/partition-blobs.js';
import { parseSnapshot } from '../../../vault/snapshot/snapshot.js';
import { FileObjectStore } from '../../../vault/storage/fs-store.js';
import { backupBytes, jsonLines, restoreBytes, tempVault, type TempVault } from '../../helpers/engine.js';
import { writeV2Snapshot } from '../../helpers/snapshot-v1.js';

/**
 * The partition's end-to-end digest (FORMAT.md §12.1): this engine records
 * XXH3-128 in format 3 snapshots and still verifies the SHA-256 that
 * format 1 and 2 snapshots record, on restore and through a copy.
 */
describe('partition digests', () => {
  /** One vault with one full backup (format 3) and a format 2 rewrite of it (SHA-256): built once, only read by the tests. */
  let t: TempVault;
  let data: Buffer;
  let snapshotId: string;
  let v2Id: string;
  beforeAll(async () => {
    t = await tempVault({ packSize: 256 * 1024 });
    data = Buffer.from(jsonLines(8000));
    snapshotId = await backupBytes(t.vault, data, { type: 'full' });
    v2Id = await writeV2Snapshot(t.vault, snapshotId);
  });
  afterAll(() => t.cleanup());

  test('a backup records format 3 and the XXH3-128 of the partition, and no SHA-256', async () => {
    // Act
    const snapshot = await t.vault.readSnapshot(snapshotId);

    // Assess
    assert.equal(snapshot.format_version, SNAPSHOT_FORMAT_VERSION);
    const [partition] = snapshot.partitions;
    assert.equal(partition?.xxh3_128, await xxhash128(data));
    assert.equal(partition?.sha256, undefined);
  });

  test('a format 2 snapshot, whose partitions record SHA-256, restores its bytes', async () => {
    // Act
    const restored = await restoreBytes(t.vault, v2Id);

    // Assess
    assert.equal((await t.vault.readSnapshot(v2Id)).format_version, 2);
    assert.ok(restored.equals(data));
  });

  test('a format 2 snapshot listing its blobs in the wrong order fails the restore by its SHA-256', async () => {
    // Prepare: a blob list sealed by a (buggy) key holder with two blobs swapped.
    const snapshot = await t.vault.readSnapshot(v2Id);
    const blobs = [...(await partitionBlobs(t.vault, snapshot, snapshot.partitions[0]!))];
    assert.ok(blobs.length >= 2);
    const swapped = await t.vault.writeBlobList([[blobs[1]!, blobs[0]!, ...blobs.slice(2)]]);
    const reorderedId = await t.vault.writeSnapshot({ ...snapshot, partitions: [{ ...snapshot.partitions[0]!, blob_list: { id: swapped, part: 0, count: blobs.length } }] });

    // Act
    const error = await restoreBytes(t.vault, reorderedId).then(() => undefined, (e: unknown) => e);

    // Assess
    assert.ok(error instanceof CorruptedBackupError, `expected a CorruptedBackupError, got ${String(error)}`);
    assert.match(error.message, /SHA-256/);
  });

  test('a format 2 snapshot copies into a copy vault, checks clean there and restores its bytes', async () => {
    // Prepare
    const target = await initCopyVault(new FileObjectStore(join(t.dir, 'copy')), t.provider, t.vault);

    // Act
    const copied = await copySnapshot({ source: t.vault, target, snapshotId: v2Id, readData: true });
    const report = await checkVault(target, { readData: true });
    const restored = await restoreBytes(target, copied.targetSnapshotId);

    // Assess
    assert.deepEqual(report.issues, []);
    assert.equal((await target.readSnapshot(copied.targetSnapshotId)).partitions[0]?.sha256, (await t.vault.readSnapshot(v2Id)).partitions[0]?.sha256);
    assert.ok(restored.equals(data));
  });

  test('a format 3 partition record without exactly one well-formed digest is refused', () => {
    // Prepare
    const base = { name: 'p', blob_list: { id: 'a'.repeat(64), part: 0, count: 1 }, size: 1, records: 0 };
    const records: object[] = [
      base,
      { ...base, xxh3_128: 'b'.repeat(32), sha256: 'c'.repeat(64) },
      { ...base, xxh3_128: 'b'.repeat(64) },
      { ...base, sha256: 'C'.repeat(64) },
    ];
    const payload = (partition: object) => Buffer.from(JSON.stringify({ format_version: 3, backup_id: 'b', index_ids: [], partitions: [partition] }));

    // Act
    const refused = records.map((record) => {
      try {
        parseSnapshot(payload(record), 'snapshots/x');
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    assert.ok(refused.every((e) => e instanceof VaultFormatError), String(refused));
    assert.doesNotThrow(() => parseSnapshot(payload({ ...base, xxh3_128: 'b'.repeat(32) }), 'snapshots/x'));
    assert.doesNotThrow(() => parseSnapshot(payload({ ...base, sha256: 'c'.repeat(64) }), 'snapshots/x'));
  });
});
