/**
 * The snapshot holder of a PostgreSQL backup (docs/POSTGRES.md, "Snapshot
 * holder"), under the synthesized template and its IAM policies: the holder
 * loops keep the exported snapshot open, handing it from generation to
 * generation (a budget of 8 s here), until the last partition has committed,
 * then let it go.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { HavenEnv } from '../../control/env.js';
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
      `CREATE TABLE public.orders (id int PRIMARY KEY, total numeric); INSERT INTO public.orders SELECT g, g * 1.5 FROM generate_series(1, 120000) g;
       CREATE TABLE public.lines (id int PRIMARY KEY, order_id int); INSERT INTO public.lines SELECT g, g % 120000 + 1 FROM generate_series(1, 240000) g;`,
    );
    secret = await createConnectionSecret(db);
    // A holder budget of 8 s (the undeployed override, control/env.ts): a generation asks for its successor after 4 s and ends 1 s after it took over.
    cloud = await LocalCloud.start({ context: { [HavenContextKey.PostgresSecretArns]: [secret] }, sourceTables: [table], environment: { [HavenEnv.SnapshotHolderBudgetMs]: '8000' } });
    await seedTable(table, 20);
  });
  afterAll(() => cloud.close());

  /** Waits (at most 30 s) until a holder session holds the snapshot. */
  async function holderSeen(): Promise<boolean> {
    for (const until = Date.now() + 30_000; Date.now() < until; await sleep(100)) {
      if ((await sql(db, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [HOLDER_APPLICATION])).length > 0) return true;
    }
    return false;
  }

  test('an export longer than one holder budget runs through handoffs: partitions import later generations of the same instant, the last releases after the last partition', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', secret_arn: secret, rows_per_partition: 1000 }));

    // Act
    // One export function at a time over 360 partitions (about 10 s here, twice what one generation holds before it asks): the export outlasts a holder budget, and one batch imports partitions on both sides of a handoff.
    const run = cloud.workflows.run('backup', { job_id: job.job_id, custom_parameters: { max_concurrency: 1 } });
    const held = await holderSeen();
    await sql(db, "DELETE FROM public.orders WHERE id <= 500; INSERT INTO public.lines SELECT g, 1 FROM generate_series(240001, 240700) g; UPDATE public.lines SET order_id = 0 WHERE id <= 100;");
    const execution = await run;

    // Assess
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const holders = [...entriesOf(execution.history, 'Hold snapshot'), ...entriesOf(execution.history, 'Hold snapshot (odd)')]
      .filter((e) => e.succeeded)
      .map((e) => JSON.parse(e.succeeded!.lambdaFunctionSucceededEventDetails!.output!) as HolderResult)
      .filter((h) => h.generation !== undefined)
      .sort((x, y) => x.generation! - y.generation!);
    const generations = holders.map((h) => `${h.generation}:${h.ended}@${h.ended_at}`).join(', ');
    assert.equal(execution.status, 'SUCCEEDED', `${record.error?.code}: ${record.error?.message} (generations: ${generations})`);
    assert.ok(held, 'the rows changed while a holder held the snapshot');
    assert.deepEqual(cloud.denials, [], 'the holders and the export branch run with their synthesized grants');
    assert.equal(record.result?.records, 360000, 'the rows of the first export, not the 360,200 there are since: every generation held the same instant');
    assert.ok((record.result?.partitions ?? 0) >= 360, 'both tables were split into key ranges');
    assert.ok(holders.length >= 2, `generations: ${generations}`);
    assert.equal(holders[0]!.ended, 'handed-off', holders[0]!.message);
    assert.deepEqual(new Set(holders.map((h) => h.held_at)).size, 1, 'every generation holds the first export');
    const last = holders.at(-1)!;
    assert.equal(last.ended, 'released', last.message);
    const mapExited = execution.history.find((e) => e.type === 'MapStateExited' && e.stateExitedEventDetails?.name === 'Export partitions');
    assert.ok(mapExited?.timestamp, 'the Export partitions Map ended (every partition committed)');
    assert.ok(Date.parse(holders[0]!.ended_at) < mapExited.timestamp.getTime(), 'generation 0 ended before the last partitions started: they imported a later generation');
    assert.ok(Date.parse(last.held_at!) <= mapExited.timestamp.getTime(), 'held before the partitions ran');
    assert.ok(Date.parse(last.ended_at) >= mapExited.timestamp.getTime(), `the last generation ended (${last.ended_at}) after the last partition committed (${mapExited.timestamp.toISOString()})`);
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
