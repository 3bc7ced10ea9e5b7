import { describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { runBackup } from '../../vault/backup/run-backup.js';
import type { Vault } from '../../vault/repository/vault.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { jsonLines, pieces, randomData, request, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';

/** 1% of records edited in four contiguous runs, the way hot rows cluster in a table export. */
function editedOnePercent(count: number): (i: number) => boolean {
  const run = Math.floor(count / 100 / 4);
  const starts = [0.1, 0.35, 0.6, 0.85].map((f) => Math.floor(count * f));
  return (i) => starts.some((s) => i >= s && i < s + run);
}

/** A fresh vault for one test, removed when the test ends. */
async function freshVault(t: Pick<TestContext, 'onTestFinished'>): Promise<TempVault> {
  const v = await tempVault();
  t.onTestFinished(() => v.cleanup());
  return v;
}

/** Backs up `data` as partition `data` of a backup of `type` for job `job_types`. */
function backupOf(vault: Vault, type: BackupType, data: Uint8Array) {
  return runBackup(vault, request({ jobId: 'job_types', type }), [{ name: 'data', source: pieces(data) }]);
}

describe('deduplication', () => {
  test('an incremental after editing 1% of records of 100 MiB writes at most 5% new bytes', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const count = 620_000;
    const original = jsonLines(count);
    assert.ok(original.length > 100 * 1024 * 1024, `dataset is ${original.length} bytes`);
    const first = await runBackup(vault, request({ jobId: 'job_dedup', type: BackupType.Full }), [{ name: 'data', source: pieces(original) }]);
    const edited = jsonLines(count, editedOnePercent(count));

    // Act
    const second = await runBackup(vault, request({ jobId: 'job_dedup', type: BackupType.Incremental }), [{ name: 'data', source: pieces(edited) }]);

    // Assess
    assert.equal(first.snapshot.stats.bytes_new, original.length);
    const share = second.snapshot.stats.bytes_new / edited.length;
    assert.ok(share <= 0.05, `incremental wrote ${(share * 100).toFixed(2)}% new bytes`);
    assert.ok(second.snapshot.stats.bytes_new > 0, 'the edits were stored');
    assert.equal(second.snapshot.parent, first.id);
    assert.ok((await restoreBytes(vault, second.id)).equals(edited));
    assert.ok((await restoreBytes(vault, first.id)).equals(original));
  });

  test('an incremental of unchanged data stores nothing', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const a = randomData(6 * 1024 * 1024, 5);
    const full = await backupOf(vault, BackupType.Full, a);

    // Act
    const incremental = await backupOf(vault, BackupType.Incremental, a);

    // Assess
    assert.equal(full.snapshot.stats.bytes_new, a.length);
    assert.equal(incremental.snapshot.stats.bytes_new, 0, 'incremental of unchanged data stores nothing');
    assert.ok((await restoreBytes(vault, incremental.id)).equals(a), 'the incremental restores on its own');
  });

  test('a full writes every blob again and shares no pack with earlier backups', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const a = randomData(6 * 1024 * 1024, 5);
    const full1 = await backupOf(vault, BackupType.Full, a);
    await backupOf(vault, BackupType.Incremental, a);

    // Act
    const full2 = await backupOf(vault, BackupType.Full, a);

    // Assess
    assert.equal(full2.snapshot.stats.bytes_new, a.length, 'full writes every blob afresh');
    const packsOf = async (ids: string[]) => new Set((await Promise.all(ids.map((id) => vault.readIndex(id)))).flat().map((p) => p.id));
    const full1Packs = await packsOf(full1.snapshot.index_ids);
    for (const pack of await packsOf(full2.snapshot.index_ids)) assert.ok(!full1Packs.has(pack), 'full shares no pack with earlier backups');
    for (const s of [full1, full2]) assert.ok((await restoreBytes(vault, s.id)).equals(a), `snapshot ${s.snapshot.type} restores on its own`);
  });

  test('a differential reuses only the last full, rewriting what changed since even if an incremental stored it', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const a = randomData(6 * 1024 * 1024, 5);
    const b = randomData(3 * 1024 * 1024, 6);
    const ab = Buffer.concat([a, b]);
    await backupOf(vault, BackupType.Full, a);
    await backupOf(vault, BackupType.Incremental, a);
    const full2 = await backupOf(vault, BackupType.Full, a);
    const incrementalAB = await backupOf(vault, BackupType.Incremental, ab);

    // Act
    const differential = await backupOf(vault, BackupType.Differential, ab);

    // Assess
    assert.ok(incrementalAB.snapshot.stats.bytes_new <= b.length + 4 * 1024 * 1024);
    assert.equal(differential.snapshot.parent, full2.id, 'a differential follows the last full');
    assert.ok(differential.snapshot.stats.bytes_new >= b.length - 2 * 1024 * 1024, 'differential rewrites what changed since the full, even if an incremental stored it');
    assert.ok(differential.snapshot.stats.bytes_new < ab.length, 'differential reuses the full');
    for (const s of [incrementalAB, differential]) assert.ok((await restoreBytes(vault, s.id)).equals(ab), `snapshot ${s.snapshot.type} restores on its own`);
  });

  test('a differential with no full for its job runs as a full', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);

    // Act
    const s = await runBackup(vault, request({ jobId: 'job_no_full', type: BackupType.Differential }), [{ name: 'data', source: pieces(randomData(1024, 1)) }]);

    // Assess
    assert.equal(s.snapshot.type, BackupType.Full);
  });
});
