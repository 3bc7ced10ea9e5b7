import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { Compression } from '../../vault/compression/codec.js';
import { type CompressionConfig, resolveCompressionConfig } from '../../vault/compression/settings.js';
import { compressChunk, decompressChunk } from '../../vault/compression/compress.js';
import { CompressionError, DecompressionError, InvalidCompressionConfigError } from '../../vault/compression/errors.js';
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** About `size` bytes of JSON-like, compressible text. */
function jsonLike(size: number): Uint8Array {
  const records: string[] = [];
  let length = 0;
  for (let id = 0; length < size; id++) {
    const record = JSON.stringify({
      id,
      name: `customer-${(id * 7919) % 100_003}`,
      email: `user${id}@example.com`,
      balance: ((id * 31337) % 1_000_000) / 100,
      active: id % 3 !== 0,
      tags: ['alpha', 'beta', 'gamma'].slice(0, id % 4),
    });
    records.push(record);
    length += record.length + 2;
  }
  return new Uint8Array(Buffer.from(`[${records.join(',\n')}]`).subarray(0, size));
}

const JSON_CHUNK = jsonLike(512 * 1024);

function isDecompressionError(error: unknown): boolean {
  return error instanceof DecompressionError && error instanceof CompressionError && error instanceof HavenError && error.code === ErrorCode.CorruptedBackup;
}

describe('compression config', () => {
  it('pins the format byte values', () => {
    // Act
    const values = { ...Compression };

    // Assess
    assert.deepEqual(values, { None: 0, Zstd: 1, Gzip: 2 });
  });

  it('fills in default levels', () => {
    // Act
    const zstd = resolveCompressionConfig({ algorithm: 'zstd' });
    const gzip = resolveCompressionConfig({ algorithm: 'gzip' });
    const none = resolveCompressionConfig({ algorithm: 'none' });

    // Assess
    assert.deepEqual(zstd, { algorithm: 'zstd', level: 3 });
    assert.deepEqual(gzip, { algorithm: 'gzip', level: 6 });
    assert.deepEqual(none, { algorithm: 'none', level: 0 });
  });

  it('keeps a level that is given', () => {
    // Act
    const resolved = resolveCompressionConfig({ algorithm: 'zstd', level: 19 });

    // Assess
    assert.deepEqual(resolved, { algorithm: 'zstd', level: 19 });
  });

  it('rejects invalid levels and algorithms with InvalidCompressionConfigError', async () => {
    // Prepare
    const bad = [
      { algorithm: 'zstd', level: 0 },
      { algorithm: 'zstd', level: 20 },
      { algorithm: 'zstd', level: -1 },
      { algorithm: 'zstd', level: 2.5 },
      { algorithm: 'gzip', level: 0 },
      { algorithm: 'gzip', level: 10 },
      { algorithm: 'gzip', level: Number.NaN },
      { algorithm: 'brotli' },
    ] as unknown as CompressionConfig[];
    const check = (error: unknown) =>
      error instanceof InvalidCompressionConfigError && error instanceof CompressionError && error.code === ErrorCode.InvalidInput;
    for (const config of bad) {
      // Act
      const resolve = () => resolveCompressionConfig(config);
      const compressing = compressChunk(JSON_CHUNK, config);

      // Assess
      await assert.rejects(compressing, check, JSON.stringify(config));
      assert.throws(resolve, check, JSON.stringify(config));
    }
  });
});

describe('compressChunk / decompressChunk', () => {
  const configs: CompressionConfig[] = [
    { algorithm: 'zstd' },
    { algorithm: 'zstd', level: 1 },
    { algorithm: 'zstd', level: 9 },
    { algorithm: 'zstd', level: 19 },
    { algorithm: 'gzip' },
    { algorithm: 'gzip', level: 1 },
    { algorithm: 'gzip', level: 9 },
  ];

  it('round-trips compressible data for every algorithm and level, and it shrinks', async () => {
    for (const config of configs) {
      // Act
      const stored = await compressChunk(JSON_CHUNK, config);
      const restored = await decompressChunk(stored.data, stored.algorithm, JSON_CHUNK.length);

      // Assess
      assert.equal(stored.algorithm, config.algorithm === 'zstd' ? Compression.Zstd : Compression.Gzip);
      assert.ok(stored.data.length < JSON_CHUNK.length / 3, `${JSON.stringify(config)}: ${stored.data.length}`);
      assert.deepEqual(restored, JSON_CHUNK);
    }
  });

  it('writes zstd frames with the content size and without a checksum', async () => {
    // Act
    const stored = await compressChunk(JSON_CHUNK, { algorithm: 'zstd' });

    // Assess
    assert.deepEqual([...stored.data.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
    const descriptor = stored.data[4]!;
    assert.equal(descriptor & 0x04, 0, 'content checksum flag is off');
    assert.notEqual(descriptor >> 6, 0, 'frame content size is present');
  });

  it('writes gzip members', async () => {
    // Act
    const gz = await compressChunk(JSON_CHUNK, { algorithm: 'gzip' });

    // Assess
    assert.deepEqual([...gz.data.subarray(0, 2)], [0x1f, 0x8b]);
  });

  it('round-trips arbitrary data (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 5000 }), fc.string({ maxLength: 3000 }).map((s) => new Uint8Array(Buffer.from(s.repeat(3))))),
        fc.constantFrom(...configs, { algorithm: 'none' } as const),
        async (data, config) => {
          // Act
          const stored = await compressChunk(data, config);
          const restored = await decompressChunk(stored.data, stored.algorithm, data.length);

          // Assess
          assert.ok(stored.data.length <= data.length);
          assert.deepEqual(restored, data);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stores incompressible data uncompressed, unchanged and flagged None', async () => {
    // Prepare
    const random = new Uint8Array(randomBytes(256 * 1024));
    for (const config of [...configs, { algorithm: 'none' } as const]) {
      // Act
      const stored = await compressChunk(random, config);

      // Assess
      assert.equal(stored.algorithm, Compression.None);
      assert.equal(stored.data, random);
      assert.equal(await decompressChunk(stored.data, Compression.None, random.length), random);
    }
  });

  it('stores an empty chunk flagged None', async () => {
    // Act
    const empty = await compressChunk(new Uint8Array(0), { algorithm: 'zstd' });

    // Assess
    assert.equal(empty.algorithm, Compression.None);
    assert.deepEqual(await decompressChunk(empty.data, empty.algorithm, 0), new Uint8Array(0));
  });

  it('rejects corrupt input with DecompressionError carrying the cause', async () => {
    for (const algorithm of [Compression.Zstd, Compression.Gzip]) {
      // Prepare
      const stored = await compressChunk(JSON_CHUNK, { algorithm: algorithm === Compression.Zstd ? 'zstd' : 'gzip' });
      const badMagic = Uint8Array.from(stored.data);
      badMagic[0]! ^= 0xff;
      const truncated = stored.data.subarray(0, stored.data.length - 10);
      const trailing = new Uint8Array(Buffer.concat([stored.data, Buffer.from([0, 0, 0, 0])]));
      const garbage = new Uint8Array(randomBytes(1000));
      for (const [label, data] of [['bad magic', badMagic], ['truncated', truncated], ['trailing bytes', trailing], ['garbage', garbage]] as const) {
        // Act
        const decompressing = decompressChunk(data, algorithm, JSON_CHUNK.length);

        // Assess
        await assert.rejects(decompressing, isDecompressionError, `${algorithm} ${label}`);
      }

      // Act
      const decompressingBadMagic = decompressChunk(badMagic, algorithm, JSON_CHUNK.length);

      // Assess
      await assert.rejects(decompressingBadMagic, (error: unknown) => error instanceof DecompressionError && error.cause instanceof Error);
    }
  });

  it("rejects a gzip chunk with a flipped bit in its payload (gzip's CRC-32 catches it)", async () => {
    // Prepare
    const gz = await compressChunk(JSON_CHUNK, { algorithm: 'gzip' });
    const flipped = Uint8Array.from(gz.data);
    flipped[flipped.length >> 1]! ^= 0x01;

    // Act
    const decompressing = decompressChunk(flipped, Compression.Gzip, JSON_CHUNK.length);

    // Assess
    await assert.rejects(decompressing, isDecompressionError);
  });

  it('rejects an unknown algorithm byte', async () => {
    for (const algorithm of [3, -1]) {
      // Act
      const decompressing = decompressChunk(JSON_CHUNK, algorithm, JSON_CHUNK.length);

      // Assess
      await assert.rejects(decompressing, isDecompressionError, `algorithm ${algorithm}`);
    }
  });

  it('rejects a wrong expected length, never inflating past it', async () => {
    // Prepare
    const cases: Array<{ label: string; data: Uint8Array; algorithm: number; expected: number }> = [];
    for (const config of [{ algorithm: 'zstd' }, { algorithm: 'gzip' }] as const) {
      const stored = await compressChunk(JSON_CHUNK, config);
      for (const expected of [JSON_CHUNK.length - 1, 1000, 0, JSON_CHUNK.length + 1, 2 * JSON_CHUNK.length, -1, 1.5]) {
        cases.push({ label: `${config.algorithm} ${expected}`, data: stored.data, algorithm: stored.algorithm, expected });
      }
    }
    cases.push({ label: `none ${JSON_CHUNK.length - 1}`, data: JSON_CHUNK, algorithm: Compression.None, expected: JSON_CHUNK.length - 1 });
    for (const { label, data, algorithm, expected } of cases) {
      // Act
      const decompressing = decompressChunk(data, algorithm, expected);

      // Assess
      await assert.rejects(decompressing, isDecompressionError, label);
    }
  });

  it('bounds the output of a decompression bomb by the expected length', async () => {
    // Prepare
    const bomb = new Uint8Array(zlib.zstdCompressSync(Buffer.alloc(64 * 1024 * 1024)));
    assert.ok(bomb.length < 10_000);

    // Act
    const decompressing = decompressChunk(bomb, Compression.Zstd, 2 * 1024 * 1024);

    // Assess
    await assert.rejects(decompressing, (error: unknown) => {
      return isDecompressionError(error) && error instanceof Error && error.cause instanceof Error;
    });
  });
});
