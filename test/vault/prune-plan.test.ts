/** Prune planning as a pure function: what goes, what is repacked, what is left alone and why. */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import type { PackEntry } from '../../vault/index/types.js';
import { ErrorCode } from '../../vault/errors.js';
import { KeepPackReason, planPrune, type PruneInputs } from '../../vault/prune/prune-plan.js';
import { InvalidJobError } from '../../control/workflows/errors.js';
import { pruneSettings } from '../../control/workflows/prune/list-jobs.js';

const hex = (c: string) => c.repeat(64);
const blob = (id: string, offset: number, length: number) => ({ id: hex(id), offset, length, rawLength: length, compression: 0 });
/** A 1,000-byte pack whose blobs are the given one-letter ids, 250 bytes each. */
const pack = (id: string, blobs: string[]): PackEntry => ({ id: hex(id), keyId: '0'.repeat(32), size: 1000, blobs: blobs.map((b, i) => blob(b, i * 250, 250)) });

const NOW = new Date('2026-06-01T00:00:00.000Z');
const OLD = new Date('2026-05-01T00:00:00.000Z');
const YOUNG = new Date('2026-05-31T23:00:00.000Z');
const HOUR = 3_600_000;

function inputs(overrides: Partial<PruneInputs> = {}): PruneInputs {
  const packs = [pack('1', ['a', 'b', 'c', 'd']), pack('2', ['e', 'f', 'g', 'h']), pack('3', ['i', 'j', 'k', 'l']), pack('4', ['m', 'n', 'o', 'p'])];
  return {
    indexes: [
      { id: hex('x'), lastModified: OLD, packs: packs.slice(0, 2) },
      { id: hex('y'), lastModified: OLD, packs: packs.slice(2) },
    ],
    packObjects: packs.map((p) => ({ id: p.id, size: p.size, lastModified: OLD })),
    // Pack 1 fully used, pack 2 unused, pack 3 three quarters unused, pack 4 one quarter unused.
    usedBlobs: new Set(['a', 'b', 'c', 'd', 'i', 'm', 'n', 'o'].map(hex)),
    protectedIndexes: new Set(),
    lockedPacks: new Set(),
    now: NOW,
    graceMs: 24 * HOUR,
    repackThreshold: 0.5,
    compactAbove: 64,
    ...overrides,
  };
}

describe('prune plan', () => {
  test('unused packs go, packs past the threshold are repacked, the rest stay; their index objects are rewritten', () => {
    // Prepare
    const base = inputs();

    // Act
    const plan = planPrune(base);

    // Assess
    assert.deepEqual(plan.deletePacks.map((p) => p.id), [hex('2')]);
    assert.deepEqual(plan.repackPacks.map((r) => [r.pack.id, r.used.map((b) => b.id)]), [[hex('3'), [hex('i')]]]);
    assert.deepEqual(plan.rewriteIndexes, [hex('x'), hex('y')]);
    assert.deepEqual(plan.keptPacks.map((p) => p.id).sort(), [hex('1'), hex('4')]);
    assert.deepEqual(plan.stats, { packs: 4, packBytes: 4000, unusedBytes: 1000 + 750 + 250, deleteBytes: 1000, repackBytes: 1000 });
  });

  test('a threshold of 1 turns repacking off', () => {
    // Prepare
    const base = inputs({ repackThreshold: 1 });

    // Act
    const plan = planPrune(base);

    // Assess
    assert.deepEqual(plan.repackPacks, []);
    assert.deepEqual(plan.rewriteIndexes, [hex('x')]);
  });

  test('young packs and packs of staged index objects are left alone, each with its reason', () => {
    // Prepare
    const base = inputs();
    const prepared = {
      ...base,
      packObjects: base.packObjects.map((p) => (p.id === hex('2') ? { ...p, lastModified: YOUNG } : p)),
      protectedIndexes: new Set([hex('y')]),
    };

    // Act
    const plan = planPrune(prepared);

    // Assess
    assert.deepEqual(plan.deletePacks, []);
    assert.deepEqual(plan.repackPacks, []);
    assert.deepEqual(plan.rewriteIndexes, []);
    assert.deepEqual(plan.untouchable.map((u) => [u.id, u.reason]), [
      [hex('2'), KeepPackReason.Young],
      [hex('3'), KeepPackReason.Staged],
    ]);
  });

  test('locked packs are left alone as locked', () => {
    // Prepare
    const base = inputs();

    // Act
    const locked = planPrune({ ...base, lockedPacks: new Set([hex('2')]) });

    // Assess
    assert.deepEqual(locked.untouchable.map((u) => [u.id, u.reason]), [[hex('2'), KeepPackReason.Locked]]);
  });

  test('packs of young index objects are left alone as staged', () => {
    // Prepare
    const base = inputs();

    // Act
    const youngIndex = planPrune({ ...base, indexes: base.indexes.map((i) => ({ ...i, lastModified: YOUNG })) });

    // Assess
    assert.ok(youngIndex.untouchable.every((u) => u.reason === KeepPackReason.Staged));
    assert.equal(youngIndex.deletePacks.length, 0);
  });

  test('a stored pack no index lists is deleted once past the grace period', () => {
    // Prepare
    const base = inputs();
    const orphan = { id: hex('9'), size: 500, lastModified: OLD };

    // Act
    const plan = planPrune({ ...base, packObjects: [...base.packObjects, orphan, { ...orphan, id: hex('8'), lastModified: YOUNG }] });

    // Assess
    assert.deepEqual(plan.deletePacks.map((p) => p.id).sort(), [hex('2'), hex('9')]);
    assert.deepEqual(plan.untouchable.map((u) => u.id), [hex('8')]);
  });

  /** Every blob in use: nothing to delete or repack, so only compaction rewrites index objects. */
  const allUsed = () => inputs({ usedBlobs: new Set('abcdefghijklmnop'.split('').map(hex)), compactAbove: 1 });

  test('more index objects than compact_above are merged', () => {
    // Prepare
    const base = allUsed();

    // Act
    const plan = planPrune(base);

    // Assess
    assert.deepEqual(plan.rewriteIndexes, [hex('x'), hex('y')]);
    assert.equal(plan.keptPacks.length, 4);
  });

  test('staged index objects are not merged however many there are', () => {
    // Prepare
    const base = allUsed();

    // Act
    const staged = planPrune({ ...base, protectedIndexes: new Set([hex('y')]) });

    // Assess
    assert.deepEqual(staged.rewriteIndexes, []);
  });
});

describe('prune workflow settings', () => {
  test('settings not given take their defaults', () => {
    // Act
    const none = pruneSettings({});
    const some = pruneSettings({ grace_seconds: 0, repack_threshold: 1, dry_run: true });

    // Assess
    assert.deepEqual(none, { grace_seconds: 86_400, repack_threshold: 0.5, compact_above: 64, dry_run: false });
    assert.deepEqual(some, { grace_seconds: 0, repack_threshold: 1, compact_above: 64, dry_run: true });
  });

  test('out-of-range values are refused with a clear InvalidInput error', () => {
    // Prepare
    const bads = [{ grace_seconds: -1 }, { grace_seconds: 1.5 }, { repack_threshold: 0 }, { repack_threshold: '0.5' as unknown as number }, { compact_above: 0 }];
    for (const bad of bads) {
      // Act
      const settings = () => pruneSettings(bad);

      // Assess
      assert.throws(settings, (error: unknown) => error instanceof InvalidJobError && error.code === ErrorCode.InvalidConfiguration, JSON.stringify(bad));
    }
  });
});
