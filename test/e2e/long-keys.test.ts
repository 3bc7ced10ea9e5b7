/**
 * A plan far too large for Step Functions state: 300 key ranges of S3 keys
 * about 1,000 bytes long (their specs weigh about 600 KB; the state limit is
 * 256 KiB, and test/e2e/backup-failures.test.ts runs the 1,000-partition
 * maximum). Plan stages the
 * specs in the vault and the item indexes in a staged item list; the state
 * carries references, every Lambda payload stays under 256 KiB, and the
 * backup completes with every object, each export batch having read its own
 * ranges.
 *
 * No job setting makes the S3 source close a range at every key (it closes
 * one at 5,000 keys or 256 MiB), and the deployed Plan cannot be given
 * another source: so Plan's work for this run is done in the harness, by the
 * engine's own `planBackup` with such a source (it creates the record, takes
 * the lease and stages the specs in the vault), and the deployed Plan
 * invocation answers with its output (a fault of the function host). Every
 * other step runs deployed.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import type { S3PlanOptions } from '../../sources/s3/range-plan.js';
import type { BackupSource } from '../../sources/source.js';
import { planBackup } from '../../control/workflows/backup/plan.js';
import type { PlanOutput } from '../../control/workflows/backup/types.js';
import { mapLimit } from '../../vault/util/concurrency.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { StepFunctionsLimits } from '../../local/cloud/workflows.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';

/** Ranges (one key each): their specs weigh about 600 KB, over twice the state limit, and the run stays about a minute. */
const OBJECTS = 300;
/** S3 allows 1,024 bytes per key; `app/` and the number take the rest. */
const KEY_BYTES = 1000;

/** The key of object `i`: long, and in listing order. */
function longKey(i: number): string {
  const n = String(i).padStart(5, '0');
  return `app/${n}-${'k'.repeat(KEY_BYTES - n.length - 1)}`;
}

/** The source with one key per range (the S3 source closes ranges at 5,000 keys; this plan needs one range per key). */
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

describe('a plan of 300 ranges of 1,000-byte S3 keys', () => {
  let cloud: LocalCloud;
  const bucket = uniqueName('long-keys');
  /** What the deployed Plan answers for this run (planned in the harness). */
  let planned: PlanOutput | undefined;

  beforeAll(async () => {
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    cloud = await LocalCloud.start({ sourceBuckets: [bucket], faults: ({ fn }) => (planned && fn.path.endsWith('Backup/Plan') ? { result: planned } : undefined) });
    await mapLimit(
      Array.from({ length: OBJECTS }, (_, i) => i),
      16,
      (i) => s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: longKey(i), Body: `object ${i}` })),
    );
  });
  afterAll(() => cloud.close());

  test('stays under 256 KiB in every payload and backs up every object', async () => {
    // Prepare
    const config = { type: 's3' as const, bucket, prefix: 'app/' };
    const inline = JSON.stringify(await oneKeyPerRange(cloud.deps.source(config)).plan());
    assert.ok(inline.length > 2 * StepFunctionsLimits.payloadBytes, `the specs alone weigh ${inline.length} bytes`);
    const job = await cloud.catalog.createJob(newJob(config));
    const input = { job_id: job.job_id, custom_parameters: { max_concurrency: 40 } };
    // An S3 source plans its partitions in Plan itself (no snapshot holder).
    planned = (await planBackup({ ...cloud.deps, source: (source) => oneKeyPerRange(cloud.deps.source(source)) }, input)) as PlanOutput;
    const mark = cloud.host.invocations.length;

    // Act
    const execution = await cloud.workflows.run('backup', input);

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const invocations = cloud.host.invocations.slice(mark);
    for (const invocation of invocations) {
      const largest = Math.max(invocation.requestBytes, invocation.responseBytes);
      assert.ok(largest < StepFunctionsLimits.payloadBytes, `${invocation.path}: ${invocation.requestBytes} in, ${invocation.responseBytes} out`);
    }
    const plan = invocations.find((i) => i.path.endsWith('Backup/Plan'))!;
    assert.ok(plan.responseBytes < 2 * 1024, `Plan's output (${plan.responseBytes} bytes) carries references, not indexes or specs`);
    const exports = invocations.filter((i) => i.path.endsWith('Backup/ExportPartition'));
    assert.equal(exports.length, Math.ceil(OBJECTS / planned.items_per_batch), 'one export invocation per batch');
    assert.ok(Math.max(...exports.map((i) => i.requestBytes)) < 2 * 1024, "a batch's input is its indexes and the context, never a key");

    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'completed');
    assert.equal(record.result?.partitions, OBJECTS);
    assert.equal(record.result?.records, OBJECTS, 'each range was exported once: no key missed, none twice');
    const left: string[] = [];
    for await (const info of (await cloud.deps.vault()).store.list(`staging/${record.backup_id}/`)) left.push(info.key);
    assert.deepEqual(left, [], 'the staging area is cleared');
    assert.deepEqual(cloud.denials, []);
  });
});
