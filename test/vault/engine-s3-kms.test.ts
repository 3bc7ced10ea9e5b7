import { beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { checkVault } from '../../vault/checker/checker.js';
import { KeyAccessError } from '../../vault/keys/errors.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';
import { Vault } from '../../vault/repository/vault.js';
import { createKey } from '../helpers/kms.js';
import { backupBytes, randomData, restoreBytes } from '../helpers/engine.js';
import { uniqueName } from '../helpers/names.js';

/** A vault on S3 under a KMS key holding one 20 MiB backup: built once, only read by the tests. */
interface BackedUpVault {
  readonly bucket: string;
  readonly store: S3ObjectStore;
  readonly keyArn: string;
  readonly data: Uint8Array;
  readonly snapshotId: string;
}

describe('a vault on S3 under a KMS key, through the emulator', () => {
  let fixture: BackedUpVault;
  beforeAll(async () => {
    const bucket = uniqueName('engine-vault');
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3ObjectStore(bucket, 'vault');
    const keyArn = await createKey('engine test');
    const vault = await Vault.init(store, new KmsKeyProvider(keyArn), { chunker: { ...DEFAULT_CHUNKER_PARAMS }, packSize: 4 * 1024 * 1024 });
    const data = randomData(20 * 1024 * 1024 + 123, 77);
    const snapshotId = await backupBytes(vault, data);
    fixture = Object.freeze({ bucket, store, keyArn, data, snapshotId });
  });

  test('a backup goes up as separate pack objects', async () => {
    // Prepare
    const { bucket } = fixture;

    // Act
    const listed = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'vault/data/' }));

    // Assess
    assert.ok((listed.KeyCount ?? 0) >= 5, 'packs went up as separate objects');
  });

  test('a reopened vault restores the backup byte for byte', async () => {
    // Prepare
    const { store, keyArn, data, snapshotId } = fixture;
    const reopened = await Vault.open(store, new KmsKeyProvider(keyArn));

    // Act
    const restored = await restoreBytes(reopened, snapshotId);

    // Assess
    assert.ok(restored.equals(data));
  });

  test('check --read-data finds no issue', async () => {
    // Prepare
    const { store, keyArn } = fixture;
    const reopened = await Vault.open(store, new KmsKeyProvider(keyArn));

    // Act
    const report = await checkVault(reopened, { readData: true });

    // Assess
    assert.deepEqual(report.issues, []);
  });

  test('another KMS key cannot open the vault', async () => {
    // Prepare
    const { store } = fixture;
    const otherKey = await createKey('another key');

    // Act
    const opening = Vault.open(store, new KmsKeyProvider(otherKey));

    // Assess
    await assert.rejects(opening, KeyAccessError);
  });
});
