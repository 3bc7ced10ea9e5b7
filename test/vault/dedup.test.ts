import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { runBackup } from '../../vault/backup/run-backup.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { jsonLines, pieces, randomData, request, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';

/** 1% of records edited in four contiguous runs, the way hot rows cluster in a table export. */
function editedOnePercent(count: number): (i: number) => boolean {
  const run = Math.floor(count / 100 / 4);
  const starts = [0.1, 0.35, 0.6, 0.85].map((f) => Math.floor(count * f));
  return (i) => starts.some((s) => i >= s && i < s + run);
}

describe('deduplication', () => {
  let t: TempVault;
  beforeAll(async () => {
    t = await tempVault();
  });
  afterAll(() => t.cleanup());

  test('an incremental after editing 1% of records of 100 MiB writes at most 5% new bytes', async () => {
    const count = 620_000;
    const original = jsonLines(count);
    assert.ok(original.length > 100 * 1024 * 1024, `dataset is ${original.length} bytes`);
    const first = await runBackup(t.vault, request({ jobId: 'job_dedup', type: BackupType.Full }), [{ name: 'data', source: pieces(original) }]);
    assert.equal(first.snapshot.stats.bytes_new, original.length);

    const edited = jsonLines(count, editedOnePercent(count));
    const second = await runBackup(t.vault, request({ jobId: 'job_dedup', type: BackupType.Incremental }), [{ name: 'data', source: pieces(edited) }]);
    const share = second.snapshot.stats.bytes_new / edited.length;
    assert.ok(share <= 0.05, `incremental wrote ${(share * 100).toFixed(2)}% new bytes`);
    assert.ok(second.snapshot.stats.bytes_new > 0, 'the edits were stored');
    assert.equal(second.snapshot.parent, first.id);
    assert.ok((await restoreBytes(t.vault, second.id)).equals(edited));
    assert.ok((await restoreBytes(t.vault, first.id)).equals(original));
  });

  test('full writes everything again; differential reuses only the last full', async () => {
    const job = 'job_types';
    const a = randomData(6 * 1024 * 1024, 5);
    const b = randomData(3 * 1024 * 1024, 6);
    const backup = (type: BackupType, data: Uint8Array) => runBackup(t.vault, request({ jobId: job, type }), [{ name: 'data', source: pieces(data) }]);

    const full1 = await backup(BackupType.Full, a);
    assert.equal(full1.snapshot.stats.bytes_new, a.length);
    const incremental = await backup(BackupType.Incremental, a);
    assert.equal(incremental.snapshot.stats.bytes_new, 0, 'incremental of unchanged data stores nothing');
    const full2 = await backup(BackupType.Full, a);
    assert.equal(full2.snapshot.stats.bytes_new, a.length, 'full writes every blob afresh');
    const packsOf = async (ids: string[]) => new Set((await Promise.all(ids.map((id) => t.vault.readIndex(id)))).flat().map((p) => p.id));
    const full1Packs = await packsOf(full1.snapshot.index_ids);
    for (const pack of await packsOf(full2.snapshot.index_ids)) assert.ok(!full1Packs.has(pack), 'full shares no pack with earlier backups');

    const ab = Buffer.concat([a, b]);
    const incrementalAB = await backup(BackupType.Incremental, ab);
    assert.ok(incrementalAB.snapshot.stats.bytes_new <= b.length + 4 * 1024 * 1024);
    const differential = await backup(BackupType.Differential, ab);
    assert.equal(differential.snapshot.parent, full2.id, 'a differential follows the last full');
    assert.ok(differential.snapshot.stats.bytes_new >= b.length - 2 * 1024 * 1024, 'differential rewrites what changed since the full, even if an incremental stored it');
    assert.ok(differential.snapshot.stats.bytes_new < ab.length, 'differential reuses the full');
    for (const s of [full1, incremental, full2, incrementalAB, differential]) {
      const expected = s === incrementalAB || s === differential ? ab : a;
      assert.ok((await restoreBytes(t.vault, s.id)).equals(expected), `snapshot ${s.snapshot.type} restores on its own`);
    }
  });

  test('a differential with no full for its job runs as a full', async () => {
    const s = await runBackup(t.vault, request({ jobId: 'job_no_full', type: BackupType.Differential }), [{ name: 'data', source: pieces(randomData(1024, 1)) }]);
    assert.equal(s.snapshot.type, BackupType.Full);
  });
});
