import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { copySnapshot } from '../../vault/copy/copier.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import { CopyVerificationError } from '../../vault/copy/errors.js';
import { Vault } from '../../vault/repository/vault.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import type { ObjectStore, PutOptions } from '../../vault/storage/object-store.js';
import { backupBytes, randomData, tempVault, type TempVault } from '../helpers/engine.js';

/** Injects a fault: every pack is stored with one byte flipped, as a faulty disk or proxy would. */
class CorruptingStore extends FileObjectStore implements ObjectStore {
  override async put(key: string, body: Uint8Array, options?: PutOptions): Promise<void> {
    if (!key.startsWith('data/')) return super.put(key, body, options);
    const damaged = Uint8Array.from(body);
    damaged[100] = damaged[100]! ^ 0xff;
    return super.put(key, damaged, options);
  }
}

describe('a copy whose packs do not read back (file vaults; the store injects the fault)', () => {
  /** A copy with --read-data into a store that damages every pack: built once, only read by the tests. */
  let source: TempVault;
  let failure: unknown;
  let snapshotsLeft: string[];
  beforeAll(async () => {
    source = await tempVault();
    const id = await backupBytes(source.vault, randomData(500_000, 51));
    const path = `${source.dir}/copy`;
    await initCopyVault(new FileObjectStore(path), source.provider, source.vault);
    const target = await Vault.open(new CorruptingStore(path), source.provider);
    failure = await copySnapshot({ source: source.vault, target, snapshotId: id, readData: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    snapshotsLeft = await target.listSnapshotIds();
  });
  afterAll(() => source.cleanup());

  test('fails with CopyVerificationError naming the damaged pack', () => {
    // Assess
    assert.ok(failure instanceof CopyVerificationError, String(failure));
    assert.match(failure.message, /does not match its name|failed authentication/);
  });

  test('leaves no snapshot in the target', () => {
    // Assess
    assert.deepEqual(snapshotsLeft, []);
  });
});
