import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import zlib from 'node:zlib';
import { Compression } from '../../vault/compression/codec.js';
import { compressChunk } from '../../vault/compression/compress.js';
import { looksIncompressible } from '../../vault/compression/entropy.js';
import { jsonLines } from '../helpers/engine.js';

describe('looksIncompressible', () => {
  it('flags random bytes and already-compressed data', () => {
    assert.equal(looksIncompressible(randomBytes(256 * 1024)), true);
    assert.equal(looksIncompressible(zlib.gzipSync(jsonLines(40_000))), true);
  });

  it('passes text, JSON, base64, sparse and small chunks on to the compressor', () => {
    assert.equal(looksIncompressible(jsonLines(3000)), false);
    assert.equal(looksIncompressible(Buffer.from(randomBytes(192 * 1024).toString('base64'))), false);
    assert.equal(looksIncompressible(new Uint8Array(256 * 1024)), false);
    assert.equal(looksIncompressible(randomBytes(16 * 1024 - 1)), false, 'under 16 KiB: always tried');
  });

  it('only skips what compressing would not have shrunk anyway (random chunks of every chunk size)', async () => {
    for (const size of [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024]) {
      const random = randomBytes(size);
      assert.equal(looksIncompressible(random), true, `${size} bytes`);
      assert.ok(zlib.zstdCompressSync(random).length >= size, 'zstd would not have shrunk it');
      const stored = await compressChunk(random, { algorithm: 'zstd' });
      assert.equal(stored.algorithm, Compression.None);
    }
  });
});
