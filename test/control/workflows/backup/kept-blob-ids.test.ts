/**
 * An Export partitions container keeps the vault's blob ids between batches
 * of one backup (control/workflows/backup/export-partition.ts: each batch
 * opens its session with `openBatchSession`, which keeps the last set
 * loaded): two batches in one process read each index object once
 * and both dedup against it. Reads are counted by a store wrapper around the
 * real (filesystem) store.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { openBatchSession } from '../../../../control/workflows/backup/export-partition.js';
import { Vault } from '../../../../vault/repository/vault.js';
import { BackupType } from '../../../../vault/snapshot/snapshot.js';
import type { ByteRange, ObjectInfo, ObjectStore, PutOptions } from '../../../../vault/storage/object-store.js';
import { backupBytes, pieces, randomData, tempVault, type TempVault } from '../../../helpers/engine.js';

/** A store that counts the reads of each object. */
class CountingStore implements ObjectStore {
  readonly reads = new Map<string, number>();
  constructor(private readonly inner: ObjectStore) {}
  get uri(): string {
    return this.inner.uri;
  }
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void> {
    return this.inner.put(key, body, options);
  }
  get(key: string, range?: ByteRange): Promise<Uint8Array> {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return this.inner.get(key, range);
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.inner.head(key);
  }
  list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  /** Reads of index objects, by object. */
  indexReads(): number[] {
    return [...this.reads].filter(([key]) => key.startsWith('index/')).map(([, n]) => n);
  }
}

const DATA = [randomData(3 * 1024 * 1024, 11), randomData(3 * 1024 * 1024, 12)];

/** One export batch of an incremental: a session of the plan's index ids, one partition, finished. */
async function batch(vault: Vault, indexIds: readonly string[], data: Uint8Array) {
  const session = await openBatchSession(vault, { type: BackupType.Incremental, base_full: null, compression: { algorithm: 'zstd', level: 3 } }, indexIds);
  await session.backupPartition('data', pieces(data));
  return session.finish();
}

describe('blob ids kept between export batches', () => {
  let v: TempVault;
  let store: CountingStore;
  let vault: Vault;
  let indexIds: string[];
  /** The index objects of the second full backup (DATA[1]'s blobs). */
  let secondIds: string[];
  let results: Awaited<ReturnType<typeof batch>>[];

  beforeAll(async () => {
    v = await tempVault({ packSize: 1024 * 1024 });
    const snapshots: string[] = [];
    for (const data of DATA) snapshots.push(await backupBytes(v.vault, data, { type: BackupType.Full }));
    secondIds = (await v.vault.readSnapshot(snapshots[1]!)).index_ids;
    store = new CountingStore(v.store);
    vault = await Vault.open(store, v.provider);
    indexIds = await vault.listIndexIds();
    results = [];
    for (const data of DATA) results.push(await batch(vault, indexIds, data));
  });
  afterAll(() => v.cleanup());

  test('two batches of one backup read each index object once', () => {
    // Prepare
    const expected = indexIds.map(() => 1);

    // Act
    const reads = store.indexReads();

    // Assess
    assert.ok(indexIds.length >= 2, `${indexIds.length} index objects`);
    assert.deepEqual(reads, expected);
  });

  test('both batches dedup against the kept ids', () => {
    // Prepare
    const written = results.map((r) => r.counts.blobs_new);

    // Act
    const read = results.map((r) => r.counts.bytes_read);

    // Assess
    assert.deepEqual(written, [0, 0]);
    assert.deepEqual(read, DATA.map((d) => d.length));
  });

  test('another plan\'s index ids load afresh', async () => {
    // Prepare
    const before = store.indexReads().reduce((n, r) => n + r, 0);

    // Act
    const result = await batch(vault, secondIds, DATA[1]!);

    // Assess
    assert.ok(secondIds.length < indexIds.length);
    assert.equal(store.indexReads().reduce((n, r) => n + r, 0), before + secondIds.length);
    assert.equal(result.counts.blobs_new, 0);
  });
});
