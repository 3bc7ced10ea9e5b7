import { describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, readdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyFile, FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { KeyAccessError, KeyNotFoundError } from '../../vault/keys/errors.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { Vault } from '../../vault/repository/vault.js';
import { VaultFormatError } from '../../vault/format/errors.js';
import { VaultExistsError, VaultNotFoundError } from '../../vault/repository/errors.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { backupBytes, randomData, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';

/** A fresh vault for one test, removed when the test ends; its `dir` is scratch space for the test. */
async function freshVault(t: Pick<TestContext, 'onTestFinished'>): Promise<TempVault> {
  const v = await tempVault();
  t.onTestFinished(() => v.cleanup());
  return v;
}

/** The vault's key rotated to a new key file: the provider of the new key and the id `addKey` gave it. */
async function rotate(v: TempVault): Promise<{ rotatedProvider: FileKeyProvider; newKeyId: string }> {
  const newKeyFile = join(v.dir, 'rotated.key');
  await createKeyFile(newKeyFile);
  const rotatedProvider = new FileKeyProvider(newKeyFile);
  const newKeyId = await v.vault.addKey(rotatedProvider);
  return { rotatedProvider, newKeyId };
}

describe('vault keys', () => {
  test('the wrong key file cannot open the vault', async (t) => {
    // Prepare
    const v = await freshVault(t);
    const other = join(v.dir, 'other.key');
    await createKeyFile(other);

    // Act
    const opening = Vault.open(v.store, new FileKeyProvider(other));

    // Assess
    await assert.rejects(opening, KeyAccessError);
  });

  test('a missing key file is KeyNotFoundError', async (t) => {
    // Prepare
    const v = await freshVault(t);

    // Act
    const opening = Vault.open(v.store, new FileKeyProvider(join(v.dir, 'absent.key')));

    // Assess
    await assert.rejects(opening, KeyNotFoundError);
  });

  test('a key record copied from another vault does not unwrap there (wrong encryption context)', async (t) => {
    // Prepare
    const v = await freshVault(t);
    const other = await freshVault(t);
    const keysDir = join(v.storeDir, 'keys');
    const otherKeys = join(other.storeDir, 'keys');
    for (const f of readdirSync(otherKeys)) rmSync(join(otherKeys, f));
    for (const f of readdirSync(keysDir)) cpSync(join(keysDir, f), join(otherKeys, f));

    // Act
    const opening = Vault.open(other.store, v.provider);

    // Assess
    await assert.rejects(opening, KeyAccessError);
  });

  test('after a key rotation, new data is sealed under the new key', async (t) => {
    // Prepare
    const v = await freshVault(t);
    const { rotatedProvider, newKeyId } = await rotate(v);
    const byReference = (ref: string) => (ref === rotatedProvider.reference ? rotatedProvider : v.provider);
    const reopened = await Vault.open(v.store, byReference);
    const after = randomData(300_000, 12);

    // Act
    const newSnapshot = await backupBytes(reopened, after);

    // Assess
    assert.notEqual(rotatedProvider.reference, v.provider.reference);
    assert.equal(Buffer.from(reopened.keyring.current.id).toString('hex'), newKeyId);
    assert.ok((await restoreBytes(reopened, newSnapshot)).equals(after));
    // With only the old key, the new snapshot (sealed under the new key) cannot be read.
    const oldOnly = await Vault.open(v.store, (ref) => (ref === rotatedProvider.reference ? new FileKeyProvider(join(v.dir, 'absent.key')) : v.provider));
    await assert.rejects(restoreBytes(oldOnly, newSnapshot), KeyAccessError);
  });

  test('after a key rotation, snapshots sealed under the old key still restore', async (t) => {
    // Prepare
    const v = await freshVault(t);
    const before = randomData(300_000, 11);
    const oldSnapshot = await backupBytes(v.vault, before);
    const { rotatedProvider } = await rotate(v);
    const reopened = await Vault.open(v.store, (ref) => (ref === rotatedProvider.reference ? rotatedProvider : v.provider));

    // Act
    const restored = await restoreBytes(reopened, oldSnapshot);

    // Assess
    assert.ok(restored.equals(before));
  });

  test('init refuses an existing vault', async (t) => {
    // Prepare
    const v = await freshVault(t);

    // Act
    const init = Vault.init(v.store, v.provider, { chunker: { ...DEFAULT_CHUNKER_PARAMS } });

    // Assess
    await assert.rejects(init, VaultExistsError);
  });

  test('open refuses a place that holds no vault', async (t) => {
    // Prepare
    const v = await freshVault(t);

    // Act
    const opening = Vault.open(new FileObjectStore(join(v.dir, 'empty')), v.provider);

    // Assess
    await assert.rejects(opening, VaultNotFoundError);
  });

  test('open refuses a vault of an unknown format version', async (t) => {
    // Prepare
    const v = await freshVault(t);
    const copy = join(v.dir, 'future');
    cpSync(v.storeDir, copy, { recursive: true });
    const config = JSON.parse(readFileSync(join(copy, 'config'), 'utf8')) as { version: number };
    config.version = 2;
    writeFileSync(join(copy, 'config'), JSON.stringify(config));

    // Act
    const opening = Vault.open(new FileObjectStore(copy), v.provider);

    // Assess
    await assert.rejects(opening, VaultFormatError);
  });
});
