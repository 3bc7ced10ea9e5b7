/**
 * Blob work on worker threads gives the same bytes and the same errors as
 * the in-thread path it replaces (HAVEN_WORKERS=0). The esbuild bundle case
 * is `worker-bundle.test.ts`.
 */
import { afterAll, afterEach, describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { zstdCompressSync } from 'node:zlib';
import { Compression } from '../../vault/compression/codec.js';
import { compressChunk, decompressChunk } from '../../vault/compression/compress.js';
import { chunkId } from '../../vault/crypto/hash.js';
import { CorruptedBackupError } from '../../vault/format/errors.js';
import { InvalidWorkerSettingError } from '../../vault/util/worker-errors.js';
import type { BlobEntry, BlobLocation, PackEntry } from '../../vault/index/types.js';
import { openBlob, sealBlob } from '../../vault/pack/blob.js';
import { WORKERS_ENV, blobPool, closeBlobPool, sealChunks } from '../../vault/pack/blob-workers.js';
import { decodeBlobs } from '../../vault/restore/blob-reader.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { backupBytes, jsonLines, randomData, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';
import { partitionBlobs } from '../../vault/repository/partition-blobs.js';

/** Runs `fn` with blob workers on (the default) or off. */
async function withWorkers<T>(enabled: boolean, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[WORKERS_ENV];
  await closeBlobPool();
  if (enabled) delete process.env[WORKERS_ENV];
  else process.env[WORKERS_ENV] = '0';
  try {
    return await fn();
  } finally {
    await closeBlobPool();
    if (saved === undefined) delete process.env[WORKERS_ENV];
    else process.env[WORKERS_ENV] = saved;
  }
}

/** Comparable form of a decode result: the plaintext, or the error chain's names and messages. */
function describeResult(result: Uint8Array | CorruptedBackupError): unknown {
  if (!(result instanceof CorruptedBackupError)) return { bytes: Buffer.from(result).toString('base64') };
  const chain: string[] = [];
  for (let error: unknown = result; error instanceof Error; error = error.cause) chain.push(`${error.name}: ${error.message}`);
  return { chain, location: result.location };
}

/** A fresh vault for one test, removed when the test ends. */
async function freshVault(t: Pick<TestContext, 'onTestFinished'>): Promise<TempVault> {
  const v = await tempVault({ packSize: 1024 * 1024 });
  t.onTestFinished(() => v.cleanup());
  return v;
}

/**
 * Lets the test set HAVEN_WORKERS (the pool restarts to read it); the value
 * it had comes back, and the pool closes, when the test ends.
 */
function workersEnv(t: Pick<TestContext, 'onTestFinished'>): (value: string) => Promise<void> {
  const saved = process.env[WORKERS_ENV];
  t.onTestFinished(async () => {
    await closeBlobPool();
    if (saved === undefined) delete process.env[WORKERS_ENV];
    else process.env[WORKERS_ENV] = saved;
  });
  return async (value) => {
    await closeBlobPool();
    process.env[WORKERS_ENV] = value;
  };
}

describe('blob workers', () => {
  afterAll(() => closeBlobPool());
  afterEach(() => closeBlobPool());

  test('the blob pool starts workers (this machine can run them)', async () => {
    // Act
    const started = await withWorkers(true, async () => {
      const pool = blobPool();
      await pool?.warm();
      return pool !== undefined;
    });

    // Assess
    assert.ok(started, 'blob workers are enabled by default');
  });

  test('HAVEN_WORKERS other than a whole number from 0 to 64 is a clear InvalidWorkerSettingError', async (t) => {
    // Prepare
    const setWorkers = workersEnv(t);
    for (const bad of ['off', '-1', '1.5', '1000']) {
      // Prepare
      await setWorkers(bad);

      // Act
      const start = () => blobPool();

      // Assess
      assert.throws(start, (error: unknown) => error instanceof InvalidWorkerSettingError && error.code === 'InvalidInput' && error.message.includes(JSON.stringify(bad)));
    }
  });

  test('HAVEN_WORKERS=1 runs one worker', async (t) => {
    // Prepare
    await workersEnv(t)('1');

    // Act
    const pool = blobPool();

    // Assess
    assert.equal(pool?.size, 1);
  });

  test('sealChunks on workers seals what the in-thread path opens, under every codec', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const key = vault.keyring.current;
    const macKey = vault.keyring.secrets.macKey;
    const chunks = [jsonLines(3000), randomData(200_000, 5), new Uint8Array(0), Buffer.from('tiny')];
    for (const algorithm of ['zstd', 'gzip', 'none'] as const) {
      const compression = { algorithm } as const;
      for (const withIds of [true, false]) {
        // Prepare
        const requests = chunks.map((data) => (withIds ? { data, id: chunkId(macKey, data) } : { data }));
        const sealedChunks: Array<{ index: number; id: Uint8Array; flag: number; sealed: Uint8Array }> = [];

        // Act
        await sealChunks({ key, compression, macKey }, requests, (index, id, flag, sealed) => {
          sealedChunks.push({ index, id: Buffer.from(id), flag, sealed: sealed.slice() });
        });

        // Assess
        assert.deepEqual(sealedChunks.map((o) => o.index).sort(), [0, 1, 2, 3]);
        for (const { index, id, flag, sealed } of sealedChunks) {
          const data = chunks[index]!;
          assert.deepEqual(id, chunkId(macKey, data), `${algorithm}: id of chunk ${index}`);
          if (algorithm === 'none' || data.length < 64) assert.equal(flag, Compression.None);
          const plain = await decompressChunk(openBlob(key, id, flag, sealed), flag, data.length);
          assert.ok(Buffer.from(plain).equals(data), `${algorithm}: chunk ${index} round trip`);
        }
      }
    }
    assert.equal(chunks[0]!.length > 0 && chunks[1]!.length, 200_000, "the callers' chunks are untouched");
  });

  test('workers and the in-thread path skip the same high-entropy chunks (the heuristic is compiled into the kernel)', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const key = vault.keyring.current;
    const macKey = vault.keyring.secrets.macKey;
    // A random 4 KiB block repeated: zstd would shrink it 60-fold, but every sample looks random, so neither path tries.
    const repeated = Buffer.concat(Array.from({ length: 64 }, () => randomData(4096, 77)));
    const chunks = [repeated, jsonLines(3000)];
    const flags = async (enabled: boolean): Promise<number[]> =>
      withWorkers(enabled, async () => {
        const out: number[] = [];
        await sealChunks({ key, compression: { algorithm: 'zstd' }, macKey }, chunks.map((data) => ({ data })), (index, _id, flag) => void (out[index] = flag));
        return out;
      });

    // Act
    const onWorkers = await flags(true);
    const inThread = await flags(false);

    // Assess
    assert.deepEqual(onWorkers, [Compression.None, Compression.Zstd]);
    assert.deepEqual(inThread, [Compression.None, Compression.Zstd]);
  });

  test('decodeBlobs gives the same plaintexts and the same errors with and without workers', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const key = vault.keyring.current;
    const macKey = vault.keyring.secrets.macKey;
    const parts: Uint8Array[] = [];
    const blobs: BlobEntry[] = [];
    let offset = 0;
    const add = (stored: Uint8Array, entry: Omit<BlobEntry, 'offset' | 'length'>): void => {
      blobs.push({ ...entry, offset, length: stored.length });
      parts.push(stored);
      offset += stored.length;
    };
    const good = async (data: Uint8Array, algorithm: 'zstd' | 'gzip' | 'none'): Promise<void> => {
      const id = chunkId(macKey, data);
      const compressed = await compressChunk(data, { algorithm });
      add(sealBlob(key, id, compressed.algorithm, compressed.data), { id: id.toString('hex'), rawLength: data.length, compression: compressed.algorithm });
    };
    const json = jsonLines(2000);
    await good(json, 'zstd');
    await good(jsonLines(1500), 'gzip');
    await good(randomData(70_000, 9), 'zstd'); // stored as is
    // Authenticates, but is no zstd frame.
    const garbageId = chunkId(macKey, json);
    add(sealBlob(key, garbageId, Compression.Zstd, randomBytes(500)), { id: garbageId.toString('hex'), rawLength: json.length, compression: Compression.Zstd });
    // A valid frame followed by bytes that are no frame.
    const trailing = Buffer.concat([zstdCompressSync(json), Buffer.from('extra')]);
    add(sealBlob(key, garbageId, Compression.Zstd, trailing), { id: garbageId.toString('hex'), rawLength: json.length, compression: Compression.Zstd });
    // The wrong recorded length.
    add(sealBlob(key, garbageId, Compression.Zstd, zstdCompressSync(json)), { id: garbageId.toString('hex'), rawLength: json.length + 1, compression: Compression.Zstd });
    // Authentic, but the plaintext is not what its id says.
    const otherId = chunkId(macKey, Buffer.from('something else'));
    add(sealBlob(key, otherId, Compression.None, json), { id: otherId.toString('hex'), rawLength: json.length, compression: Compression.None });
    // A flipped byte.
    const flipped = Buffer.from(sealBlob(key, garbageId, Compression.None, json));
    flipped[40] = flipped[40]! ^ 1;
    add(flipped, { id: garbageId.toString('hex'), rawLength: json.length, compression: Compression.None });
    // An algorithm byte no reader knows.
    add(sealBlob(key, garbageId, 7, json), { id: garbageId.toString('hex'), rawLength: json.length, compression: 7 });
    await good(Buffer.from('last one'), 'none');
    // Truncated: the read ends inside this blob.
    await good(jsonLines(10), 'zstd');

    const all = Buffer.concat(parts);
    const pack: PackEntry = { id: 'ab'.repeat(32), keyId: Buffer.from(key.id).toString('hex'), size: all.length, blobs };
    const locations: BlobLocation[] = blobs.map((blob) => ({ pack, blob }));
    const read = (): Uint8Array => new Uint8Array(all.subarray(0, all.length - 3)); // a fresh buffer each time (it may be moved)

    // Act
    const onWorkers = await withWorkers(true, () => decodeBlobs(vault, locations, read(), 0));
    const inThread = await withWorkers(false, () => decodeBlobs(vault, locations, read(), 0));

    // Assess
    // Compared without plaintexts in the message when they differ: they are large.
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    for (const [i, result] of onWorkers.entries()) {
      assert.ok(same(describeResult(result), describeResult(inThread[i]!)), `blob ${i}: ${JSON.stringify(describeResult(result)).slice(0, 400)} vs ${JSON.stringify(describeResult(inThread[i]!)).slice(0, 400)}`);
    }

    const kinds = inThread.map((r) => (r instanceof CorruptedBackupError ? r.message.replace(/^blob \w+ in pack \w+ /, '') : 'ok'));
    assert.deepEqual(kinds, [
      'ok',
      'ok',
      'ok',
      'does not decompress',
      'does not decompress',
      'does not decompress',
      'does not match its id',
      'failed authentication',
      'does not decompress',
      'ok',
      'is truncated (' + String(blobs.at(-1)!.length - 3) + ' of ' + String(blobs.at(-1)!.length) + ' bytes)',
    ]);
    const chainOf = (i: number): unknown => (describeResult(onWorkers[i]!) as { chain: string[] }).chain;
    assert.match(String(chainOf(3)), /DecompressionError: corrupt zstd chunk: /);
    assert.match(String(chainOf(4)), /DecompressionError: corrupt zstd chunk: /); // zstd reads the extra bytes as a broken next frame
    assert.match(String(chainOf(5)), /DecompressionError: /);
    assert.match(String(chainOf(7)), /AuthenticationError: authentication failed/);
    assert.match(String(chainOf(8)), /DecompressionError: unknown compression algorithm 7/);
    assert.ok(Buffer.from(onWorkers[0] as Uint8Array).equals(json));
  });

  test('full and incremental backups give the same chunk ids, partition digests, stats and restored bytes with and without workers', async (context) => {
    // Prepare
    const t = await freshVault(context);
    const block = randomData(3 * 1024 * 1024, 11);
    const data = Buffer.concat([block, jsonLines(5000), block, block, randomData(100_000, 12), block]);
    const edited = Buffer.from(data);
    edited.write('an edit in the records', 3 * 1024 * 1024 + 1000);
    const run = async (): Promise<{ blobs: string[]; digest: string; stats: unknown; restored: Buffer; incremental: { blobs: string[]; digest: string; restored: Buffer } }> => {
      const id = await backupBytes(t.vault, data, { type: BackupType.Full });
      const snapshot = await t.vault.readSnapshot(id);
      const { bytes_read, bytes_new, bytes_stored, blobs_total, blobs_new } = snapshot.stats;
      // An incremental computes ids on this thread to decide dedup first: the other path.
      const next = await backupBytes(t.vault, edited, { type: BackupType.Incremental });
      const nextSnapshot = await t.vault.readSnapshot(next);
      return {
        blobs: [...(await partitionBlobs(t.vault, snapshot, snapshot.partitions[0]!))],
        digest: snapshot.partitions[0]!.xxh3_128!,
        stats: { bytes_read, bytes_new, bytes_stored, blobs_total, blobs_new },
        restored: await restoreBytes(t.vault, id),
        incremental: { blobs: [...(await partitionBlobs(t.vault, nextSnapshot, nextSnapshot.partitions[0]!))], digest: nextSnapshot.partitions[0]!.xxh3_128!, restored: await restoreBytes(t.vault, next) },
      };
    };

    // Act
    const onWorkers = await withWorkers(true, run);
    const inThread = await withWorkers(false, run);

    // Assess
    assert.ok(onWorkers.restored.equals(data));
    assert.ok(inThread.restored.equals(data));
    assert.deepEqual(onWorkers.blobs, inThread.blobs);
    assert.equal(onWorkers.digest, inThread.digest);
    assert.deepEqual(onWorkers.stats, inThread.stats);
    assert.ok(onWorkers.incremental.restored.equals(edited));
    assert.ok(inThread.incremental.restored.equals(edited));
    assert.deepEqual(onWorkers.incremental.blobs, inThread.incremental.blobs);
    assert.equal(onWorkers.incremental.digest, inThread.incremental.digest);
    assert.notEqual(onWorkers.incremental.digest, onWorkers.digest);
    const stats = onWorkers.stats as { blobs_total: number; blobs_new: number };
    assert.equal(stats.blobs_total, onWorkers.blobs.length);
    assert.equal(stats.blobs_new, new Set(onWorkers.blobs).size);
    assert.ok(stats.blobs_new < stats.blobs_total, 'repeats were stored once');
  });
});
