import { test } from 'vitest';
import assert from 'node:assert/strict';
import { listPiece, splitPoints } from '../../sources/s3/listing-plan.js';
import { compareKeys, type ListedObject } from '../../sources/s3/listing.js';
import { joinRanges, type CountedRange } from '../../sources/s3/range-plan.js';
import type { KeyRange } from '../../sources/source.js';
import { InvalidSourceConfigError } from '../../sources/errors.js';

/** Keys in S3 (UTF-8 byte) order, each 10 bytes. */
function sorted(keys: readonly string[]): ListedObject[] {
  return [...keys].sort(compareKeys).map((key) => ({ key, size: 10 }));
}

/** The objects of a range, as S3 lists them: `start_after < key <= last_key`. */
async function* within(objects: readonly ListedObject[], range: KeyRange): AsyncGenerator<ListedObject> {
  for (const object of objects) {
    if (compareKeys(object.key, range.start_after) <= 0) continue;
    if (range.last_key !== null && compareKeys(object.key, range.last_key) > 0) return;
    yield object;
  }
}

/** Lists everything in rounds as the workflow does: every piece of a round, then the rest as the next round. */
async function listInRounds(objects: readonly ListedObject[], budget: number, limits = { maxBytes: 1e12, maxKeys: 7 }) {
  let round: KeyRange[] = [{ start_after: '', last_key: null }];
  const ranges: CountedRange[] = [];
  let rounds = 0;
  while (round.length > 0) {
    rounds += 1;
    const next: KeyRange[] = [];
    for (const range of round) {
      const piece = await listPiece(within(objects, range), range, limits, { keys: budget });
      ranges.push(...piece.ranges);
      next.push(...piece.rest);
    }
    round = next;
  }
  return { ranges, rounds };
}

/** The keys each range holds, in range order. */
function keysByRange(objects: readonly ListedObject[], ranges: readonly KeyRange[]): string[][] {
  return ranges.map((range) =>
    objects.filter((o) => compareKeys(o.key, range.start_after) > 0 && (range.last_key === null || compareKeys(o.key, range.last_key) <= 0)).map((o) => o.key),
  );
}

const KEYS = [
  ...Array.from({ length: 230 }, (_, i) => `k-${String(i).padStart(4, '0')}`),
  'a/é', 'a/z', 'a/😀', 'a/\uFFFD', 'b', 'K', 'k', 'k-', 'k-0', 'zz/deep/key', '~tilde', 'ünï/x',
];

test('a listing in rounds puts every key in exactly one joined range, in S3 order, unicode keys included', async () => {
  // Prepare
  const objects = sorted(KEYS);

  // Act
  const listed = await listInRounds(objects, 20);
  const joined = joinRanges(listed.ranges, { keysPerRange: 7, maxPartitions: 1000 });

  // Assess
  assert.ok(listed.rounds >= 3, `listed in ${listed.rounds} rounds`);
  assert.deepEqual(keysByRange(objects, joined).flat(), objects.map((o) => o.key));
  assert.equal(joined[0]?.start_after, '');
  assert.equal(joined[joined.length - 1]?.last_key, null);
  assert.deepEqual(joined.map((r) => r.keys), keysByRange(objects, joined).map((k) => k.length));
  assert.ok(joined.every((r) => r.keys <= 7));
});

test('a piece that runs out of budget ends its ranges at its last key and the rest resumes right after it', async () => {
  // Prepare
  const objects = sorted(KEYS);
  const range = { start_after: 'k-0010', last_key: 'k-0200' };

  // Act
  const piece = await listPiece(within(objects, range), range, { maxBytes: 1e12, maxKeys: 100 }, { keys: 25 });

  // Assess
  assert.deepEqual(piece.ranges, [{ start_after: 'k-0010', last_key: 'k-0035', bytes: 250, keys: 25 }]);
  assert.equal(piece.rest[0]?.start_after, 'k-0035');
  assert.equal(piece.rest[piece.rest.length - 1]?.last_key, 'k-0200');
  assert.ok(piece.rest.length > 1, 'the rest is split');
  for (let i = 1; i < piece.rest.length; i++) assert.equal(piece.rest[i]?.start_after, piece.rest[i - 1]?.last_key, 'contiguous');
});

test('a piece listed to its end runs its last range to the end of its range and leaves nothing', async () => {
  // Prepare
  const objects = sorted(KEYS);
  const range = { start_after: 'k-0220', last_key: null };

  // Act
  const piece = await listPiece(within(objects, range), range, { maxBytes: 1e12, maxKeys: 100 }, { keys: 1000 });

  // Assess
  assert.deepEqual(piece.rest, []);
  assert.equal(piece.ranges[piece.ranges.length - 1]?.last_key, null);
  assert.equal(piece.ranges.reduce((n, r) => n + r.keys, 0), objects.filter((o) => compareKeys(o.key, 'k-0220') > 0).length);
});

test('split points cut the rest by the next characters of the keys\' alphabet, strictly between the last key and the range end', () => {
  // Prepare
  const alphabet = new Set([...'obj/0123456789'].map((c) => c.codePointAt(0) ?? 0));

  // Act
  const points = splitPoints('obj/10000000', 'obj/14999999', 'obj/2', alphabet);

  // Assess
  assert.ok(points.includes('obj/15') && points.includes('obj/19'), 'one point per next leading digit');
  assert.ok(points.every((p) => [...p].every((c) => alphabet.has(c.codePointAt(0) ?? 0))), 'only the alphabet\'s characters');
  assert.ok(points.every((p) => compareKeys(p, 'obj/14999999') > 0 && compareKeys(p, 'obj/2') < 0));
  assert.deepEqual(points, [...points].sort(compareKeys));
});

test('ranges that leave a gap are refused when joined', () => {
  // Prepare
  const ranges = [
    { start_after: '', last_key: 'b', bytes: 1, keys: 1 },
    { start_after: 'c', last_key: null, bytes: 1, keys: 1 },
  ];

  // Act, Assess
  assert.throws(() => joinRanges(ranges), InvalidSourceConfigError);
});

test('an empty range joins the range before it, even one past the limits (a large object)', () => {
  // Prepare
  const ranges = [
    { start_after: '', last_key: 'big', bytes: 5e9, keys: 1 },
    { start_after: 'big', last_key: 'c', bytes: 0, keys: 0 },
    { start_after: 'c', last_key: null, bytes: 10, keys: 1 },
  ];

  // Act
  const joined = joinRanges(ranges, { bytesPerRange: 1000, keysPerRange: 100 });

  // Assess
  assert.deepEqual(joined, [
    { start_after: '', last_key: 'c', bytes: 5e9, keys: 1 },
    { start_after: 'c', last_key: null, bytes: 10, keys: 1 },
  ]);
});
