import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyFile, FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { KeyAccessError, KeyNotFoundError } from '../../vault/keys/errors.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { Vault } from '../../vault/repository/vault.js';
import { VaultFormatError } from '../../vault/format/errors.js';
import { VaultExistsError, VaultNotFoundError } from '../../vault/repository/errors.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { backupBytes, randomData, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';

describe('vault keys', () => {
  let t: TempVault;
  let scratch: string;
  beforeAll(async () => {
    t = await tempVault();
    scratch = mkdtempSync(join(tmpdir(), 'haven-keys-'));
  });
  afterAll(() => {
    t.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the wrong key file cannot open the vault', async () => {
    const other = join(scratch, 'other.key');
    await createKeyFile(other);
    await assert.rejects(Vault.open(t.store, new FileKeyProvider(other)), KeyAccessError);
  });

  test('a missing key file is KeyNotFoundError', async () => {
    await assert.rejects(Vault.open(t.store, new FileKeyProvider(join(scratch, 'absent.key'))), KeyNotFoundError);
  });

  test('a key record copied from another vault does not unwrap there (wrong encryption context)', async () => {
    const other = await tempVault();
    try {
      const keysDir = join(t.storeDir, 'keys');
      const otherKeys = join(other.storeDir, 'keys');
      for (const f of readdirSync(otherKeys)) rmSync(join(otherKeys, f));
      for (const f of readdirSync(keysDir)) cpSync(join(keysDir, f), join(otherKeys, f));
      await assert.rejects(Vault.open(other.store, t.provider), KeyAccessError);
    } finally {
      other.cleanup();
    }
  });

  test('rotation: new data is sealed under the new key, old snapshots still restore', async () => {
    const before = randomData(300_000, 11);
    const oldSnapshot = await backupBytes(t.vault, before);
    const newKeyFile = join(scratch, 'rotated.key');
    await createKeyFile(newKeyFile);
    const rotatedProvider = new FileKeyProvider(newKeyFile);
    const newKeyId = await t.vault.addKey(rotatedProvider);
    const byReference = (ref: string) => (ref === rotatedProvider.reference ? rotatedProvider : t.provider);
    assert.notEqual(rotatedProvider.reference, t.provider.reference);
    const reopened = await Vault.open(t.store, byReference);
    assert.equal(Buffer.from(reopened.keyring.current.id).toString('hex'), newKeyId);
    const after = randomData(300_000, 12);
    const newSnapshot = await backupBytes(reopened, after);
    assert.ok((await restoreBytes(reopened, oldSnapshot)).equals(before));
    assert.ok((await restoreBytes(reopened, newSnapshot)).equals(after));
    // With only the old key, the new snapshot (sealed under the new key) cannot be read.
    const oldOnly = await Vault.open(t.store, (ref) => (ref === rotatedProvider.reference ? new FileKeyProvider(join(scratch, 'absent.key')) : t.provider));
    await assert.rejects(restoreBytes(oldOnly, newSnapshot), KeyAccessError);
  });

  test('init refuses an existing vault; open refuses an empty place and an unknown version', async () => {
    await assert.rejects(Vault.init(t.store, t.provider, { chunker: { ...DEFAULT_CHUNKER_PARAMS } }), VaultExistsError);
    await assert.rejects(Vault.open(new FileObjectStore(join(scratch, 'empty')), t.provider), VaultNotFoundError);
    const copy = join(scratch, 'future');
    cpSync(t.storeDir, copy, { recursive: true });
    const config = JSON.parse(readFileSync(join(copy, 'config'), 'utf8')) as { version: number };
    config.version = 2;
    writeFileSync(join(copy, 'config'), JSON.stringify(config));
    await assert.rejects(Vault.open(new FileObjectStore(copy), t.provider), VaultFormatError);
  });
});
