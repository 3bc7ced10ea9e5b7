import { describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkVault, IssueKind, type CheckReport } from '../../vault/checker/checker.js';
import { CorruptedBackupError } from '../../vault/format/errors.js';
import { openSnapshot, restorePartition } from '../../vault/restore/restorer.js';
import { backupBytes, jsonLines, randomData, tempVault, type TempVault } from '../helpers/engine.js';

/**
 * Each case damages the vault on disk, then expects (in one test)
 * `check --read-data` to report it against the right snapshot and (in
 * another) a restore to fail with CorruptedBackupError without emitting any
 * byte that differs from the original.
 */

/** A vault holding one full backup, for one test (removed when the test ends). */
interface BackedUp {
  readonly t: TempVault;
  readonly data: Buffer;
  readonly snapshotId: string;
}

async function backedUpVault(context: Pick<TestContext, 'onTestFinished'>): Promise<BackedUp> {
  const t = await tempVault({ packSize: 1024 * 1024 });
  context.onTestFinished(() => t.cleanup());
  const data = Buffer.concat([jsonLines(20_000), randomData(3 * 1024 * 1024, 3)]);
  const snapshotId = await backupBytes(t.vault, data, { type: 'full' });
  return { t, data, snapshotId };
}

function packFiles({ t }: BackedUp): string[] {
  const root = join(t.storeDir, 'data');
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => join(root, d, f)));
}

/** Flips one bit of the first pack; returns the pack's file. */
function flipPackByte(f: BackedUp): string {
  const file = packFiles(f)[0]!;
  const bytes = readFileSync(file);
  bytes[100] = bytes[100]! ^ 0x01;
  writeFileSync(file, bytes);
  return file;
}

/** Cuts the first pack to 1000 bytes; returns the pack's id. */
function truncatePack(f: BackedUp): string {
  const file = packFiles(f)[0]!;
  truncateSync(file, 1000);
  return file.split('/').pop()!;
}

/** Deletes the first pack; returns its id. */
function deletePack(f: BackedUp): string {
  const file = packFiles(f)[0]!;
  rmSync(file);
  return file.split('/').pop()!;
}

/** Swaps the first two blobs of a pack that holds two or more; returns the pack's id. */
async function swapTwoBlobs(f: BackedUp): Promise<string> {
  const opened = await openSnapshot(f.t.vault, f.snapshotId);
  const pack = [...opened.index.allPacks()].find((p) => p.blobs.length >= 2)!;
  const [a, b] = pack.blobs;
  const file = packFiles(f).find((p) => p.endsWith(pack.id))!;
  const bytes = readFileSync(file);
  const blobA = bytes.subarray(a!.offset, a!.offset + a!.length);
  const blobB = bytes.subarray(b!.offset, b!.offset + b!.length);
  writeFileSync(file, Buffer.concat([blobB, blobA, bytes.subarray(b!.offset + b!.length)]));
  return pack.id;
}

/** Flips one bit near the end of the snapshot file. */
function editSnapshot(f: BackedUp): void {
  const file = join(f.t.storeDir, 'snapshots', f.snapshotId);
  const bytes = readFileSync(file);
  bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0x80;
  writeFileSync(file, bytes);
}

/** Restores partition `data` of the snapshot: the bytes it emitted, and the error that ended it (undefined if none). */
async function restoreUntilFailure(f: BackedUp): Promise<{ emitted: Buffer; error: unknown }> {
  const emitted: Uint8Array[] = [];
  try {
    const opened = await openSnapshot(f.t.vault, f.snapshotId);
    for await (const chunk of restorePartition(f.t.vault, opened.index, opened.snapshot, 'data')) emitted.push(chunk);
  } catch (error) {
    return { emitted: Buffer.concat(emitted), error };
  }
  return { emitted: Buffer.concat(emitted), error: undefined };
}

function assertFailedWithOnlyCorrectBytes(f: BackedUp, restore: { emitted: Buffer; error: unknown }): void {
  assert.ok(restore.error instanceof CorruptedBackupError, `expected a CorruptedBackupError, got ${String(restore.error)}`);
  assert.ok(restore.emitted.equals(f.data.subarray(0, restore.emitted.length)), 'only verified, correct bytes were emitted');
}

function assertReportFinds(f: BackedUp, report: CheckReport, kind: string, pack?: string): void {
  assert.equal(report.ok, false);
  const issue = report.issues.find((i) => i.kind === kind);
  assert.ok(issue, `expected a ${kind} issue, got ${JSON.stringify(report.issues.map((i) => i.kind))}`);
  if (pack) assert.equal(issue.pack, pack);
  assert.deepEqual(report.damagedSnapshots, [f.snapshotId]);
}

describe('tamper detection', () => {
  test('an intact vault checks clean', async (context) => {
    // Prepare
    const { t } = await backedUpVault(context);

    // Act
    const report = await checkVault(t.vault, { readData: true });

    // Assess
    assert.deepEqual(report.issues, []);
    assert.ok(report.packsRead > 1 && report.blobsChecked > 1);
  });

  test('check reports a flipped byte in a pack as a bad pack hash and a damaged blob of its snapshot', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    const file = flipPackByte(f);

    // Act
    const report = await checkVault(f.t.vault, { readData: true });

    // Assess
    const kinds = report.issues.map((i) => i.kind);
    assert.ok(kinds.includes(IssueKind.PackHash) && kinds.includes(IssueKind.BlobDamaged), JSON.stringify(kinds));
    assert.equal(report.issues.find((i) => i.kind === IssueKind.BlobDamaged)?.pack, file.split('/').pop());
    assert.ok(report.issues.find((i) => i.kind === IssueKind.BlobDamaged)?.blob);
    assert.deepEqual(report.damagedSnapshots, [f.snapshotId]);
  });

  test('a restore over a flipped byte in a pack fails with CorruptedBackupError, emitting only correct bytes', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    flipPackByte(f);

    // Act
    const restore = await restoreUntilFailure(f);

    // Assess
    assertFailedWithOnlyCorrectBytes(f, restore);
  });

  test('check reports a truncated pack by its size', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    const pack = truncatePack(f);

    // Act
    const report = await checkVault(f.t.vault, { readData: true });

    // Assess
    assertReportFinds(f, report, IssueKind.PackSize, pack);
  });

  test('a restore over a truncated pack fails with CorruptedBackupError, emitting only correct bytes', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    truncatePack(f);

    // Act
    const restore = await restoreUntilFailure(f);

    // Assess
    assertFailedWithOnlyCorrectBytes(f, restore);
  });

  test('check reports a deleted pack as missing', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    const pack = deletePack(f);

    // Act
    const report = await checkVault(f.t.vault, { readData: true });

    // Assess
    assertReportFinds(f, report, IssueKind.PackMissing, pack);
  });

  test('a restore over a deleted pack fails with CorruptedBackupError, emitting only correct bytes', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    deletePack(f);

    // Act
    const restore = await restoreUntilFailure(f);

    // Assess
    assertFailedWithOnlyCorrectBytes(f, restore);
  });

  test('check reports two blobs swapped inside a pack as a damaged blob of that pack', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    const pack = await swapTwoBlobs(f);

    // Act
    const report = await checkVault(f.t.vault, { readData: true });

    // Assess
    assert.ok(report.issues.some((i) => i.kind === IssueKind.BlobDamaged && i.pack === pack), JSON.stringify(report.issues));
    assert.deepEqual(report.damagedSnapshots, [f.snapshotId]);
  });

  test('a restore over two blobs swapped inside a pack fails with CorruptedBackupError, emitting only correct bytes', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    await swapTwoBlobs(f);

    // Act
    const restore = await restoreUntilFailure(f);

    // Assess
    assertFailedWithOnlyCorrectBytes(f, restore);
  });

  test('check reports an edited snapshot as damaged', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    editSnapshot(f);

    // Act
    const report = await checkVault(f.t.vault, { readData: true });

    // Assess
    assertReportFinds(f, report, IssueKind.SnapshotDamaged);
  });

  test('an edited snapshot does not open: CorruptedBackupError', async (context) => {
    // Prepare
    const f = await backedUpVault(context);
    editSnapshot(f);

    // Act
    const opening = openSnapshot(f.t.vault, f.snapshotId);

    // Assess
    await assert.rejects(opening, CorruptedBackupError);
  });
});
