/**
 * A PostgreSQL backup whose snapshot holder ends early (docs/POSTGRES.md,
 * "Snapshot holder"): the partitions cannot import the snapshot, and the
 * backup fails with SnapshotExpired and a clear record, never mixing
 * instants. The holder's budget is cut to nothing with the undeployed
 * HAVEN_SNAPSHOT_HOLDER_BUDGET_MS (control/env.ts), which only the local
 * cloud sets; a deployed holder holds for its function's time.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenEnv } from '../../control/env.js';
import type { HolderResult } from '../../control/workflows/backup/hold-snapshot.js';
import { HavenContextKey } from '../../infra/config.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { HOLDER_APPLICATION } from '../../sources/postgres/snapshot-holder.js';
import { newJob } from '../helpers/jobs.js';
import { createConnectionSecret, createDatabase, sql } from '../helpers/postgres.js';
import { entriesOf } from './execution-history.js';

describe('PostgreSQL backup: a snapshot holder that ends early', () => {
  let cloud: LocalCloud;
  let db: string;
  let secret: string;

  beforeAll(async () => {
    db = await createDatabase('pgexpire');
    await sql(db, 'CREATE TABLE public.items (id int PRIMARY KEY, v text); INSERT INTO public.items SELECT g, md5(g::text) FROM generate_series(1, 2000) g;');
    secret = await createConnectionSecret(db);
    cloud = await LocalCloud.start({ context: { [HavenContextKey.PostgresSecretArns]: [secret] }, environment: { [HavenEnv.SnapshotHolderBudgetMs]: '0' } });
  });
  afterAll(() => cloud.close());

  test('fails the backup with SnapshotExpired, a clear record, the lease released and no snapshot', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'FAILED');
    assert.deepEqual(cloud.denials, [], 'a failure of the snapshot, not of IAM');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, 'SnapshotExpired', record.error?.message);
    assert.match(record.error?.message ?? '', /exported snapshot is gone.*holder ended before every partition had read it.*re-run the backup/);
    assert.equal(record.result, null, 'no snapshot was committed');
    assert.equal((await cloud.catalog.getJob(job.job_id)).lease_owner, undefined, 'the lease was released');
    const [hold] = entriesOf(execution.history, 'Hold snapshot');
    const holder = JSON.parse(hold!.succeeded!.lambdaFunctionSucceededEventDetails!.output!) as HolderResult;
    assert.equal(holder.ended, 'budget', 'the holder says its budget ran out');
    const open = await sql(db, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [HOLDER_APPLICATION]);
    assert.deepEqual(open, [], 'no holder session is left open');
  });
});
