import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenContextKey } from '../../infra/config.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { createSampleDatabase } from '../../local/postgres/sample-database.js';
import type { PostgresDescription } from '../../sources/postgres/schema.js';
import { newJob } from '../helpers/jobs.js';
import { connect, createConnectionSecret, createDatabase, databaseDigest, databaseObjects, sql } from '../helpers/postgres.js';

describe('PostgreSQL: selection globs and restore options', () => {
  let cloud: LocalCloud;
  let source: string;
  let secret: string;
  let backupId: string;
  let atBackup: Record<string, { rows: number; md5: string }>;

  async function backup(selection: Record<string, unknown>): Promise<{ backupId: string; tables: string[] }> {
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret, ...selection }));
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const snapshot = await (await cloud.deps.vault()).readSnapshot(record.result!.snapshot_id);
    const description = snapshot.source.description as PostgresDescription;
    return { backupId: record.backup_id, tables: description.tables.map((t) => `${t.schema}.${t.name}`) };
  }

  async function restore(destination: Record<string, unknown>, options: Record<string, unknown> = {}) {
    const created = await cloud.catalog.restores.create({ restore_name: 'pg', backup_id: backupId, destination: { type: 'postgresql', secret_arn: secret, ...destination }, restore_options: options, created_by: 'test' });
    const run = await cloud.workflows.run('restore', { restore_id: created.restore_id });
    return { run, record: await cloud.catalog.restores.get(created.restore_id) };
  }

  beforeAll(async () => {
    source = await createDatabase('pgopt');
    const client = await connect(source);
    await createSampleDatabase(client, 2_000);
    await client.end();
    secret = await createConnectionSecret(source);
    cloud = await LocalCloud.start({ context: { [HavenContextKey.PostgresSecretArns]: [secret] } });
    ({ backupId } = await backup({ exclude_tables: ['temp_*', 'log_*'] }));
    atBackup = await databaseDigest(source);
    delete atBackup['public.temp_scratch'];
    delete atBackup['public.log_events'];
  });
  afterAll(() => cloud.close());

  test('include and exclude globs over tables (bare or schema-qualified) and schemas', async () => {
    // Act
    const included = await backup({ tables: ['users', 'deliv*', 'sales.*', 'temp_*'], exclude_tables: ['temp_*'] });

    // Assess
    assert.deepEqual(included.tables, ['public.deliveries', 'public.users', 'sales.orders']);

    // Act
    const noSales = (await backup({ exclude_schemas: ['sales'], exclude_tables: ['temp_*', 'log_*', '*s'] })).tables;

    // Assess
    assert.deepEqual(noSales, ['public.binaries', 'public.bits', 'public.bools', 'public.composite_pk', 'public.generated', 'public.geo', 'public.no_pk', 'public.times'].filter((t) => noSales.includes(t)));
    assert.ok(noSales.includes('public.no_pk') && !noSales.some((t) => t.endsWith('s') || t.startsWith('sales.')));

    // Act
    const salesOnly = await backup({ schemas: ['sales'] });

    // Assess
    assert.deepEqual(salesOnly.tables, ['sales.orders']);
  });

  test('fail_if_exists refuses a target with rows and writes nothing', async () => {
    // Prepare
    const target = await createDatabase('pgfie');
    await sql(target, "CREATE TABLE public.users (id int, email text); INSERT INTO public.users VALUES (1, 'kept')");

    // Act
    const { run, record } = await restore({ database: target }, { conflict_policy: 'fail_if_exists' });

    // Assess
    assert.equal(run.status, 'FAILED');
    assert.equal(record.error?.code, 'RestoreConflict');
    assert.match(record.error?.message ?? '', /public\.users/);
    assert.deepEqual(Object.keys(await databaseDigest(target)), ['public.users'], 'no table was created');
    assert.deepEqual(await sql(target, 'SELECT * FROM public.users'), [{ id: 1, email: 'kept' }]);
  });

  test('overwrite_existing replaces changed rows in the same database (tables with foreign keys and sequences)', async () => {
    // Prepare
    await sql(source, "DELETE FROM public.payments WHERE id IN (SELECT id FROM public.payments LIMIT 10); UPDATE public.users SET name = 'changed'; INSERT INTO public.users (email) VALUES ('new@example.com'); UPDATE public.events SET body = 'x' WHERE id < 100");
    assert.notDeepEqual(await databaseDigest(source), atBackup);

    // Act
    const { run, record } = await restore({ overwrite_existing: true });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.equal(record.status, 'completed');
    const now = await databaseDigest(source);
    delete now['public.temp_scratch'];
    delete now['public.log_events'];
    assert.deepEqual(now, atBackup);
  });

  test('create_missing_tables: false fails on a missing table before writing', async () => {
    // Prepare
    const target = await createDatabase('pgnocreate');

    // Act
    const { run, record } = await restore({ database: target }, { create_missing_tables: false });

    // Assess
    assert.equal(run.status, 'FAILED');
    assert.equal(record.error?.code, 'SourceNotFound');
    assert.match(record.error?.message ?? '', /create_missing_tables/);
    assert.deepEqual(await databaseDigest(target), {});
  });

  test('skip_constraints and skip_indexes leave them out; data still loads', async () => {
    // Prepare
    const target = await createDatabase('pgskip');

    // Act
    const { run } = await restore({ database: target }, { skip_constraints: true, skip_indexes: true });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(await databaseDigest(target), atBackup);
    const objects = await databaseObjects(target);
    assert.deepEqual(objects.indexes, []);
    assert.deepEqual(objects.constraints, []);

    // Act
    const withIndexes = await createDatabase('pgskipc');
    const constraintsOnly = await restore({ database: withIndexes }, { skip_constraints: true });

    // Assess
    assert.equal(constraintsOnly.run.status, 'SUCCEEDED');
    const indexed = await databaseObjects(withIndexes);
    assert.ok(indexed.indexes.some((d) => /users_name_idx/.test(d)) && indexed.indexes.every((d) => !/_pkey/.test(d)));
    assert.deepEqual(indexed.constraints, []);
  });
});
