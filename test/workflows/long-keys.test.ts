/**
 * A plan far too large for Step Functions state: 1,000 key ranges of S3 keys
 * about 1,000 bytes long (their specs weigh about 2 MB). Plan stages the
 * specs in the vault; the state carries a reference and the item indexes,
 * every Lambda payload stays under 256 KiB, and the backup completes with
 * every object, each export iteration having read its own range.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../engine/aws/clients.js';
import type { S3PlanOptions } from '../../engine/sources/s3/range-plan.js';
import type { BackupSource } from '../../engine/sources/source.js';
import type { WorkflowDeps } from '../../engine/workflows/deps.js';
import { mapLimit } from '../../engine/util/concurrency.js';
import type { Step } from '../../functions/registry.js';
import { LocalStack } from '../../local/stack/local-stack.js';
import { PAYLOAD_LIMIT } from '../../local/runner/local-runner.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';

const OBJECTS = 1000;
/** S3 allows 1,024 bytes per key; `app/` and the number take the rest. */
const KEY_BYTES = 1000;

/** The key of object `i`: long, and in listing order. */
function longKey(i: number): string {
  const n = String(i).padStart(5, '0');
  return `app/${n}-${'k'.repeat(KEY_BYTES - n.length - 1)}`;
}

/** The source with one key per range (the S3 source closes ranges at 20,000 keys; this plan needs 1,000 ranges from 1,000 keys). */
function oneKeyPerRange(source: BackupSource): BackupSource {
  return {
    describe: () => source.describe(),
    plan: (options) => {
      const everyKey: S3PlanOptions = { ...options, keysPerRange: 1 };
      return source.plan(everyKey);
    },
    export: (partition, counter) => source.export(partition, counter),
  };
}

describe('a plan of 1,000 ranges of 1,000-byte S3 keys', () => {
  let stack: LocalStack;
  const bucket = uniqueName('long-keys');

  before(async () => {
    stack = await LocalStack.create({
      wrapStep: (fn: string, step: Step): Step =>
        fn === 'haven-backup-plan' ? ((deps: WorkflowDeps, event: never) => step({ ...deps, source: (config) => oneKeyPerRange(deps.source(config)) }, event)) as Step : step,
    });
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    await mapLimit(
      Array.from({ length: OBJECTS }, (_, i) => i),
      16,
      (i) => s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: longKey(i), Body: `object ${i}` })),
    );
  });

  test('stays under 256 KiB in every payload and backs up every object', async () => {
    const config = { type: 's3', bucket, prefix: 'app/' };
    const inline = JSON.stringify(await oneKeyPerRange(stack.deps.source(config)).plan());
    assert.ok(inline.length > 4 * PAYLOAD_LIMIT, `the specs alone weigh ${inline.length} bytes`);

    const job = await stack.catalog.createJob(newJob(config));
    const execution = await stack.runner.run('backup', { job_id: job.job_id, custom_parameters: { max_concurrency: 40 } });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);

    const invocations = execution.history.filter((e) => e.type === 'TaskInvoked');
    const exports = invocations.filter((e) => e.state === 'Export partition');
    assert.equal(exports.length, OBJECTS, 'one export iteration per range');
    for (const event of invocations) {
      assert.ok((event.inputBytes ?? 0) < PAYLOAD_LIMIT && (event.outputBytes ?? 0) < PAYLOAD_LIMIT, `${event.state}: ${event.inputBytes} in, ${event.outputBytes} out`);
    }
    const plan = invocations.find((e) => e.state === 'Plan')!;
    assert.ok((plan.outputBytes ?? 0) < 8 * 1024, `Plan's output (${plan.outputBytes} bytes) carries indexes, not specs`);
    assert.ok(Math.max(...exports.map((e) => e.inputBytes ?? 0)) < 2 * 1024, 'an iteration\'s input is its index and the context, never a key');

    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'completed');
    assert.equal(record.result?.partitions, OBJECTS);
    assert.equal(record.result?.records, OBJECTS, 'each range was exported once: no key missed, none twice');
    const left: string[] = [];
    for await (const info of (await stack.deps.vault()).store.list(`staging/${record.backup_id}/`)) left.push(info.key);
    assert.deepEqual(left, [], 'the staging area is cleared');
  });
});
