import { afterEach, beforeEach, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkVault, IssueKind } from '../../vault/checker/checker.js';
import { CorruptedBackupError } from '../../vault/format/errors.js';
import { openSnapshot, restorePartition } from '../../vault/restore/restorer.js';
import { backupBytes, jsonLines, randomData, tempVault, type TempVault } from '../helpers/engine.js';

/**
 * Each case damages the vault on disk, then expects `check --read-data` to
 * report it against the right snapshot and a restore to fail with
 * CorruptedBackupError without emitting any byte that differs from the original.
 */
describe('tamper detection', () => {
  let t: TempVault;
  let data: Buffer;
  let snapshotId: string;

  beforeEach(async () => {
    t = await tempVault({ packSize: 1024 * 1024 });
    data = Buffer.concat([jsonLines(20_000), randomData(3 * 1024 * 1024, 3)]);
    snapshotId = await backupBytes(t.vault, data, { type: 'full' });
  });
  afterEach(() => t.cleanup());

  function packFiles(): string[] {
    const root = join(t.storeDir, 'data');
    return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => join(root, d, f)));
  }

  async function expectRestoreFails(): Promise<void> {
    const emitted: Uint8Array[] = [];
    await assert.rejects(async () => {
      const opened = await openSnapshot(t.vault, snapshotId);
      for await (const chunk of restorePartition(t.vault, opened.index, opened.snapshot, 'data')) emitted.push(chunk);
    }, CorruptedBackupError);
    const prefix = Buffer.concat(emitted);
    assert.ok(prefix.equals(data.subarray(0, prefix.length)), 'only verified, correct bytes were emitted');
  }

  async function expectCheckFinds(kind: string, pack?: string): Promise<void> {
    const report = await checkVault(t.vault, { readData: true });
    assert.equal(report.ok, false);
    const issue = report.issues.find((i) => i.kind === kind);
    assert.ok(issue, `expected a ${kind} issue, got ${JSON.stringify(report.issues.map((i) => i.kind))}`);
    if (pack) assert.equal(issue.pack, pack);
    assert.deepEqual(report.damagedSnapshots, [snapshotId]);
  }

  test('an intact vault checks clean', async () => {
    const report = await checkVault(t.vault, { readData: true });
    assert.deepEqual(report.issues, []);
    assert.ok(report.packsRead > 1 && report.blobsChecked > 1);
  });

  test('a flipped byte in a pack', async () => {
    const file = packFiles()[0]!;
    const bytes = readFileSync(file);
    bytes[100] = bytes[100]! ^ 0x01;
    writeFileSync(file, bytes);
    const report = await checkVault(t.vault, { readData: true });
    const kinds = report.issues.map((i) => i.kind);
    assert.ok(kinds.includes(IssueKind.PackHash) && kinds.includes(IssueKind.BlobDamaged), JSON.stringify(kinds));
    assert.equal(report.issues.find((i) => i.kind === IssueKind.BlobDamaged)?.pack, file.split('/').pop());
    assert.ok(report.issues.find((i) => i.kind === IssueKind.BlobDamaged)?.blob);
    assert.deepEqual(report.damagedSnapshots, [snapshotId]);
    await expectRestoreFails();
  });

  test('a truncated pack', async () => {
    const file = packFiles()[0]!;
    truncateSync(file, 1000);
    await expectCheckFinds(IssueKind.PackSize, file.split('/').pop());
    await expectRestoreFails();
  });

  test('a deleted pack', async () => {
    const file = packFiles()[0]!;
    rmSync(file);
    await expectCheckFinds(IssueKind.PackMissing, file.split('/').pop());
    await expectRestoreFails();
  });

  test('two blobs swapped inside a pack', async () => {
    const opened = await openSnapshot(t.vault, snapshotId);
    const pack = [...opened.index.allPacks()].find((p) => p.blobs.length >= 2)!;
    const [a, b] = pack.blobs;
    const file = packFiles().find((f) => f.endsWith(pack.id))!;
    const bytes = readFileSync(file);
    const blobA = bytes.subarray(a!.offset, a!.offset + a!.length);
    const blobB = bytes.subarray(b!.offset, b!.offset + b!.length);
    writeFileSync(file, Buffer.concat([blobB, blobA, bytes.subarray(b!.offset + b!.length)]));
    const report = await checkVault(t.vault, { readData: true });
    assert.ok(report.issues.some((i) => i.kind === IssueKind.BlobDamaged && i.pack === pack.id), JSON.stringify(report.issues));
    assert.deepEqual(report.damagedSnapshots, [snapshotId]);
    await expectRestoreFails();
  });

  test('an edited snapshot', async () => {
    const file = join(t.storeDir, 'snapshots', snapshotId);
    const bytes = readFileSync(file);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0x80;
    writeFileSync(file, bytes);
    await expectCheckFinds(IssueKind.SnapshotDamaged);
    await assert.rejects(openSnapshot(t.vault, snapshotId), CorruptedBackupError);
  });
});
