import { describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Compression } from '../../vault/compression/codec.js';
import { CorruptedBackupError } from '../../vault/format/errors.js';
import { sealBlob } from '../../vault/pack/blob.js';
import { packKey } from '../../vault/pack/pack-builder.js';
import { openSnapshot, restorePartition, type RestoreOptions } from '../../vault/restore/restorer.js';
import { backupBytes, randomData, tempVault, type TempVault } from '../helpers/engine.js';
import { partitionBlobs } from '../../vault/repository/partition-blobs.js';

/**
 * A restore authenticates every blob before emitting it and checks the
 * partition's size and digest (XXH3-128) at the end (FORMAT.md §12). These cases are
 * a writer's mistakes, which authentication cannot see because the writer
 * held the key: the end-to-end check must fail the restore.
 */

/** A vault with one full backup of 3 MiB of incompressible data (blobs stored uncompressed), for one test. */
async function backedUp(context: Pick<TestContext, 'onTestFinished'>): Promise<{ t: TempVault; data: Uint8Array; snapshotId: string }> {
  const t = await tempVault({ packSize: 1024 * 1024 });
  context.onTestFinished(() => t.cleanup());
  const data = randomData(3 * 1024 * 1024, 7);
  return { t, data, snapshotId: await backupBytes(t.vault, data, { type: 'full' }) };
}

/** Restores partition `data`: the error that ended the stream (undefined if none). */
async function restoreError(t: TempVault, snapshotId: string, options: RestoreOptions = {}): Promise<unknown> {
  const opened = await openSnapshot(t.vault, snapshotId);
  try {
    for await (const chunk of restorePartition(t.vault, opened.index, opened.snapshot, 'data', options)) void chunk;
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Re-seals the first blob of the partition over other plaintext of the same length under its own id, as a buggy writer would. */
async function sealWrongChunkUnderId(t: TempVault, snapshotId: string): Promise<void> {
  const opened = await openSnapshot(t.vault, snapshotId);
  const [location] = opened.index.locate((await partitionBlobs(t.vault, opened.snapshot, opened.snapshot.partitions[0]!)).at(0));
  const { pack, blob } = location!;
  assert.equal(blob.compression, Compression.None, 'the fixture stores random data uncompressed');
  const wrong = randomData(blob.rawLength, 99);
  const sealed = sealBlob(t.vault.keyring.get(pack.keyId), Buffer.from(blob.id, 'hex'), Compression.None, wrong);
  const file = join(t.storeDir, packKey(pack.id));
  const bytes = readFileSync(file);
  bytes.set(sealed, blob.offset);
  writeFileSync(file, bytes);
}

describe('restore checks against writer mistakes', () => {
  test('a wrong chunk sealed under a chunk id fails the restore with CorruptedBackupError', async (context) => {
    // Prepare
    const { t, snapshotId } = await backedUp(context);
    await sealWrongChunkUnderId(t, snapshotId);

    // Act
    const error = await restoreError(t, snapshotId);

    // Assess
    assert.ok(error instanceof CorruptedBackupError, `expected a CorruptedBackupError, got ${String(error)}`);
    assert.match(error.message, /XXH3-128/);
  });

  test('with verifyChunkIds, a wrong chunk sealed under a chunk id fails at that blob, naming it', async (context) => {
    // Prepare
    const { t, snapshotId } = await backedUp(context);
    await sealWrongChunkUnderId(t, snapshotId);

    // Act
    const error = await restoreError(t, snapshotId, { verifyChunkIds: true });

    // Assess
    assert.ok(error instanceof CorruptedBackupError, `expected a CorruptedBackupError, got ${String(error)}`);
    assert.match(error.message, /does not match its id/);
  });

  test('a snapshot listing its blobs in the wrong order fails the restore with CorruptedBackupError', async (context) => {
    // Prepare
    const { t, snapshotId } = await backedUp(context);
    const snapshot = await t.vault.readSnapshot(snapshotId);
    const { blob_list: ref, ...partition } = snapshot.partitions[0]!;
    const blobs = [...(await partitionBlobs(t.vault, snapshot, snapshot.partitions[0]!))];
    assert.ok(blobs.length >= 2 && ref);
    // A blob list sealed by a (buggy) key holder with two blobs swapped: it authenticates, so only the partition's digest can tell.
    const swapped = await t.vault.writeBlobList([[blobs[1]!, blobs[0]!, ...blobs.slice(2)]]);
    const reordered = { ...snapshot, partitions: [{ ...partition, blob_list: { id: swapped, part: 0, count: blobs.length } }] };
    const reorderedId = await t.vault.writeSnapshot(reordered);

    // Act
    const error = await restoreError(t, reorderedId);

    // Assess
    assert.ok(error instanceof CorruptedBackupError, `expected a CorruptedBackupError, got ${String(error)}`);
    assert.match(error.message, /XXH3-128/);
  });

  test('an intact partition restores without error under the default checks', async (context) => {
    // Prepare
    const { t, snapshotId } = await backedUp(context);

    // Act
    const error = await restoreError(t, snapshotId);

    // Assess
    assert.equal(error, undefined);
  });
});
