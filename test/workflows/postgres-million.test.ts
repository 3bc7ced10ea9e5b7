import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStack } from '../../local/stack/local-stack.js';
import { createSampleDatabase } from '../../local/postgres/sample-database.js';
import { closeSnapshotHolders } from '../../engine/sources/postgres/snapshot-holder.js';
import { newJob } from '../helpers/jobs.js';
import { connect, createConnectionSecret, createDatabase, databaseDigest } from '../helpers/postgres.js';

describe('PostgreSQL: a database with a 1,000,000-row table', () => {
  let stack: LocalStack;
  let source: string;
  let secret: string;

  before(async () => {
    stack = await LocalStack.create();
    source = await createDatabase('pgmillion');
    const client = await connect(source);
    await createSampleDatabase(client, 1_000_000);
    await client.end();
    secret = await createConnectionSecret(source);
  });
  after(() => closeSnapshotHolders());

  test('backs up in key-range partitions and restores equal, table by table', async () => {
    const job = await stack.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret, exclude_tables: ['temp_*', 'log_*'] }));
    const execution = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.partitions, 20 + 4, 'events split into four 250,000-row ranges');

    const target = await createDatabase('pgmillionr');
    const restore = await stack.catalog.restores.create({ restore_name: 'million', backup_id: record.backup_id, destination: { type: 'postgresql', secret_arn: secret, database: target }, created_by: 'test' });
    const run = await stack.runner.run('restore', { restore_id: restore.restore_id });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const original = await databaseDigest(source);
    delete original['public.temp_scratch'];
    delete original['public.log_events'];
    assert.equal(original['public.events']?.rows, 1_000_000);
    assert.deepEqual(await databaseDigest(target), original);
  });
});
