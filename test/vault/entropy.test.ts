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
    // Prepare
    const random = randomBytes(256 * 1024);
    const gzipped = zlib.gzipSync(jsonLines(40_000));

    // Act
    const randomFlagged = looksIncompressible(random);
    const gzippedFlagged = looksIncompressible(gzipped);

    // Assess
    assert.equal(randomFlagged, true);
    assert.equal(gzippedFlagged, true);
  });

  it('passes text, JSON, base64, sparse and small chunks on to the compressor', () => {
    // Prepare
    const json = jsonLines(3000);
    const base64 = Buffer.from(randomBytes(192 * 1024).toString('base64'));
    const sparse = new Uint8Array(256 * 1024);
    const small = randomBytes(16 * 1024 - 1);

    // Act
    const flagged = [json, base64, sparse, small].map((chunk) => looksIncompressible(chunk));

    // Assess
    assert.equal(flagged[0], false);
    assert.equal(flagged[1], false);
    assert.equal(flagged[2], false);
    assert.equal(flagged[3], false, 'under 16 KiB: always tried');
  });

  it('only skips what compressing would not have shrunk anyway (random chunks of every chunk size)', async () => {
    for (const size of [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024]) {
      // Prepare
      const random = randomBytes(size);

      // Act
      const flagged = looksIncompressible(random);
      const stored = await compressChunk(random, { algorithm: 'zstd' });

      // Assess
      assert.equal(flagged, true, `${size} bytes`);
      assert.ok(zlib.zstdCompressSync(random).length >= size, 'zstd would not have shrunk it');
      assert.equal(stored.algorithm, Compression.None);
    }
  });
});
