/**
 * `haven vault restore --to-dynamodb`: a DynamoDB backup in an S3 vault
 * under a KMS key, restored by the CLI's program with nothing but
 * the vault and its key: no catalog, no stack.
 */
import { beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../vault/aws/clients.js';
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { keyAttributesOf } from '../../sources/dynamodb/table-schema.js';
import { createTestTable, everyTypeItem, manyItems, putItems, tableLines } from '../sources/fixtures.js';
import { uniqueName } from '../sources/support.js';
import { backUpSource, kmsVault, runProgram } from './vault-restore-support.js';

describe('vault restore --to-dynamodb', () => {
  /** A table with a range key, indexes and TTL, backed up in 3 segments; only read by the tests. */
  let source: string;
  let uri: string;
  let snapshotId: string;
  beforeAll(async () => {
    source = await createTestTable({ indexes: true, ttl: true });
    await putItems(source, [{ ...everyTypeItem(), sk: { S: 'every' } }, ...manyItems(300, true)]);
    const vault = await kmsVault();
    uri = vault.uri;
    snapshotId = (await backUpSource(vault.vault, { type: 'dynamodb', table_name: source }, new DynamoDbSource({ table: source }), { segments: 3 })).id;
  });

  test('restores every partition into a new table created from the captured schema, item for item', async () => {
    // Prepare
    const target = uniqueName('dr-table');

    // Act
    const run = await runProgram(['vault', 'restore', uri, 'latest', '--to-dynamodb', target, '--json']);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { snapshot_id: string; partitions: number; records_restored: number; verified: boolean; counts_verified: boolean };
    assert.deepEqual([summary.snapshot_id, summary.partitions, summary.records_restored, summary.verified, summary.counts_verified], [snapshotId, 3, 301, true, true]);
    assert.deepEqual(await tableLines(target), await tableLines(source));
    const [created, original] = await Promise.all([target, source].map(async (t) => (await dynamoDbClient().send(new DescribeTableCommand({ TableName: t }))).Table!));
    assert.deepEqual(keyAttributesOf(created!), keyAttributesOf(original!));
    assert.deepEqual(created!.GlobalSecondaryIndexes?.map((i) => i.IndexName), original!.GlobalSecondaryIndexes?.map((i) => i.IndexName));
  });

  test('refuses a table that holds items under the default fail_if_exists (exit 4) and writes nothing', async () => {
    // Prepare
    const target = await createTestTable({ indexes: true });
    await putItems(target, manyItems(1, true));

    // Act
    const run = await runProgram(['vault', 'restore', uri, snapshotId.slice(0, 12), '--to-dynamodb', target]);

    // Assess
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /fail_if_exists/);
    assert.equal((await tableLines(target)).length, 1);
  });

  test('--conflict skip_existing leaves existing items alone and counts them as skipped', async () => {
    // Prepare
    const target = await createTestTable({ indexes: true });
    const kept = { ...manyItems(1, true)[0]!, n: { N: '-1' } };
    await putItems(target, [kept]);

    // Act
    const run = await runProgram(['vault', 'restore', uri, 'latest', 'segment-0000', 'segment-0001', 'segment-0002', '--to-dynamodb', target, '--conflict', 'skip_existing', '--json']);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { records_restored: number; records_skipped: number };
    assert.deepEqual([summary.records_restored, summary.records_skipped], [300, 1]);
    assert.ok((await tableLines(target)).some((line) => line.includes('"N":"-1"')));
  });

  test('refuses to restore a DynamoDB backup into S3 (exit 2), naming the kinds', async () => {
    // Act
    const run = await runProgram(['vault', 'restore', uri, 'latest', '--to-s3', 's3://some-bucket/x/']);

    // Assess
    assert.equal(run.code, 2);
    assert.match(run.stderr, /backup of a dynamodb source; --to-s3 restores s3 backups/);
  });
});
