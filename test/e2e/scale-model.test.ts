/**
 * The capacity model (bench/scale/) against a real run of the same small
 * case on the local stack: a DynamoDB table backed up in 6 scan segments,
 * 2 children at once. The model is built from the table as the source
 * describes it; partitions, Lambda invocations (cloud.host.invocations) and
 * S3 requests by type (the IAM proxy's onCall, the functions' and the state
 * machine's own calls only) must agree within 10%. The run is the stack's
 * first, so every function starts cold, as the model counts them.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { LocalCloud } from '../../local/cloud/cloud.js';
import type { ObservedCall } from '../../local/iam/types.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { CaseKind, type ScaleCase } from '../../bench/scale/cases.js';
import { runCase, type CaseResult } from '../../bench/scale/run-case.js';
import type { S3Requests } from '../../bench/scale/requests.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';

const SEGMENTS = 6;
const CONCURRENCY = 2;
/** Fixed engine rates: the comparison is of counts, nothing is timed. */
const ENGINE = { full_mb_per_cpu_second: 100, dedup_mb_per_cpu_second: 500, verify_mb_per_cpu_second: 150, index_heap_bytes_per_blob: 450, index_load_cpu_seconds_per_blob: 1e-6 };

/** S3 operations by the model's request types. */
const S3_TYPES: Readonly<Record<string, keyof S3Requests>> = {
  PutObject: 'put',
  CreateMultipartUpload: 'put',
  UploadPart: 'put',
  CompleteMultipartUpload: 'put',
  CopyObject: 'put',
  GetObject: 'get',
  HeadObject: 'get',
  HeadBucket: 'get',
  ListObjectsV2: 'list',
  ListObjects: 'list',
  ListObjectVersions: 'list',
  DeleteObject: 'delete',
  DeleteObjects: 'delete',
};

function within(actual: number, modelled: number, what: string): void {
  assert.ok(Math.abs(modelled - actual) <= 0.1 * actual, `${what}: model ${modelled}, run ${actual} (more than 10% apart)`);
}

describe('capacity model against a real run', () => {
  let cloud: LocalCloud;
  const calls: ObservedCall[] = [];
  const table = uniqueName('scale');
  let model: CaseResult;
  let partitions = 0;
  let invocations = 0;
  const requests: S3Requests = { put: 0, get: 0, list: 0, delete: 0 };

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table], onCall: (call) => void calls.push(call) });
    await seedTable(table, 1200);
    // The emulator reports no TableSizeBytes, so the model takes the items' size as the table's.
    const items = await scanAll(table);
    const tableBytes = [...items.values()].reduce((n, item) => n + item.length, 0);
    const scale: ScaleCase = {
      name: 'e2e',
      description: 'the seeded table',
      source: { kind: CaseKind.DynamoDb, table_bytes: tableBytes, item_bytes: tableBytes / items.size, read_capacity_units: 40_000, segments: SEGMENTS },
      backup: 'full',
      changed_fraction: 1,
      requested_concurrency: CONCURRENCY,
    };
    model = await runCase(scale, { engine: ENGINE });
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }, { backup_type: 'full' }));
    // The vault exists before the run (created with the harness's credentials): the model leaves its creation out.
    await cloud.deps.vault();
    const firstCall = calls.length;
    const firstInvocation = cloud.host.invocations.length;
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id, custom_parameters: { segments: SEGMENTS, max_concurrency: CONCURRENCY } });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    partitions = record.result?.partitions ?? 0;
    invocations = cloud.host.invocations.length - firstInvocation;
    for (const call of calls.slice(firstCall)) {
      const type = call.service === 's3' && call.principal !== 'unrestricted' ? S3_TYPES[call.operation] : undefined;
      if (type) requests[type] += 1;
    }
  });
  afterAll(() => cloud.close());

  test('plans as many partitions as the run backed up', () => {
    // Prepare
    const modelled = model.partitions;
    // Act
    const actual = partitions;
    // Assess
    assert.equal(modelled, actual);
  });

  test('counts the Lambda invocations within 10%', () => {
    // Prepare
    const modelled = model.lambda_invocations;
    // Act
    const actual = invocations;
    // Assess
    within(actual, modelled, 'invocations');
  });

  test('counts the S3 PUT requests within 10%', () => {
    // Prepare
    const modelled = model.s3_requests.put;
    // Act
    const actual = requests.put;
    // Assess
    within(actual, modelled, `PUT (run ${JSON.stringify(requests)}, model ${JSON.stringify(model.s3_requests)})`);
  });

  test('counts the S3 GET requests within 10%', () => {
    // Prepare
    const modelled = model.s3_requests.get;
    // Act
    const actual = requests.get;
    // Assess
    within(actual, modelled, `GET (run ${JSON.stringify(requests)}, model ${JSON.stringify(model.s3_requests)})`);
  });

  test('counts the S3 LIST requests within 10%', () => {
    // Prepare
    const modelled = model.s3_requests.list;
    // Act
    const actual = requests.list;
    // Assess
    within(actual, modelled, `LIST (run ${JSON.stringify(requests)}, model ${JSON.stringify(model.s3_requests)})`);
  });
});
