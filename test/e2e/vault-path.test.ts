/**
 * A job whose destination names a path in the deployment's vault bucket
 * backs up into its own vault there (issue 17), on the local cloud under
 * enforced IAM: the backup records the vault, its packs take the storage
 * class the destination asks for, restores and verifications read it, the
 * scheduled prune forgets and prunes in it, and a record from before
 * vaults were recorded still restores from the primary.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { parseStoreUri } from '../../vault/storage/open-store.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { runVerification } from './verify-support.js';

/** Every object under a prefix of a bucket, with its storage class. */
async function objects(bucket: string, prefix: string): Promise<Array<{ key: string; storageClass: string }>> {
  const out: Array<{ key: string; storageClass: string }> = [];
  let token: string | undefined;
  do {
    const page = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, storageClass: o.StorageClass ?? 'STANDARD' });
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

describe('a job destination path selects its own vault in the vault bucket', () => {
  let cloud: LocalCloud;
  let vaultBucket: string;
  let defaultPrefix: string;
  const table = uniqueName('team-a');
  const restored = `${table}-restored`;
  const legacyRestored = `${table}-legacy`;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table], restoreTables: [restored, legacyRestored] });
    await seedTable(table, 300);
    const location = parseStoreUri(cloud.vaultUri) as { bucket: string; prefix: string };
    vaultBucket = location.bucket;
    defaultPrefix = `${location.prefix}/`;
  });
  afterAll(() => cloud.close());

  test('backs up into s3://<bucket>/team-a/ with its packs in the class asked for, restores identically and verifies from there', async () => {
    // Prepare
    const destination = { type: 's3', bucket: vaultBucket, path: 'team-a/', region: process.env.AWS_REGION ?? 'us-east-1', encryption: 'AES256', storage_class: 'STANDARD_IA' };
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }, { destination }));
    const defaultData = await objects(vaultBucket, `${defaultPrefix}data/`);

    // Act
    const backup = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(backup.status, 'SUCCEEDED', `${backup.error}: ${backup.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.vault_uri, `s3://${vaultBucket}/team-a/`);
    assert.ok(await s3Client().send(new HeadObjectCommand({ Bucket: vaultBucket, Key: 'team-a/config' })));
    const packs = await objects(vaultBucket, 'team-a/data/');
    assert.ok(packs.length > 0);
    assert.deepEqual([...new Set(packs.map((p) => p.storageClass))], ['STANDARD_IA']);
    assert.deepEqual([...new Set((await objects(vaultBucket, 'team-a/snapshots/')).map((o) => o.storageClass))], ['STANDARD']);
    assert.deepEqual(await objects(vaultBucket, `${defaultPrefix}data/`), defaultData);

    // Act
    const restore = await cloud.catalog.restores.create({ restore_name: 'team-a', backup_id: record.backup_id, destination: { type: 'dynamodb', table_name: restored }, created_by: 'test' });
    const restoreRun = await cloud.workflows.run('restore', { restore_id: restore.restore_id });
    const verification = await runVerification(cloud, { backup_id: record.backup_id, level: 'checksum' });

    // Assess
    assert.equal(restoreRun.status, 'SUCCEEDED', `${restoreRun.error}: ${restoreRun.cause}`);
    assert.deepEqual(await scanAll(restored), await scanAll(table));
    assert.equal(verification.execution.status, 'SUCCEEDED', `${verification.execution.error}: ${verification.execution.cause}`);
    assert.equal(verification.record.status, 'completed');
    assert.equal(verification.record.result?.packs_checked, packs.length);
    assert.deepEqual(cloud.denials, []);
  });

  test('the scheduled prune forgets and prunes in the path vault', async () => {
    // Prepare
    const destination = { type: 'vault', bucket: vaultBucket, path: 'team-b/' };
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }, { destination, retention: { keep_last: 1 } }));
    assert.equal((await cloud.workflows.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const first = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const firstPacks = (await objects(vaultBucket, 'team-b/data/')).map((o) => o.key);
    // Every item changes, so the second (full) backup shares no chunk with the first.
    await writeItems(table, Array.from({ length: 300 }, (_, i) => i), (i) => demoItem(i, 2));
    assert.equal((await cloud.workflows.run('backup', { job_id: job.job_id, execution_options: { force_full_backup: true } })).status, 'SUCCEEDED');

    // Act
    const prune = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(prune.status, 'SUCCEEDED', `${prune.error}: ${prune.cause}`);
    assert.ok((await cloud.catalog.getBackup(first.backup_id)).deleted_at);
    assert.equal((await objects(vaultBucket, `team-b/snapshots/${first.result!.snapshot_id}`)).length, 0);
    const left = new Set((await objects(vaultBucket, 'team-b/data/')).map((o) => o.key));
    assert.deepEqual(firstPacks.filter((key) => left.has(key)), []);
    assert.deepEqual(cloud.denials, []);
  });

  test('a backup record without vault_uri (written before vaults were recorded) restores from the primary vault', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    assert.equal((await cloud.workflows.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    await cloud.catalog.executions.annotate(record.execution_id, { vault_uri: null });

    // Act
    const restore = await cloud.catalog.restores.create({ restore_name: 'legacy', backup_id: record.backup_id, destination: { type: 'dynamodb', table_name: legacyRestored }, created_by: 'test' });
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(await scanAll(legacyRestored), await scanAll(table));
  });
});
