/**
 * The compact dedup set of blob ids (vault/index/blob-id-set.ts), filled from
 * index payloads as `Vault.loadBlobIds` fills it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'vitest';
import { BlobIdSetBuilder, type BlobIdSet } from '../../../vault/index/blob-id-set.js';
import { encodeIndex } from '../../../vault/index/index-codec.js';
import type { PackEntry } from '../../../vault/index/types.js';
import { VaultFormatError } from '../../../vault/format/errors.js';

/** An index payload of one pack per group of ids. */
function payload(...packs: string[][]): Buffer {
  const entries: PackEntry[] = packs.map((ids) => ({
    id: randomBytes(32).toString('hex'),
    keyId: 'c0'.repeat(16),
    size: 1024,
    blobs: ids.map((id, i) => ({ id, offset: i * 10, length: 10, rawLength: 10, compression: 0 })),
  }));
  return encodeIndex(entries);
}

/** A set built from index payloads. */
function setOf(...payloads: Buffer[]): BlobIdSet {
  const builder = new BlobIdSetBuilder();
  payloads.forEach((p, i) => builder.addPayload(p, `i${i}`));
  return builder.build();
}

const randomId = (): string => randomBytes(32).toString('hex');

/** `count` random ids from one buffer of random bytes (one call, not one per id). */
function randomIds(count: number): string[] {
  const bytes = randomBytes(count * 32);
  return Array.from({ length: count }, (_, i) => bytes.toString('hex', i * 32, (i + 1) * 32));
}

describe('BlobIdSet', () => {
  test('holds the ids of its payloads and no others', () => {
    // Prepare
    const ids = Array.from({ length: 50 }, randomId);
    const others = Array.from({ length: 50 }, randomId);

    // Act
    const set = setOf(payload(ids.slice(0, 20), ids.slice(20)), payload([]));

    // Assess
    assert.deepEqual(ids.filter((id) => !set.has(id)), []);
    assert.deepEqual(others.filter((id) => set.has(id)), []);
  });

  test('keeps an id listed in two packs, found either way', () => {
    // Prepare
    const id = randomId();
    const neighbours = Array.from({ length: 10 }, randomId);

    // Act
    const set = setOf(payload([id, ...neighbours]), payload([id]));

    // Assess
    assert.equal(set.size, 12);
    assert.ok(set.has(id));
    assert.ok(neighbours.every((n) => set.has(n)));
  });

  test('orders many copies of a few ids among distinct ones', () => {
    // Prepare
    const few = randomIds(3);
    const distinct = randomIds(5000);
    const copies = Array.from({ length: 3000 }, (_, i) => few[i % 3]!);

    // Act
    const set = setOf(payload(copies.slice(0, 1500), distinct, copies.slice(1500)));

    // Assess
    assert.equal(set.size, 8000);
    assert.deepEqual([...few, ...distinct].filter((id) => !set.has(id)), []);
    assert.equal(randomIds(5000).filter((id) => set.has(id)).length, 0);
  });

  test('finds every one of 100,000 random ids across segments and buckets, and none of 100,000 others', () => {
    // Prepare
    const ids = randomIds(100_000);
    const packs: string[][] = [];
    for (let at = 0; at < ids.length; at += 4096) packs.push(ids.slice(at, at + 4096));

    // Act
    const set = setOf(payload(...packs));

    // Assess
    assert.equal(set.size, ids.length);
    assert.equal(ids.filter((id) => !set.has(id)).length, 0);
    assert.equal(randomIds(100_000).filter((id) => set.has(id)).length, 0);
  });

  test('finds patterned ids (counters within the first 16 bytes, sharing their leading bytes)', () => {
    // Prepare
    const patterned = (i: number): string => `${i.toString(16).padStart(32, '0')}${'0'.repeat(32)}`;
    const ids = Array.from({ length: 20_000 }, (_, i) => patterned(i));

    // Act
    const set = setOf(payload(ids));

    // Assess
    assert.equal(ids.filter((id) => !set.has(id)).length, 0);
    assert.equal(set.has(patterned(20_000)), false);
  });

  test('an empty set holds nothing', () => {
    // Prepare
    const builder = new BlobIdSetBuilder();

    // Act
    const set = builder.build();

    // Assess
    assert.equal(set.size, 0);
    assert.equal(set.has(randomId()), false);
  });

  test('a malformed id is absent, not an error', () => {
    // Prepare
    const id = randomId();
    const set = setOf(payload([id]));

    // Act
    const answers = [id.slice(0, 63), `${id}0`, `${id.slice(0, 62)}zz`, 'z'.repeat(64), ''].map((bad) => set.has(bad));

    // Assess
    assert.deepEqual(answers, [false, false, false, false, false]);
  });

  test('a malformed payload is refused and adds nothing', () => {
    // Prepare
    const builder = new BlobIdSetBuilder();
    const good = payload([randomId(), randomId()]);

    // Act
    const refused = (() => {
      try {
        builder.addPayload(good.subarray(0, good.length - 1), 'bad');
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    assert.ok(refused instanceof VaultFormatError);
    assert.equal(builder.size, 0);
  });

  test('keeps 128 bits of an id: an id differing only in its last 16 bytes reads as present', () => {
    // Prepare
    const id = randomId();
    const set = setOf(payload([id]));

    // Act
    const twin = `${id.slice(0, 32)}${randomBytes(16).toString('hex')}`;

    // Assess
    assert.ok(set.has(twin));
  });
});
