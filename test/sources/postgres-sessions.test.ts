/**
 * Sessions kept between partitions (sources/postgres/session-pool.ts): the
 * partitions one process exports or restores one after another share a
 * session instead of each connecting and authenticating anew; a session
 * whose partition did not end cleanly is never kept, and a kept one closes
 * once idle. Sessions run no parallel query plans.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, test } from 'vitest';
import { openSession } from '../../sources/postgres/connection.js';
import { IDLE_SESSION_MS } from '../../sources/postgres/session-pool.js';
import { PostgresSource } from '../../sources/postgres/source.js';
import { closeSnapshotHolders } from '../../sources/postgres/snapshot-holder.js';
import { createDatabase, sql, testPostgres } from '../helpers/postgres.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:unused';

function sourceOf(database: string): PostgresSource {
  const server = testPostgres();
  return new PostgresSource({ type: 'postgresql', secret_arn: SECRET_ARN }, { connection: { ...server, database, ssl: false } });
}

/** The pids of the database's sessions the source opened (application_name `haven`; the snapshot holder names itself otherwise). */
async function havenSessions(database: string): Promise<number[]> {
  const rows = await sql<{ pid: number }>(database, "SELECT pid FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND application_name = 'haven' AND pid <> pg_catalog.pg_backend_pid()", [database]);
  return rows.map((r) => r.pid);
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of stream) void chunk;
}

async function tablesDatabase(): Promise<string> {
  const db = await createDatabase('pgsess');
  await sql(db, 'CREATE TABLE public.a (id int PRIMARY KEY); CREATE TABLE public.b (id int PRIMARY KEY); CREATE TABLE public.c (id int PRIMARY KEY); INSERT INTO public.a VALUES (1); INSERT INTO public.b VALUES (2); INSERT INTO public.c VALUES (3)');
  return db;
}

describe('PostgreSQL sessions kept between partitions', () => {
  afterAll(() => closeSnapshotHolders());

  test('partitions exported one after another use one session, kept idle after the last', async () => {
    // Prepare
    const db = await tablesDatabase();
    const source = sourceOf(db);
    const description = await source.describe();
    const partitions = await source.plan();
    const seen: number[][] = [];

    // Act
    for (const partition of partitions) {
      await drain(source.export(partition, { records: 0 }));
      seen.push(await havenSessions(db));
    }
    await source.release(description);

    // Assess
    assert.equal(partitions.length, 3);
    assert.equal(seen[0]!.length, 1, 'one session, kept');
    assert.deepEqual(seen, [seen[0], seen[0], seen[0]], 'the same backend for every partition');
  });

  test('a kept session closes once idle', async () => {
    // Prepare
    const db = await tablesDatabase();
    const source = sourceOf(db);
    const description = await source.describe();
    const [partition] = await source.plan();
    await drain(source.export(partition!, { records: 0 }));
    await source.release(description);
    const kept = await havenSessions(db);

    // Act
    await new Promise((resolve) => setTimeout(resolve, IDLE_SESSION_MS + 700));

    // Assess
    assert.equal(kept.length, 1);
    assert.deepEqual(await havenSessions(db), []);
  });

  test('a partition whose reader stopped early does not hand its session on', async () => {
    // Prepare
    const db = await tablesDatabase();
    const source = sourceOf(db);
    const description = await source.describe();
    const [partition] = await source.plan();
    const stream = source.export(partition!, { records: 0 });

    // Act
    await stream.next();
    await stream.return(undefined);
    await source.release(description);

    // Assess
    assert.deepEqual(await havenSessions(db), []);
  });

  test("a session plans no parallel query (a range's checksum would cost a third more server CPU)", async () => {
    // Prepare
    const db = await tablesDatabase();

    // Act
    const client = await openSession({ ...testPostgres(), database: db, ssl: false });
    const { rows } = await client.query<{ max_parallel_workers_per_gather: string }>('SHOW max_parallel_workers_per_gather');
    await client.end();

    // Assess
    assert.equal(rows[0]!.max_parallel_workers_per_gather, '0');
  });
});
