/** Prune planning as a pure function: what goes, what is repacked, what is left alone and why. */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import type { PackEntry } from '../../vault/index/types.js';
import { ErrorCode } from '../../vault/errors.js';
import { KeepPackReason, planPrune, type PruneInputs } from '../../control/retention/prune-plan.js';
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
    const plan = planPrune(inputs());
    assert.deepEqual(plan.deletePacks.map((p) => p.id), [hex('2')]);
    assert.deepEqual(plan.repackPacks.map((r) => [r.pack.id, r.used.map((b) => b.id)]), [[hex('3'), [hex('i')]]]);
    assert.deepEqual(plan.rewriteIndexes, [hex('x'), hex('y')]);
    assert.deepEqual(plan.keptPacks.map((p) => p.id).sort(), [hex('1'), hex('4')]);
    assert.deepEqual(plan.stats, { packs: 4, packBytes: 4000, unusedBytes: 1000 + 750 + 250, deleteBytes: 1000, repackBytes: 1000 });
  });

  test('a threshold of 1 turns repacking off', () => {
    const plan = planPrune(inputs({ repackThreshold: 1 }));
    assert.deepEqual(plan.repackPacks, []);
    assert.deepEqual(plan.rewriteIndexes, [hex('x')]);
  });

  test('young packs, packs of staged or young index objects, and locked packs are left alone, each with its reason', () => {
    const base = inputs();
    const plan = planPrune({
      ...base,
      packObjects: base.packObjects.map((p) => (p.id === hex('2') ? { ...p, lastModified: YOUNG } : p)),
      protectedIndexes: new Set([hex('y')]),
    });
    assert.deepEqual(plan.deletePacks, []);
    assert.deepEqual(plan.repackPacks, []);
    assert.deepEqual(plan.rewriteIndexes, []);
    assert.deepEqual(plan.untouchable.map((u) => [u.id, u.reason]), [
      [hex('2'), KeepPackReason.Young],
      [hex('3'), KeepPackReason.Staged],
    ]);
    const locked = planPrune({ ...base, lockedPacks: new Set([hex('2')]) });
    assert.deepEqual(locked.untouchable.map((u) => [u.id, u.reason]), [[hex('2'), KeepPackReason.Locked]]);
    const youngIndex = planPrune({ ...base, indexes: base.indexes.map((i) => ({ ...i, lastModified: YOUNG })) });
    assert.ok(youngIndex.untouchable.every((u) => u.reason === KeepPackReason.Staged));
    assert.equal(youngIndex.deletePacks.length, 0);
  });

  test('a stored pack no index lists is deleted once past the grace period', () => {
    const base = inputs();
    const orphan = { id: hex('9'), size: 500, lastModified: OLD };
    const plan = planPrune({ ...base, packObjects: [...base.packObjects, orphan, { ...orphan, id: hex('8'), lastModified: YOUNG }] });
    assert.deepEqual(plan.deletePacks.map((p) => p.id).sort(), [hex('2'), hex('9')]);
    assert.deepEqual(plan.untouchable.map((u) => u.id), [hex('8')]);
  });

  test('more index objects than compact_above are merged, staged ones excepted', () => {
    const base = inputs({ usedBlobs: new Set('abcdefghijklmnop'.split('').map(hex)) });
    const plan = planPrune({ ...base, compactAbove: 1 });
    assert.deepEqual(plan.rewriteIndexes, [hex('x'), hex('y')]);
    assert.equal(plan.keptPacks.length, 4);
    const staged = planPrune({ ...base, compactAbove: 1, protectedIndexes: new Set([hex('y')]) });
    assert.deepEqual(staged.rewriteIndexes, []);
  });
});

describe('prune workflow settings', () => {
  test('defaults, and out-of-range values refused with a clear InvalidInput error', () => {
    assert.deepEqual(pruneSettings({}), { grace_seconds: 86_400, repack_threshold: 0.5, compact_above: 64, dry_run: false });
    assert.deepEqual(pruneSettings({ grace_seconds: 0, repack_threshold: 1, dry_run: true }), { grace_seconds: 0, repack_threshold: 1, compact_above: 64, dry_run: true });
    for (const bad of [{ grace_seconds: -1 }, { grace_seconds: 1.5 }, { repack_threshold: 0 }, { repack_threshold: '0.5' as unknown as number }, { compact_above: 0 }]) {
      assert.throws(() => pruneSettings(bad), (error: unknown) => error instanceof InvalidJobError && error.code === ErrorCode.InvalidInput, JSON.stringify(bad));
    }
  });
});
