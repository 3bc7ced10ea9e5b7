import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStack } from '../../local/stack/local-stack.js';
import { createSampleDatabase, EXCLUDED_TABLES } from '../../local/postgres/sample-database.js';
import { closeSnapshotHolders } from '../../engine/sources/postgres/snapshot-holder.js';
import { newJob } from '../helpers/jobs.js';
import { connect, createConnectionSecret, createDatabase, databaseDigest, databaseObjects } from '../helpers/postgres.js';

describe('backup and restore workflows: PostgreSQL', () => {
  let stack: LocalStack;
  let source: string;
  let secret: string;

  before(async () => {
    stack = await LocalStack.create();
    source = await createDatabase('pgsrc');
    const client = await connect(source);
    await createSampleDatabase(client);
    await client.end();
    secret = await createConnectionSecret(source);
  });
  after(() => closeSnapshotHolders());

  test('a 23-table database (21 selected) round-trips into another database: rows, checksums, constraints, indexes, sequences', async () => {
    const job = await stack.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret, exclude_tables: ['temp_*', 'log_*'], rows_per_partition: 6_000 }));
    const execution = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const original = await databaseDigest(source);
    for (const excluded of EXCLUDED_TABLES) delete original[excluded];
    assert.equal(Object.keys(original).length, 21);
    assert.equal(record.result?.records, Object.values(original).reduce((n, t) => n + t.rows, 0));
    assert.ok((record.result?.partitions ?? 0) > 21, 'events was split into key ranges');

    const target = await createDatabase('pgdst');
    const restore = await stack.catalog.restores.create({
      restore_name: 'pg',
      backup_id: record.backup_id,
      destination: { type: 'postgresql', secret_arn: secret, database: target },
      restore_options: { max_parallel_jobs: 4 },
      created_by: 'test',
    });
    const run = await stack.runner.run('restore', { restore_id: restore.restore_id });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(await databaseDigest(target), original);
    const [before, after] = [await databaseObjects(source), await databaseObjects(target)];
    assert.deepEqual(after.columns, before.columns.filter((c) => !/^public\.(temp_scratch|log_events)\./.test(c)));
    assert.deepEqual(after.constraints, before.constraints);
    assert.deepEqual(after.indexes, before.indexes);
    assert.deepEqual(after.sequences, before.sequences);
  });
});
