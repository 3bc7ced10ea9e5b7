import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../engine/aws/clients.js';
import { openSnapshot, restorePartition } from '../../engine/restore/restorer.js';
import { DynamoDbRestoreTarget } from '../../engine/sources/dynamodb/target.js';
import { encodeItem } from '../../engine/sources/dynamodb/item-codec.js';
import { LocalStack } from '../../local/stack/local-stack.js';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';

async function scanAll(table: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamoDbClient().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) out.set(`${item.pk!.S}|${item.sk!.S}`, encodeItem(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

describe('backup workflow: DynamoDB', () => {
  let stack: LocalStack;
  const table = `orders-${Math.random().toString(36).slice(2, 8)}`;
  before(async () => {
    stack = await LocalStack.create();
    await seedTable(table, 600);
    const big = demoItem(9999);
    big.bio = { S: 'b'.repeat(390 * 1024) };
    big.pk = { S: 'ключ-🔑-big' };
    await writeItems(table, [0], () => big);
  });
  after(() => {});

  test('backs up every item of every type and restores it exactly', async () => {
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    const execution = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const records = await stack.catalog.listExecutions({ job_id: job.job_id });
    const record = records.items[0]!;
    assert.equal(record.status, 'completed');
    assert.equal(record.progress, 100);
    assert.equal(record.result?.records, 601);
    assert.equal(record.verification?.status, 'passed');
    assert.match(record.result?.checksum ?? '', /^sha256:[0-9a-f]{64}$/);

    const vault = await stack.deps.vault();
    const opened = await openSnapshot(vault, record.result!.snapshot_id);
    const target = `${table}-restored`;
    const restoreTarget = new DynamoDbRestoreTarget({ table: target });
    await restoreTarget.prepare({ conflict_policy: 'fail_if_exists', create_missing_tables: true }, opened.snapshot.source.description as Record<string, unknown>);
    for (const partition of opened.snapshot.partitions) {
      await restoreTarget.restore(restorePartition(vault, opened.index, opened.snapshot, partition.name), { conflict_policy: 'overwrite' });
    }
    assert.deepEqual(await scanAll(target), await scanAll(table));
    const lease = await stack.catalog.getJob(job.job_id);
    assert.equal(lease.lease_owner, undefined, 'the lease is released');
    assert.ok(stack.events.some((e) => e.detailType === 'Backup Succeeded'));
  });
});
