/**
 * Restores and verifications fall back from a backup's vault to a copy
 * (issue 17), on the local cloud under enforced IAM, with the copy vault in
 * a second region (eu-west-1, its own bucket and KMS key). The copy is made
 * by the engine (`initCopyVault` + `copySnapshot`) and recorded on the
 * backup record directly through the catalog, as the copy workflow records
 * it (`copies: [{ vault_uri, status: 'completed', snapshot_id, … }]`): this
 * file tests the fallback, not the copy workflow (test/e2e/copy.test.ts).
 * The primary's packs of the backup are then deleted.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { kmsClient, s3Client } from '../../vault/aws/clients.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import { copySnapshot } from '../../vault/copy/copier.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { packKey } from '../../vault/pack/pack-builder.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';
import { uniqueName } from '../helpers/names.js';
import { backUp, packsOf, runVerification } from './verify-support.js';

const REGION_B = 'eu-west-1';

describe('a backup whose packs are gone from its vault, with a completed copy in another region', () => {
  let cloud: LocalCloud;
  let backupId: string;
  let copySnapshotId: string;
  const table = uniqueName('fallback');
  const restored = `${table}-restored`;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ name: 'fallback', sourceTables: [table], restoreTables: [restored], copyVaults: [{ region: REGION_B }] });
    await seedTable(table, 200);
    backupId = await backUp(cloud, { type: 'dynamodb', table_name: table });
    const backup = await cloud.catalog.getBackup(backupId);
    const [copyVault] = cloud.copyVaults;
    const source = await cloud.deps.vault();
    const target = await initCopyVault(
      new S3ObjectStore(copyVault!.bucket, 'vault/', { client: s3Client({ region: REGION_B }) }),
      new KmsKeyProvider(copyVault!.kmsKeyArn, { client: kmsClient({ region: REGION_B }) }),
      source,
    );
    const copied = await copySnapshot({ source, target, snapshotId: backup.result!.snapshot_id });
    copySnapshotId = copied.targetSnapshotId;
    await cloud.catalog.executions.annotate(backup.execution_id, {
      copies: [{ vault_uri: copyVault!.uri, status: 'completed', snapshot_id: copySnapshotId, bytes_transferred: copied.bytesWritten, blobs_transferred: copied.blobsCopied, duration_ms: copied.durationMs, completed_at: new Date().toISOString() }],
    });
    for (const pack of await packsOf(cloud, backupId)) await source.store.delete(packKey(pack));
  });
  afterAll(() => cloud.close());

  test('a restore succeeds from the copy, identical to the source, and records the copy as the vault that served it', async () => {
    // Prepare
    const restore = await cloud.catalog.restores.create({ restore_name: 'fallback', backup_id: backupId, destination: { type: 'dynamodb', table_name: restored }, created_by: 'test' });

    // Act
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    const record = await cloud.catalog.restores.get(restore.restore_id);
    assert.equal(run.status, 'SUCCEEDED', `${record.error?.code ?? run.error}: ${record.error?.message ?? run.cause}`);
    assert.deepEqual(await scanAll(restored), await scanAll(table));
    assert.equal(record.served_from?.vault_uri, cloud.copyVaults[0]!.uri);
    assert.equal(record.served_from?.snapshot_id, copySnapshotId);
    assert.equal(record.served_from?.copy, true);
    assert.deepEqual(record.served_from?.skipped.map((s) => [s.vault_uri, s.error.code]), [[cloud.vaultUri.replace(/\/?$/, '/'), 'CorruptedBackup']]);
    assert.deepEqual(cloud.denials, []);
  });

  test('a checksum verification reads the copy and reports it', async () => {
    // Act
    const { execution, record } = await runVerification(cloud, { backup_id: backupId, level: 'checksum' });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${record.error?.code ?? execution.error}: ${record.error?.message ?? execution.cause}`);
    assert.equal(record.status, 'completed');
    assert.equal(record.served_from?.vault_uri, cloud.copyVaults[0]!.uri);
    assert.equal(record.served_from?.copy, true);
    assert.ok((record.result?.packs_checked ?? 0) > 0);
  });
});
