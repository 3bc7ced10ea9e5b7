/**
 * The PostgreSQL source's fast path (docs/POSTGRES.md, Profile): planning
 * from the planner's statistics instead of scanning, the hash checksum both
 * ends compute (and the md5 one older backups carry), and COPY read through
 * `CopyOut` in whole socket reads.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, test } from 'vitest';
import { to as copyTo } from 'pg-copy-streams';
import { CopyOut } from '../../sources/postgres/copy-out.js';
import { PostgresSource } from '../../sources/postgres/source.js';
import { closeSnapshotHolders } from '../../sources/postgres/snapshot-holder.js';
import { decodeHeader, rangeChecksum, type TableDataHeader } from '../../sources/postgres/table-data.js';
import { connect, createDatabase, sql, testPostgres } from '../helpers/postgres.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:unused';

function sourceOf(database: string, extra: Record<string, unknown> = {}): PostgresSource {
  const server = testPostgres();
  return new PostgresSource({ type: 'postgresql', secret_arn: SECRET_ARN, ...extra }, { connection: { ...server, database, ssl: false } });
}

async function headerOf(source: PostgresSource, index: number): Promise<TableDataHeader> {
  const partitions = await source.plan();
  const stream = source.export(partitions[index]!, { records: 0 });
  const first = (await stream.next()).value as Uint8Array;
  await stream.return(undefined);
  return decodeHeader(first.subarray(0, first.indexOf(0x0a)));
}

/** Describes and plans a source, then releases its snapshot (what the backup's Plan does). */
async function describeAndPlan(source: PostgresSource) {
  const description = await source.describe();
  const partitions = await source.plan();
  await source.release(description);
  return { description, partitions };
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('PostgreSQL source: fast path', () => {
  afterAll(() => closeSnapshotHolders());

  test('a big analyzed table splits at its histogram bounds without a scan of its rows, and the ranges hold every row', async () => {
    // Prepare
    const db = await createDatabase('pgplan');
    await sql(db, "CREATE TABLE public.t (id int PRIMARY KEY, v text); INSERT INTO public.t SELECT i, 'v' || i FROM generate_series(1, 5000) i; ANALYZE public.t");
    const scans = async () => {
      // A new session each time (no cached statistics snapshot), after the sessions that read have ended and flushed their counts.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const rows = await sql<{ n: string }>(db, "SELECT (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::text AS n FROM pg_stat_user_tables WHERE relname = 't'");
      return Number(rows[0]!.n);
    };
    const before = await scans();
    const source = sourceOf(db, { rows_per_partition: 1000 });

    // Act
    const { partitions } = await describeAndPlan(source);

    // Assess
    assert.equal(await scans(), before, 'planning read no row of the table');
    assert.equal(partitions.length, 5);
    const counts = await Promise.all(
      partitions.map(async (p) => {
        const spec = p.spec as { lo?: string; hi?: string };
        const rows = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM public.t WHERE ($1::int IS NULL OR id >= $1::int) AND ($2::int IS NULL OR id < $2::int)`, [spec.lo ?? null, spec.hi ?? null]);
        return rows[0]!.n;
      }),
    );
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      5000,
    );
    assert.ok(
      counts.every((n) => n > 500 && n < 1500),
      `ranges about equal: ${counts.join(', ')}`,
    );
  });

  test('a never-analyzed table is counted and its boundaries scanned instead', async () => {
    // Prepare
    const db = await createDatabase('pgplan');
    await sql(db, 'CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t SELECT generate_series(1, 3000)');
    const source = sourceOf(db, { rows_per_partition: 1000 });

    // Act
    const { partitions } = await describeAndPlan(source);

    // Assess
    assert.deepEqual(
      partitions.map((p) => [(p.spec as { lo?: string }).lo, (p.spec as { hi?: string }).hi]),
      [
        [undefined, '1001'],
        ['1001', '2001'],
        ['2001', undefined],
      ],
    );
  });

  test("partitions carry their bytes on disk: a table its size, a split table's ranges equal shares of it, together the description's size", async () => {
    // Prepare
    const db = await createDatabase('pgplan');
    await sql(db, "CREATE TABLE public.big (id int PRIMARY KEY, v text); INSERT INTO public.big SELECT i, repeat('v', 200) FROM generate_series(1, 4000) i; ANALYZE public.big");
    await sql(db, "CREATE TABLE public.small (v text); INSERT INTO public.small SELECT repeat('s', 100) FROM generate_series(1, 500)");
    const [onDisk] = await sql<{ big: number; small: number }>(db, "SELECT pg_table_size('public.big')::float8 AS big, pg_table_size('public.small')::float8 AS small");
    const source = sourceOf(db, { rows_per_partition: 1000 });

    // Act
    const { description, partitions } = await describeAndPlan(source);

    // Assess
    const bytesOf = (table: string) => partitions.filter((p) => p.spec.t === table).map((p) => p.spec.b as number);
    const big = bytesOf('big');
    assert.equal(big.length, 4);
    assert.ok(big.every((b) => Math.abs(b - onDisk!.big / 4) <= 1), `shares ${big.join(', ')} of ${onDisk!.big}`);
    assert.ok(onDisk!.big > 4000 * 200, `${onDisk!.big} bytes on disk for 800 KB of text`);
    assert.deepEqual(bytesOf('small'), [onDisk!.small]);
    assert.ok(Math.abs(big.reduce((a, b) => a + b, 0) + onDisk!.small - description.size_bytes) <= 2, `${description.size_bytes} bytes described`);
  });

  test('a never-analyzed table still gets its bytes: its file size needs no statistics (only its row count falls back to count(*))', async () => {
    // Prepare
    const db = await createDatabase('pgplan');
    await sql(db, "CREATE TABLE public.t (id int PRIMARY KEY, v text); INSERT INTO public.t SELECT i, repeat('v', 100) FROM generate_series(1, 3000) i");
    const [catalog] = await sql<{ bytes: number; tuples: number }>(db, "SELECT pg_table_size('public.t')::float8 AS bytes, reltuples::float8 AS tuples FROM pg_class WHERE oid = 'public.t'::regclass");
    const source = sourceOf(db, { rows_per_partition: 1000 });

    // Act
    const { partitions } = await describeAndPlan(source);

    // Assess
    assert.ok(catalog!.tuples <= 0, `reltuples ${catalog!.tuples}: never analyzed`);
    assert.equal(partitions.length, 3);
    assert.ok(catalog!.bytes > 3000 * 100);
    assert.deepEqual(
      partitions.map((p) => p.spec.b),
      partitions.map(() => Math.round(catalog!.bytes / 3)),
    );
  });

  test("a partition's checksum hashes each row, types without a hash function as text, and changes when a value does", async () => {
    // Prepare
    const db = await createDatabase('pgsum');
    await sql(db, "CREATE TABLE public.t (id int PRIMARY KEY, j json, p point, n numeric, s text); INSERT INTO public.t VALUES (1, '{\"a\": 1}', '(1,2)', 1.5, 'x'), (2, NULL, NULL, NULL, NULL)");
    const source = sourceOf(db);
    const description = await source.describe();
    const header = await headerOf(source, 0);
    await source.release(description);
    const client = await connect(db);

    // Act
    const same = await rangeChecksum(client, header);
    await client.query(`UPDATE public.t SET j = '{"a": 2}' WHERE id = 1`);
    const changed = await rangeChecksum(client, header);
    await client.end();

    // Assess
    assert.equal(header.ck, 'hash');
    assert.deepEqual(header.tx, ['j', 'p']);
    assert.deepEqual(same, { rows: 2, checksum: header.checksum });
    assert.equal(changed.rows, 2);
    assert.notEqual(changed.checksum, header.checksum);
  });

  test('a header without a checksum kind (older backups) is checked with the md5 checksum it was written with', async () => {
    // Prepare
    const db = await createDatabase('pgsum');
    await sql(db, "CREATE TABLE public.t (id int PRIMARY KEY, s text); INSERT INTO public.t VALUES (1, 'a'), (2, 'b')");
    const md5 = await sql<{ sum: string }>(db, "SELECT sum(('x' || substr(md5(ROW(id, s)::text), 1, 16))::bit(64)::int8)::text AS sum FROM public.t");
    const client = await connect(db);

    // Act
    const checked = await rangeChecksum(client, { s: 'public', t: 't', columns: ['id', 's'] });
    await client.end();

    // Assess
    assert.deepEqual(checked, { rows: 2, checksum: md5[0]!.sum });
  });

  test('CopyOut yields the bytes pg-copy-streams does, rows spanning socket reads included, counts the rows, and leaves the session usable', async () => {
    // Prepare
    const db = await createDatabase('pgcopy');
    await sql(db, "CREATE TABLE public.t (id int, s text); INSERT INTO public.t VALUES (1, repeat('ab', 400000)), (2, E'tab\\there\\nnewline'), (3, NULL)");
    const client = await connect(db);
    const reference = await collect(client.query(copyTo('COPY public.t TO STDOUT')) as AsyncIterable<Buffer>);

    // Act
    const copy = client.query(new CopyOut('COPY public.t TO STDOUT'));
    const bytes = await collect(copy);
    const after = (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
    await client.end();

    // Assess
    assert.ok(bytes.equals(reference));
    assert.equal(copy.rows, 3);
    assert.equal(after, 1);
  });

  test("CopyOut fails with the server's error, and the session stays usable", async () => {
    // Prepare
    const db = await createDatabase('pgcopy');
    const client = await connect(db);

    // Act
    const failed = collect(client.query(new CopyOut('COPY public.missing TO STDOUT')));

    // Assess
    await assert.rejects(failed, (e: Error & { code?: string }) => e.code === '42P01');
    assert.equal((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    await client.end();
  });
});
