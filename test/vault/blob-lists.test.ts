import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { runBackup } from '../../vault/backup/run-backup.js';
import { checkVault, IssueKind } from '../../vault/checker/checker.js';
import { sealObject, ObjectType } from '../../vault/format/sealed-object.js';
import { CorruptedBackupError, VaultFormatError } from '../../vault/format/errors.js';
import { blobListKey, VaultPrefix } from '../../vault/format/layout.js';
import { Vault } from '../../vault/repository/vault.js';
import { BlobLists } from '../../vault/repository/partition-blobs.js';
import { parseSnapshot } from '../../vault/snapshot/snapshot.js';
import { SNAPSHOT_FORMAT_VERSION } from '../../vault/format/version.js';
import { collect, pieces, randomData, request, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';
import { openSnapshot, restorePartition } from '../../vault/restore/restorer.js';
import { writeV1Snapshot } from '../helpers/snapshot-v1.js';

/**
 * Snapshots reference their partitions' blob ids in blob-list objects
 * (FORMAT.md §9.2, snapshot format 2); version 1 snapshots hold them inline
 * and still restore and check.
 */

const first = randomData(300 * 1024, 11);
const second = randomData(200 * 1024, 12);

/** A vault with one backup of two partitions, for one test that may damage it. */
async function backedUp(): Promise<{ t: TempVault; id: string }> {
  const t = await tempVault({ packSize: 128 * 1024 });
  const stored = await runBackup(t.vault, request({ type: 'full' }), [
    { name: 'first', source: pieces(first, 64 * 1024) },
    { name: 'second', source: pieces(second, 64 * 1024) },
  ]);
  return { t, id: stored.id };
}

/** The error restoring partition `name` ends with (undefined if none). */
async function restoreError(t: TempVault, id: string, name: string): Promise<unknown> {
  const opened = await openSnapshot(t.vault, id);
  return collect(restorePartition(t.vault, opened.index, opened.snapshot, name)).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('blob lists', () => {
  let shared: { t: TempVault; id: string };
  beforeAll(async () => {
    shared = await backedUp();
  });
  afterAll(() => shared.t.cleanup());

  test('a new snapshot is version 2: its partitions reference one blob list and hold no ids', async () => {
    // Prepare
    const { t, id } = shared;

    // Act
    const snapshot = await t.vault.readSnapshot(id);

    // Assess
    assert.equal(snapshot.format_version, SNAPSHOT_FORMAT_VERSION);
    assert.deepEqual(snapshot.partitions.map((p) => p.blobs), [undefined, undefined]);
    const refs = snapshot.partitions.map((p) => p.blob_list!);
    assert.equal(refs[0]!.id, refs[1]!.id, 'one list object for the session');
    assert.deepEqual(refs.map((r) => r.part), [0, 1]);
    assert.deepEqual(await t.vault.listBlobListIds(), [refs[0]!.id]);
    const lists = new BlobLists(t.vault);
    assert.deepEqual(await Promise.all(snapshot.partitions.map(async (p) => (await lists.of(snapshot, p)).count)), refs.map((r) => r.count));
  });

  test('a version 2 snapshot restores every partition byte for byte and checks clean', async () => {
    // Prepare
    const { t, id } = shared;

    // Act
    const restored = [await restoreBytes(t.vault, id, 'first'), await restoreBytes(t.vault, id, 'second')];
    const report = await checkVault(t.vault, { readData: true });

    // Assess
    assert.ok(restored[0]!.equals(first) && restored[1]!.equals(second));
    assert.ok(report.ok, JSON.stringify(report.issues));
  });

  test('a version 1 snapshot (blob ids inline) still restores and checks clean', async () => {
    // Prepare
    const { t, id } = shared;
    const v1 = await writeV1Snapshot(t.vault, id);

    // Act
    const snapshot = await t.vault.readSnapshot(v1);
    const restored = await restoreBytes(t.vault, v1, 'second');
    const report = await checkVault(t.vault, { snapshotIds: [v1] });

    // Assess
    assert.equal(snapshot.format_version, 1);
    assert.ok(snapshot.partitions.every((p) => Array.isArray(p.blobs) && p.blob_list === undefined));
    assert.ok(restored.equals(second));
    assert.ok(report.ok, JSON.stringify(report.issues));
  });

  test('a snapshot of an unknown version, or a version 1 snapshot referencing a blob list, is refused', () => {
    // Prepare
    const partition = { name: 'p', blob_list: { id: 'a'.repeat(64), part: 0, count: 1 }, size: 1, sha256: '', records: 0 };
    const payload = (version: number) => Buffer.from(JSON.stringify({ format_version: version, backup_id: 'b', index_ids: [], partitions: [partition] }));

    // Act
    const refused = [SNAPSHOT_FORMAT_VERSION + 1, 1].map((version) => {
      try {
        parseSnapshot(payload(version), 'snapshots/x');
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    assert.ok(refused.every((e) => e instanceof VaultFormatError), String(refused));
    assert.doesNotThrow(() => parseSnapshot(payload(2), 'snapshots/x'));
  });

  test('restoring the partitions of one opened snapshot reads their shared blob list once', async () => {
    // Prepare: the vault over a store that counts reads of blob lists.
    const { t, id } = shared;
    let listReads = 0;
    const counting = new Proxy(t.store, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (prop !== 'get' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (key: string, ...rest: unknown[]) => {
          if (key.startsWith(VaultPrefix.lists)) listReads += 1;
          return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
        };
      },
    });
    const vault = await Vault.open(counting, t.provider);
    const opened = await openSnapshot(vault, id);

    // Act
    const restored = [await collect(restorePartition(vault, opened.index, opened.snapshot, 'first')), await collect(restorePartition(vault, opened.index, opened.snapshot, 'second'))];

    // Assess
    assert.ok(restored[0]!.equals(first) && restored[1]!.equals(second));
    assert.equal(listReads, 1);
  });

  test('a snapshot whose blob list is missing fails restore with CorruptedBackupError and check with a blob-list issue naming it', async (context) => {
    // Prepare
    const { t, id } = await backedUp();
    context.onTestFinished(() => t.cleanup());
    const [listId] = await t.vault.listBlobListIds();
    await t.vault.store.delete(blobListKey(listId!));

    // Act
    const error = await restoreError(t, id, 'first');
    const report = await checkVault(t.vault);

    // Assess
    assert.ok(error instanceof CorruptedBackupError, String(error));
    assert.match(error.message, new RegExp(`partition first of backup .*lists/${listId} is missing`));
    assert.equal(error.location.object, blobListKey(listId!));
    const issue = report.issues.find((i) => i.kind === IssueKind.BlobListDamaged);
    assert.ok(issue, JSON.stringify(report.issues));
    assert.deepEqual(issue.snapshots, [id]);
    assert.deepEqual(report.damagedSnapshots, [id]);
  });

  test('a blob list replaced by another authentic list under its name fails check as damaged', async (context) => {
    // Prepare
    const { t, id } = await backedUp();
    context.onTestFinished(() => t.cleanup());
    const [listId] = await t.vault.listBlobListIds();
    const other = await sealObject(ObjectType.BlobList, Buffer.alloc(4), t.vault.keyring.current, true);
    await t.vault.store.put(`${VaultPrefix.lists}${listId!}`, other);

    // Act
    const error = await restoreError(t, id, 'second');
    const report = await checkVault(t.vault);

    // Assess
    assert.ok(error instanceof CorruptedBackupError, String(error));
    assert.match(error.message, /does not match its name/);
    assert.ok(report.issues.some((i) => i.kind === IssueKind.BlobListDamaged && i.snapshots.includes(id)), JSON.stringify(report.issues));
  });
});
