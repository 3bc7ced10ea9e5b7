import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { ExportBatchInput } from '../../control/workflows/backup/types.js';
import { HavenContextKey } from '../../infra/config.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { createSampleDatabase, EXCLUDED_TABLES } from '../../local/postgres/sample-database.js';
import { newJob } from '../helpers/jobs.js';
import { connect, createConnectionSecret, createDatabase, databaseDigest, databaseObjects, sql } from '../helpers/postgres.js';

/** Runs the restore of a backup into a new database; returns the database. */
async function restoreInto(cloud: LocalCloud, backupId: string, secret: string, restoreOptions: Record<string, unknown> = {}): Promise<string> {
  const target = await createDatabase('pgdst');
  const restore = await cloud.catalog.restores.create({ restore_name: 'pg', backup_id: backupId, destination: { type: 'postgresql', secret_arn: secret, database: target }, restore_options: restoreOptions, created_by: 'test' });
  const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  return target;
}

describe('backup and restore workflows: PostgreSQL', () => {
  let cloud: LocalCloud;
  let source: string;
  let secret: string;
  let pairs: string;
  let pairSecret: string;
  /** The job whose second export partition is held back (the consistency test's). */
  let heldJob: string | undefined;

  beforeAll(async () => {
    source = await createDatabase('pgsrc');
    const client = await connect(source);
    await createSampleDatabase(client);
    await client.end();
    secret = await createConnectionSecret(source);
    pairs = await createDatabase('pgpairs');
    await sql(pairs, 'CREATE TABLE public.pair_a (id int PRIMARY KEY); CREATE TABLE public.pair_b (id int PRIMARY KEY)');
    pairSecret = await createConnectionSecret(pairs);
    // The template grants the database steps exactly these secrets, as a deployment's context lists them.
    cloud = await LocalCloud.start({
      context: { [HavenContextKey.PostgresSecretArns]: [secret, pairSecret] },
      // Holds back the export of the second of the two pair tables (a delay inside its function, before it reads), so rows
      // committed meanwhile would show up in that table but not the other if partitions read at their own time instead of
      // the exported snapshot. The emulator cannot slow one Map iteration by itself.
      faults: ({ fn, event }) => {
        const input = event as ExportBatchInput;
        return fn.path.endsWith('Backup/ExportPartition') && input.BatchInput.context.job_id === heldJob && input.Items[0] === 1 ? { delayMs: 1500 } : undefined;
      },
    });
  });
  afterAll(() => cloud.close());

  test('a 23-table database (21 selected) round-trips into another database: rows, checksums, constraints, indexes, sequences', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret, exclude_tables: ['temp_*', 'log_*'], rows_per_partition: 6_000 }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const original = await databaseDigest(source);
    for (const excluded of EXCLUDED_TABLES) delete original[excluded];
    assert.equal(Object.keys(original).length, 21);
    assert.equal(record.result?.records, Object.values(original).reduce((n, t) => n + t.rows, 0));
    assert.ok((record.result?.partitions ?? 0) > 21, 'events was split into key ranges');

    // Act
    const target = await createDatabase('pgdst');
    const restore = await cloud.catalog.restores.create({
      restore_name: 'pg',
      backup_id: record.backup_id,
      destination: { type: 'postgresql', secret_arn: secret, database: target },
      restore_options: { max_parallel_jobs: 4 },
      created_by: 'test',
    });
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(await databaseDigest(target), original);
    const [before, after] = [await databaseObjects(source), await databaseObjects(target)];
    assert.deepEqual(after.columns, before.columns.filter((c) => !/^public\.(temp_scratch|log_events)\./.test(c)));
    assert.deepEqual(after.constraints, before.constraints);
    assert.deepEqual(after.indexes, before.indexes);
    assert.deepEqual(after.sequences, before.sequences);
    assert.deepEqual(cloud.denials, []);
  });

  test('consistency: rows written to two tables during a running backup are in both tables\' backup or in neither', async () => {
    // Prepare
    const writer = await connect(pairs);
    let stop = false;
    let written = 0;
    const writing = (async () => {
      while (!stop) {
        written += 1;
        await writer.query(`BEGIN; INSERT INTO public.pair_a VALUES (${written}); INSERT INTO public.pair_b VALUES (${written}); COMMIT`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', secret_arn: pairSecret }));
    heldJob = job.job_id;

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });
    stop = true;
    await writing;
    await writer.end();

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const backedUp = record.result!.records / 2;
    assert.ok(Number.isInteger(backedUp) && backedUp > 0);
    assert.ok(written > backedUp + 10, `pairs kept being written during the backup (${written} written, ${backedUp} backed up)`);

    // Act
    const target = await restoreInto(cloud, record.backup_id, pairSecret);
    const [counts] = await sql<{ a: string; b: string; orphans: string }>(
      target,
      'SELECT (SELECT count(*) FROM public.pair_a) AS a, (SELECT count(*) FROM public.pair_b) AS b, (SELECT count(*) FROM public.pair_a FULL JOIN public.pair_b USING (id) WHERE pair_a.id IS NULL OR pair_b.id IS NULL) AS orphans',
    );

    // Assess
    assert.deepEqual(counts, { a: String(backedUp), b: String(backedUp), orphans: '0' });
  });
});
