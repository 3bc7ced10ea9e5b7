import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { copySnapshot } from '../../vault/copy/copier.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import { blobListKey } from '../../vault/format/layout.js';
import { Vault } from '../../vault/repository/vault.js';
import { blobListIds } from '../../vault/repository/partition-blobs.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import type { ByteRange } from '../../vault/storage/object-store.js';
import { backupBytes, randomData, tempVault, type TempVault } from '../helpers/engine.js';

/** A real file store that counts the reads of each key (a decorator, not a mock: every call reaches the files). */
class CountingStore extends FileObjectStore {
  readonly reads = new Map<string, number>();

  override get(key: string, range?: ByteRange): Promise<Uint8Array> {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return super.get(key, range);
  }
}

describe('a copy reads each blob list of the snapshot once', () => {
  let source: TempVault;
  let counting: CountingStore;
  let listKeys: string[];
  beforeAll(async () => {
    source = await tempVault();
    const id = await backupBytes(source.vault, randomData(512 * 1024, 41));
    listKeys = blobListIds(await source.vault.readSnapshot(id)).map(blobListKey);
    counting = new CountingStore(source.storeDir);
    const reader = await Vault.open(counting, source.provider);
    const target = await initCopyVault(new FileObjectStore(`${source.dir}/copy`), source.provider, reader);
    await copySnapshot({ source: reader, target, snapshotId: id });
  });
  afterAll(() => source.cleanup());

  test('the list is read once for the blob set and the re-sealed copy together', () => {
    // Prepare
    const expected = listKeys.map((key) => [key, 1]);

    // Act
    const reads = listKeys.map((key) => [key, counting.reads.get(key) ?? 0]);

    // Assess
    assert.ok(listKeys.length >= 1, 'the snapshot references a blob list');
    assert.deepEqual(reads, expected);
  });
});
