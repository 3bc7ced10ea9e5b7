import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenContextKey } from '../../infra/config.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { createSampleDatabase } from '../../local/postgres/sample-database.js';
import { newJob } from '../helpers/jobs.js';
import { connect, createConnectionSecret, createDatabase, databaseDigest } from '../helpers/postgres.js';

describe('PostgreSQL: a database with a 1,000,000-row table', () => {
  let cloud: LocalCloud;
  let source: string;
  let secret: string;

  beforeAll(async () => {
    source = await createDatabase('pgmillion');
    const client = await connect(source);
    await createSampleDatabase(client, 1_000_000);
    await client.end();
    secret = await createConnectionSecret(source);
    cloud = await LocalCloud.start({ context: { [HavenContextKey.PostgresSecretArns]: [secret] } });
  });
  afterAll(() => cloud.close());

  test('backs up in key-range partitions and restores equal, table by table', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret, exclude_tables: ['temp_*', 'log_*'] }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.partitions, 20 + 4, 'events split into four 250,000-row ranges');

    // Act
    const target = await createDatabase('pgmillionr');
    const restore = await cloud.catalog.restores.create({ restore_name: 'million', backup_id: record.backup_id, destination: { type: 'postgresql', secret_arn: secret, database: target }, created_by: 'test' });
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const original = await databaseDigest(source);
    delete original['public.temp_scratch'];
    delete original['public.log_events'];
    assert.equal(original['public.events']?.rows, 1_000_000);
    assert.deepEqual(await databaseDigest(target), original);
  });
});
