/**
 * The snapshot holder of a PostgreSQL backup (docs/POSTGRES.md, "Snapshot
 * holder"), under the synthesized template and its IAM policies: the holder
 * branch keeps the exported snapshot open until the last partition has
 * committed, then lets it go.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { HolderResult } from '../../control/workflows/backup/hold-snapshot.js';
import { HavenContextKey } from '../../infra/config.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { HOLDER_APPLICATION } from '../../sources/postgres/snapshot-holder.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { createConnectionSecret, createDatabase, sql } from '../helpers/postgres.js';
import { entriesOf } from './execution-history.js';

describe('PostgreSQL backup: the snapshot holder', () => {
  let cloud: LocalCloud;
  let db: string;
  let secret: string;
  const table = uniqueName('noholder');

  beforeAll(async () => {
    db = await createDatabase('pghold');
    await sql(
      db,
      `CREATE TABLE public.orders (id int PRIMARY KEY, total numeric); INSERT INTO public.orders SELECT g, g * 1.5 FROM generate_series(1, 3000) g;
       CREATE TABLE public.lines (id int PRIMARY KEY, order_id int); INSERT INTO public.lines SELECT g, g % 3000 + 1 FROM generate_series(1, 6000) g;`,
    );
    secret = await createConnectionSecret(db);
    cloud = await LocalCloud.start({ context: { [HavenContextKey.PostgresSecretArns]: [secret] }, sourceTables: [table] });
    await seedTable(table, 20);
  });
  afterAll(() => cloud.close());

  test('a normal run holds the snapshot until the last partition has committed, then releases it', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret, rows_per_partition: 1000 }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    assert.deepEqual(cloud.denials, [], 'the holder and the export branch run with their synthesized grants');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.records, 9000);
    assert.ok((record.result?.partitions ?? 0) >= 9, 'both tables were split into key ranges');
    const [hold] = entriesOf(execution.history, 'Hold snapshot');
    assert.ok(hold?.succeeded, 'the holder branch ran and returned');
    const holder = JSON.parse(hold.succeeded.lambdaFunctionSucceededEventDetails!.output!) as HolderResult;
    assert.equal(holder.ended, 'released', holder.message);
    const mapExited = execution.history.find((e) => e.type === 'MapStateExited' && e.stateExitedEventDetails?.name === 'Export partitions');
    assert.ok(mapExited?.timestamp, 'the Export partitions Map ended (every partition committed)');
    assert.ok(Date.parse(holder.held_at) <= mapExited.timestamp.getTime(), 'held before the partitions ran');
    assert.ok(Date.parse(holder.ended_at) >= mapExited.timestamp.getTime(), `the holder ended (${holder.ended_at}) after the last partition committed (${mapExited.timestamp.toISOString()})`);
    const open = await sql(db, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [HOLDER_APPLICATION]);
    assert.deepEqual(open, [], 'no holder session is left open');
  });

  test('a DynamoDB backup (no snapshot to hold) runs no holder', async () => {
    // Prepare
    const mark = cloud.host.invocations.length;
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    assert.deepEqual(entriesOf(execution.history, 'Hold snapshot'), []);
    assert.deepEqual(cloud.host.invocations.slice(mark).filter((i) => /Backup\/(HoldSnapshot|ReleaseSnapshot)$/.test(i.path)), []);
  });
});
