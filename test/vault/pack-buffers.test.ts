import { test } from 'vitest';
import assert from 'node:assert/strict';
import { PackBuffers, PackBuilder } from '../../vault/pack/pack-builder.js';

test('PackBuffers gives a kept buffer back only to a request it can hold', () => {
  // Prepare
  const buffers = new PackBuffers(2);
  const kept = new Uint8Array(1024);
  buffers.give(kept);

  // Act
  const tooSmall = buffers.take(2048);
  const fits = buffers.take(512);
  const again = buffers.take(512);

  // Assess
  assert.equal(tooSmall, undefined);
  assert.equal(fits, kept);
  assert.equal(again, undefined);
});

test('a pack builder fills a buffer released by the previous pack, and the new pack holds only its own blobs', async () => {
  // Prepare
  const buffers = new PackBuffers(1);
  const key = { id: new Uint8Array(16), key: new Uint8Array(32) };
  const first = new PackBuilder(4096, buffers);
  first.add('a'.repeat(64), 0, 3, new Uint8Array([1, 2, 3]));
  const finished = await first.finish(key);
  finished.release();

  // Act
  const second = new PackBuilder(4096, buffers);
  second.add('b'.repeat(64), 0, 2, new Uint8Array([9, 9]));
  const next = await second.finish(key);

  // Assess
  assert.equal(buffers.take(1), undefined, 'the released buffer was taken by the second builder');
  assert.deepEqual([...next.bytes.subarray(0, 2)], [9, 9]);
  assert.deepEqual(next.entry.blobs.map((b) => b.id), ['b'.repeat(64)]);
});
