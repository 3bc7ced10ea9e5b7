/**
 * `Vault.loadBlobIds`: the vault's index objects, read and authenticated as
 * `Vault.loadIndex` reads them, into the compact dedup set.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { CorruptedBackupError } from '../../../vault/format/errors.js';
import { BackupType } from '../../../vault/snapshot/snapshot.js';
import { backupBytes, randomData, tempVault, type TempVault } from '../../helpers/engine.js';

describe('Vault.loadBlobIds', () => {
  let v: TempVault;

  beforeAll(async () => {
    v = await tempVault({ packSize: 1024 * 1024 });
    await backupBytes(v.vault, randomData(4 * 1024 * 1024, 7), { type: BackupType.Full });
    await backupBytes(v.vault, randomData(2 * 1024 * 1024, 8), { type: BackupType.Full });
  });
  afterAll(() => v.cleanup());

  test('holds every blob the merged index holds', async () => {
    // Prepare
    const index = await v.vault.loadIndex();
    const blobs = [...index.allPacks()].flatMap((pack) => pack.blobs.map((blob) => blob.id));

    // Act
    const set = await v.vault.loadBlobIds();

    // Assess
    assert.ok(blobs.length > 10, `${blobs.length} blobs`);
    assert.equal(set.size, blobs.length);
    assert.deepEqual(blobs.filter((id) => !set.has(id)), []);
  });

  test('reads only the index objects it is given', async () => {
    // Prepare
    const [first, ...rest] = await v.vault.listIndexIds();
    const own = (await v.vault.readIndex(first!)).flatMap((pack) => pack.blobs.map((blob) => blob.id));
    const others = (await Promise.all(rest.map((id) => v.vault.readIndex(id)))).flat().flatMap((pack) => pack.blobs.map((blob) => blob.id));

    // Act
    const set = await v.vault.loadBlobIds([first!]);

    // Assess
    assert.ok(others.length > 0);
    assert.ok(own.every((id) => set.has(id)));
    assert.equal(others.filter((id) => set.has(id)).length, 0);
  });

  test('refuses an index object whose bytes no longer match its name', async () => {
    // Prepare
    const [id] = await v.vault.listIndexIds();
    const bytes = Buffer.from(await v.store.get(`index/${id}`));
    const damaged = Buffer.from(bytes);
    damaged[damaged.length >> 1]! ^= 1;
    await v.store.put(`index/${id}`, damaged);

    // Act
    const loading = v.vault.loadBlobIds([id!]);

    // Assess
    await assert.rejects(loading, CorruptedBackupError);
    await v.store.put(`index/${id}`, bytes);
  });
});
