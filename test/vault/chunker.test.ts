import { createCipheriv, createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { InvalidChunkerParamsError, ChunkerError } from '../../vault/chunker/errors.js';
import { Chunker, DEFAULT_CHUNKER_PARAMS, chunkStream } from '../../vault/chunker/fastcdc.js';
import { gearTable } from '../../vault/chunker/gear.js';
import { type ChunkerParams, chunkerMasks } from '../../vault/chunker/params.js';
import { ErrorCode, HavenError } from '../../vault/errors.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SECRET_A = Uint8Array.from({ length: 32 }, (_, k) => k);
const SECRET_B = Uint8Array.from({ length: 32 }, (_, k) => 255 - k);
const GEAR_A = gearTable(SECRET_A);
const GEAR_B = gearTable(SECRET_B);
/** Small sizes so property tests see many chunks in little data. */
const SMALL: ChunkerParams = { min: 256, avg: 1024, max: 4096 };

/** Deterministic pseudo-random bytes (AES-256-CTR keystream of a seed). */
function pseudoRandom(length: number, seed = 1): Uint8Array {
  const key = createHash('sha256').update(`chunker-test-${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const out = Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The cut rule written as plainly as possible, over the whole input at once. */
function referenceLengths(data: Uint8Array, gear: Uint32Array, params: ChunkerParams): number[] {
  const { maskS, maskL } = chunkerMasks(params.avg);
  const lengths: number[] = [];
  let start = 0;
  while (start < data.length) {
    const limit = Math.min(data.length - start, params.max);
    let length = limit;
    let h = 0;
    for (let p = params.min; p < limit; p++) {
      h = ((h << 1) + gear[data[start + p]!]!) >>> 0;
      if ((h & (p < params.avg ? maskS : maskL)) === 0) {
        length = p + 1;
        break;
      }
    }
    lengths.push(length);
    start += length;
  }
  return lengths;
}

/** Chunks `data` fed to one Chunker in pieces ending at the given split points. */
function chunkPieces(data: Uint8Array, gear: Uint32Array, params: ChunkerParams, splits: number[] = []): Uint8Array[] {
  const chunker = new Chunker(gear, params);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of [...splits].sort((a, b) => a - b).concat(data.length)) {
    chunks.push(...chunker.push(data.subarray(from, at)));
    from = at;
  }
  const last = chunker.finish();
  if (last) chunks.push(last);
  return chunks;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

function digest(chunk: Uint8Array): string {
  return createHash('sha256').update(chunk).digest('hex');
}

async function* piecesOf(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.slice(at, at + size);
}

describe('gearTable', () => {
  it('derives 256 values with HMAC-SHA256(secret, "haven-gear-v1" || u32be(counter)), big-endian', () => {
    // Act
    const gear = gearTable(SECRET_A);

    // Assess
    // Known answers computed independently (Python hmac) from the documented derivation.
    assert.equal(gear.length, 256);
    assert.equal(gear[0], 0xb4668aea);
    assert.equal(gear[1], 0x4beae5f9);
    assert.equal(gear[8], 0x493e1abd);
    assert.equal(gear[255], 0xf319fafd);
  });

  it('is deterministic per secret', () => {
    // Prepare
    const sameSecret = Uint8Array.from(SECRET_A);

    // Act
    const gear = gearTable(sameSecret);

    // Assess
    assert.deepEqual(gear, GEAR_A);
  });

  it('differs between secrets', () => {
    // Act
    const gearB = gearTable(SECRET_B);

    // Assess
    assert.notDeepEqual(gearB, GEAR_A);
  });

  it('rejects a secret that is not 32 bytes', () => {
    for (const length of [0, 16, 31, 33, 64]) {
      // Prepare
      const secret = new Uint8Array(length);

      // Act
      const derive = () => gearTable(secret);

      // Assess
      assert.throws(derive, InvalidChunkerParamsError);
    }
  });
});

describe('chunker parameters', () => {
  it('has the documented defaults', () => {
    // Act
    const defaults = { ...DEFAULT_CHUNKER_PARAMS };

    // Assess
    assert.deepEqual(defaults, { min: 64 * KiB, avg: 256 * KiB, max: 1 * MiB });
  });

  it('derives the documented masks from the average size', () => {
    // Act
    const masks = [256 * KiB, 512 * KiB, 1024].map((avg) => chunkerMasks(avg));

    // Assess
    assert.deepEqual(masks[0], { maskS: 0xfffff000, maskL: 0xffff0000 });
    assert.deepEqual(masks[1], { maskS: 0xfffff800, maskL: 0xffff8000 });
    assert.deepEqual(masks[2], { maskS: 0xfff00000, maskL: 0xff000000 });
  });

  it('rejects invalid parameters with InvalidChunkerParamsError', () => {
    // Prepare
    const bad: ChunkerParams[] = [
      { min: 128 * KiB, avg: 500 * KiB, max: 2 * MiB }, // avg not a power of two
      { min: 512 * KiB, avg: 512 * KiB, max: 2 * MiB }, // min == avg
      { min: 600 * KiB, avg: 512 * KiB, max: 2 * MiB }, // min > avg
      { min: 128 * KiB, avg: 512 * KiB, max: 512 * KiB }, // max == avg
      { min: 32, avg: 1024, max: 4096 }, // min too small
      { min: 64, avg: 128, max: 4096 }, // avg too small
      { min: 1 * MiB, avg: 128 * MiB, max: 256 * MiB }, // avg too large
      { min: 128 * KiB, avg: 512 * KiB, max: 512 * MiB }, // max too large
      { min: 1.5, avg: 1024, max: 4096 }, // not an integer
      { min: 256, avg: Number.NaN, max: 4096 },
      { min: -256, avg: 1024, max: 4096 },
    ];
    for (const params of bad) {
      // Act
      const construct = () => new Chunker(GEAR_A, params);

      // Assess
      assert.throws(
        construct,
        (error: unknown) =>
          error instanceof InvalidChunkerParamsError &&
          error instanceof ChunkerError &&
          error instanceof HavenError &&
          error.code === ErrorCode.InvalidInput,
        JSON.stringify(params),
      );
    }
  });

  it('rejects a gear table that is not 256 values with InvalidChunkerParamsError', () => {
    // Prepare
    const gear = new Uint32Array(255);

    // Act
    const construct = () => new Chunker(gear);

    // Assess
    assert.throws(construct, InvalidChunkerParamsError);
  });
});

describe('Chunker', () => {
  it('matches the documented cut rule (known answer, computed independently)', () => {
    // Prepare
    const data = new Uint8Array(
      Buffer.concat(
        Array.from({ length: 2048 }, (_, k) => {
          const counter = Buffer.alloc(4);
          counter.writeUInt32BE(k);
          return createHash('sha256').update('haven-test-data').update(counter).digest();
        }),
      ),
    );
    const expected = [
      1290, 1155, 686, 1245, 1283, 1136, 1216, 1340, 1286, 1974, 1766, 1267, 1258, 1115, 1116, 1500, 1181, 1034, 1060,
      1617, 1055, 1157, 1086, 1090, 1154, 309, 1245, 1123, 1235, 1537, 1146, 1401, 2302, 1134, 1321, 1071, 676, 1957,
      1374, 1513, 1144, 1314, 1049, 1257, 1039, 1242, 1250, 1206, 1149, 2119, 1097, 1259,
    ];

    // Act
    const lengths = chunkPieces(data, GEAR_A, SMALL).map((c) => c.length);

    // Assess
    assert.deepEqual(lengths, expected);
  });

  it('agrees with a plain reference implementation on random data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40_000 }), (bytes) => {
        // Prepare
        const data = new Uint8Array(bytes);

        // Act
        const lengths = chunkPieces(data, GEAR_A, SMALL).map((c) => c.length);

        // Assess
        assert.deepEqual(lengths, referenceLengths(data, GEAR_A, SMALL));
      }),
      { numRuns: 60 },
    );
  });

  it('covers the input exactly, with min <= length <= max except for the last chunk', () => {
    // Prepare
    const data = pseudoRandom(8 * MiB, 2);

    // Act
    const chunks = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS, [1, 100_000, 3 * MiB, 3 * MiB + 7]);

    // Assess
    assert.ok(chunks.length > 5);
    assert.deepEqual(concat(chunks), data);
    for (const chunk of chunks.slice(0, -1)) {
      assert.ok(chunk.length >= DEFAULT_CHUNKER_PARAMS.min && chunk.length <= DEFAULT_CHUNKER_PARAMS.max, `${chunk.length}`);
    }
    assert.ok(chunks.at(-1)!.length <= DEFAULT_CHUNKER_PARAMS.max);
  });

  it('produces identical chunks however the input is split (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 30_000 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (bytes, rawSplits) => {
          // Prepare
          const data = new Uint8Array(bytes);
          const splits = rawSplits.map((s) => s % (data.length + 1));

          // Act
          const whole = chunkPieces(data, GEAR_A, SMALL);
          const split = chunkPieces(data, GEAR_A, SMALL, splits);

          // Assess
          assert.deepEqual(split, whole);
          assert.deepEqual(concat(split), data);
          for (const chunk of split.slice(0, -1)) assert.ok(chunk.length >= SMALL.min && chunk.length <= SMALL.max);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('produces identical chunks with default sizes when pieces end around cuts and region changes', () => {
    // Prepare
    const data = pseudoRandom(6 * MiB, 3);
    const whole = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS);
    assert.ok(whole.length >= 5);
    const { min, avg } = DEFAULT_CHUNKER_PARAMS;
    const nearby: number[] = [];
    let offset = 0;
    for (const chunk of whole) {
      for (const at of [offset, offset + min, offset + avg]) nearby.push(at - 1, at, at + 1);
      offset += chunk.length;
    }
    const inRange = (splits: number[]) => splits.filter((at) => at >= 0 && at <= data.length);
    for (const splits of [inRange(nearby), Array.from({ length: 200 }, (_, k) => k * 31_337), [64 * KiB, 5 * MiB]]) {
      // Act
      const split = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS, splits);

      // Assess
      assert.deepEqual(split, whole);
    }
  });

  it('is deterministic for a secret', () => {
    // Prepare
    const data = pseudoRandom(4 * MiB, 4);
    const sameSecret = gearTable(Uint8Array.from(SECRET_A));

    // Act
    const a1 = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS).map((c) => c.length);
    const a2 = chunkPieces(data, sameSecret, DEFAULT_CHUNKER_PARAMS).map((c) => c.length);

    // Assess
    assert.deepEqual(a2, a1);
  });

  it('cuts elsewhere under another secret, at (almost) disjoint offsets', () => {
    // Prepare
    const data = pseudoRandom(4 * MiB, 4);

    // Act
    const a = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS).map((c) => c.length);
    const b = chunkPieces(data, GEAR_B, DEFAULT_CHUNKER_PARAMS).map((c) => c.length);

    // Assess
    assert.notDeepEqual(b, a);
    // Not just shifted a little: the boundary offsets of the two vaults are (almost) disjoint.
    const offsets = (lengths: number[]) => new Set(lengths.slice(0, -1).map((_, k) => lengths.slice(0, k + 1).reduce((s, l) => s + l, 0)));
    const shared = [...offsets(b)].filter((o) => offsets(a).has(o));
    assert.equal(shared.length, 0);
  });

  it('averages within ±30% of avg on 32 MiB of random data', () => {
    // Prepare
    const data = pseudoRandom(32 * MiB, 5);

    // Act
    const chunks = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS, [MiB, 9 * MiB, 20 * MiB]);

    // Assess
    const mean = data.length / chunks.length;
    const avg = DEFAULT_CHUNKER_PARAMS.avg;
    assert.ok(mean >= avg * 0.7 && mean <= avg * 1.3, `mean chunk ${Math.round(mean)} B over ${chunks.length} chunks`);
  });

  it('returns no chunk for empty input', () => {
    // Prepare
    const chunker = new Chunker(GEAR_A);

    // Act
    const whole = chunkPieces(new Uint8Array(0), GEAR_A, DEFAULT_CHUNKER_PARAMS);
    const pushed = chunker.push(new Uint8Array(0));
    const last = chunker.finish();

    // Assess
    assert.deepEqual(whole, []);
    assert.deepEqual(pushed, []);
    assert.equal(last, undefined);
  });

  it('returns one chunk for a 1-byte input', () => {
    // Act
    const chunks = chunkPieces(Uint8Array.of(42), GEAR_A, DEFAULT_CHUNKER_PARAMS);

    // Assess
    assert.deepEqual(chunks, [Uint8Array.of(42)]);
  });

  it('resists boundary shift: inserting 100 bytes near the start changes only a few chunks', () => {
    // Prepare
    const original = pseudoRandom(16 * MiB, 6);
    const inserted = new Uint8Array(Buffer.concat([original.subarray(0, 1000), pseudoRandom(100, 7), original.subarray(1000)]));

    // Act
    const before = chunkPieces(original, GEAR_A, DEFAULT_CHUNKER_PARAMS).map(digest);
    const after = chunkPieces(inserted, GEAR_A, DEFAULT_CHUNKER_PARAMS).map(digest);

    // Assess
    const known = new Set(before);
    const changed = after.filter((d) => !known.has(d)).length;
    assert.ok(before.length > 20);
    assert.ok(changed >= 1 && changed <= 3, `${changed} of ${after.length} chunks changed`);
    assert.deepEqual(after.slice(-(before.length - 3)), before.slice(-(before.length - 3)));
  });

  it('skips the first min bytes and includes the matching byte (all-zero gear cuts at min + 1)', () => {
    // Prepare
    const data = pseudoRandom(10_000, 8);

    // Act
    const chunks = chunkPieces(data, new Uint32Array(256), SMALL, [100, 257, 258, 5000]);

    // Assess
    assert.deepEqual(
      chunks.map((c) => c.length),
      [...Array(38).fill(SMALL.min + 1), 10_000 - 38 * (SMALL.min + 1)],
    );
  });

  it('cuts at max when no content boundary occurs', () => {
    // Prepare
    // With every gear value 0x80000001 the hash never clears the high bits.
    const gear = new Uint32Array(256).fill(0x80000001);
    const data = pseudoRandom(20_000, 9);

    // Act
    const chunks = chunkPieces(data, gear, SMALL, [4095, 4096, 4097, 12_000]);

    // Assess
    assert.deepEqual(
      chunks.map((c) => c.length),
      [4096, 4096, 4096, 4096, 20_000 - 4 * 4096],
    );
  });

  it('never keeps a reference to an input piece: overwriting it after push leaves later chunks intact', () => {
    // Prepare
    const data = pseudoRandom(3 * MiB, 10);
    const expected = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS).map(digest);
    const chunker = new Chunker(GEAR_A);
    const reused = new Uint8Array(64 * KiB);
    const got: string[] = [];

    // Act
    for (let at = 0; at < data.length; at += reused.length) {
      reused.set(data.subarray(at, at + reused.length));
      // Chunks from a reused buffer must be consumed (or copied) before it is overwritten.
      got.push(...chunker.push(reused.subarray(0, Math.min(reused.length, data.length - at))).map(digest));
      reused.fill(0xee);
    }
    got.push(digest(chunker.finish()!));

    // Assess
    assert.deepEqual(got, expected);
  });

  it('returns chunks inside one piece as views of it', () => {
    // Prepare
    const data = pseudoRandom(4 * MiB, 11);

    // Act
    const chunks = new Chunker(GEAR_A).push(data);

    // Assess
    assert.ok(chunks.length >= 2);
    for (const chunk of chunks) assert.equal(chunk.buffer, data.buffer);
  });

  it('returns chunks spanning pieces as fresh arrays', () => {
    // Prepare
    const data = pseudoRandom(4 * MiB, 11);
    const inOnePiece = new Chunker(GEAR_A).push(data);

    // Act
    const spanning = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS, [1]);

    // Assess
    assert.notEqual(spanning[0]!.buffer, data.buffer);
    assert.deepEqual(spanning[0], inOnePiece[0]);
  });

  it('is reusable after finish()', () => {
    // Prepare
    const data = pseudoRandom(200_000, 12);
    const chunker = new Chunker(GEAR_A, SMALL);
    chunker.push(data.subarray(0, 1000));
    chunker.finish();

    // Act
    const again = [...chunker.push(data), chunker.finish()!];

    // Assess
    assert.deepEqual(again, chunkPieces(data, GEAR_A, SMALL));
  });
});

describe('chunkStream', () => {
  it('yields the same chunks as the Chunker, for any piece size', async () => {
    // Prepare
    const data = pseudoRandom(5 * MiB + 123, 13);
    const expected = chunkPieces(data, GEAR_A, DEFAULT_CHUNKER_PARAMS).map(digest);
    for (const size of [1000, 64 * KiB, 3 * MiB, 8 * MiB]) {
      // Act
      const got: string[] = [];
      for await (const chunk of chunkStream(piecesOf(data, size), GEAR_A, DEFAULT_CHUNKER_PARAMS)) got.push(digest(chunk));

      // Assess
      assert.deepEqual(got, expected, `piece size ${size}`);
    }
  });

  it('yields no chunk for empty input', async () => {
    // Act
    const none: Uint8Array[] = [];
    for await (const chunk of chunkStream(piecesOf(new Uint8Array(0), 1), GEAR_A)) none.push(chunk);

    // Assess
    assert.deepEqual(none, []);
  });

  it('yields one chunk for a 1-byte input', async () => {
    // Act
    const one: Uint8Array[] = [];
    for await (const chunk of chunkStream(piecesOf(Uint8Array.of(7), 1), GEAR_A)) one.push(chunk);

    // Assess
    assert.deepEqual(one, [Uint8Array.of(7)]);
  });
});
