/**
 * The PostgreSQL side of the snapshot holder (docs/POSTGRES.md, "Snapshot
 * holder"), against a real server: one process holds the exported snapshot
 * and its locks (`holdSnapshot`), another describes and plans in it
 * (`importSnapshot`) without holding anything itself.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { HOLDER_APPLICATION, PostgresSource } from '../../sources/postgres/source.js';
import { SnapshotUnavailableError } from '../../sources/postgres/errors.js';
import type { HeldSnapshot } from '../../sources/source.js';
import { connect, createConnectionSecret, createDatabase, sql } from '../helpers/postgres.js';

describe('PostgreSQL snapshot holder', () => {
  let db: string;
  let secret: string;
  let writer: pg.Client;

  beforeAll(async () => {
    db = await createDatabase('pgholder');
    await sql(db, 'CREATE TABLE public.t (id int PRIMARY KEY, v text); INSERT INTO public.t SELECT g, repeat(\'x\', 100) FROM generate_series(1, 3000) g;');
    secret = await createConnectionSecret(db);
    writer = await connect(db);
  });
  afterAll(() => writer.end());

  const holders = () => sql(db, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [HOLDER_APPLICATION]);

  test('a held snapshot is what an importing source describes and plans: rows written after it are not planned, and the importer holds no session', async () => {
    // Prepare
    const importer = new PostgresSource({ type: 'postgresql', secret_arn: secret, tables: ['t'], rows_per_partition: 1000 });
    const held = await new PostgresSource({ type: 'postgresql', secret_arn: secret }).holdSnapshot();
    await writer.query("INSERT INTO public.t SELECT g, 'late' FROM generate_series(3001, 7000) g");

    try {
      // Act
      importer.importSnapshot(held.ref);
      const description = await importer.describe();
      const partitions = await importer.plan();

      // Assess
      assert.deepEqual(description.snapshot, held.ref);
      assert.ok(description.size_bytes > 3000 * 100, `size estimate ${description.size_bytes} bytes`);
      assert.equal(partitions.length, 3, 'key ranges over the 3,000 rows of the snapshot, not the 7,000 there are since');
      assert.deepEqual((await holders()).length, 1, 'only the holder holds a session');
      assert.equal(await held.alive(), true);
    } finally {
      await held.close();
    }
  });

  test('the holder locks the selected tables: a DROP waits until it closes', async () => {
    // Prepare
    await sql(db, 'CREATE TABLE public.doomed (id int)');
    const held = await new PostgresSource({ type: 'postgresql', secret_arn: secret, tables: ['doomed'] }).holdSnapshot();
    await writer.query("SET lock_timeout = '300ms'");

    try {
      // Act
      const drop = writer.query('DROP TABLE public.doomed').then(
        () => 'dropped',
        (e: Error) => e.message,
      );

      // Assess
      assert.match(await drop, /lock timeout/);
    } finally {
      await held.close();
      await writer.query('RESET lock_timeout');
    }
    assert.deepEqual(await holders(), [], 'close ended the session');
  });

  test("release from another process ends the holder of the described snapshot, and not a session that only shares the holder's pid and name", async () => {
    // Prepare
    const held = await new PostgresSource({ type: 'postgresql', secret_arn: secret }).holdSnapshot();
    const ref = held.ref as { id: string; holder_pid: number };
    const [backend, local, count] = ref.id.split('-') as [string, string, string];
    const otherTransaction = `${backend}-${(parseInt(local, 16) + 1).toString(16).toUpperCase().padStart(8, '0')}-${count}`;
    const releaser = new PostgresSource({ type: 'postgresql', secret_arn: secret });

    try {
      // Act
      await releaser.release({ snapshot: { ...ref, id: otherTransaction } });
      const afterOther = await held.alive();
      await releaser.release({ snapshot: ref });
      const afterOwn = await held.alive();

      // Assess
      assert.equal(afterOther, true, 'a snapshot of another transaction on the same pid ends nothing');
      assert.equal(afterOwn, false, "the snapshot's own transaction is ended");
    } finally {
      await held.close();
    }
  });

  test('a holder whose session was ended says so, and importing its snapshot fails with SnapshotUnavailableError', async () => {
    // Prepare
    const held: HeldSnapshot = await new PostgresSource({ type: 'postgresql', secret_arn: secret }).holdSnapshot();
    await sql(db, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [HOLDER_APPLICATION]);
    const importer = new PostgresSource({ type: 'postgresql', secret_arn: secret });

    // Act
    const alive = await held.alive();
    importer.importSnapshot(held.ref);
    const described = importer.describe();

    // Assess
    assert.equal(alive, false);
    await assert.rejects(described, (e: Error) => e instanceof SnapshotUnavailableError && /holder ended/.test(e.message));
    await held.close();
  });

  test("a holder started from another's snapshot holds the same instant: changes made after the first export stay invisible through its id once the first holder ended", async () => {
    // Prepare
    await sql(db, "CREATE TABLE public.chain (id int PRIMARY KEY, v text); INSERT INTO public.chain SELECT g, 'before' FROM generate_series(1, 10) g;");
    const source = new PostgresSource({ type: 'postgresql', secret_arn: secret, tables: ['chain'] });
    const first = await source.holdSnapshot();
    await writer.query("INSERT INTO public.chain VALUES (11, 'inserted'); UPDATE public.chain SET v = 'updated' WHERE id = 1; DELETE FROM public.chain WHERE id = 2");

    // Act
    const second = await source.holdSnapshot(first.ref);
    await first.close();
    await writer.query("INSERT INTO public.chain VALUES (12, 'later'); UPDATE public.chain SET v = 'later' WHERE id = 3");
    const reader = await connect(db);
    let rows: Array<{ id: number; v: string }>;
    try {
      await reader.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${(second.ref as { id: string }).id}'`);
      rows = (await reader.query<{ id: number; v: string }>('SELECT id, v FROM public.chain ORDER BY id')).rows;
    } finally {
      await reader.end();
      await second.close();
    }

    // Assess
    assert.notEqual(second.ref.id, first.ref.id, 'the second holder exports its own id');
    assert.deepEqual(
      rows.map((r) => `${r.id}:${r.v}`),
      Array.from({ length: 10 }, (_, i) => `${i + 1}:before`),
      'exactly the rows of the first export',
    );
    assert.deepEqual(await holders(), [], 'both holders closed their sessions');
  });

  /** Exports every partition `source` plans, returning the rows COPY wrote. */
  async function exportAll(source: PostgresSource): Promise<number> {
    const counter = { records: 0 };
    for (const partition of await source.plan()) {
      for await (const chunk of source.export(partition, counter)) void chunk;
    }
    return counter.records;
  }

  test('a partition whose ref handed over and ended before it imported it reads the current generation: the same instant, no SnapshotExpired', async () => {
    // Prepare
    await sql(db, "CREATE TABLE public.handed (id int PRIMARY KEY, v text); INSERT INTO public.handed SELECT g, 'before' FROM generate_series(1, 2500) g;");
    const holder = new PostgresSource({ type: 'postgresql', secret_arn: secret });
    const first = await holder.holdSnapshot();
    let published = first.ref;
    const importer = new PostgresSource({ type: 'postgresql', secret_arn: secret, tables: ['handed'], rows_per_partition: 1000 });
    importer.importSnapshot(first.ref, () => Promise.resolve(published));
    await importer.describe();
    const second = await holder.holdSnapshot(first.ref);
    published = second.ref;
    await first.close();
    await writer.query("INSERT INTO public.handed SELECT g, 'after' FROM generate_series(2501, 4000) g");

    try {
      // Act
      const rows = await exportAll(importer);

      // Assess
      assert.equal(rows, 2500, "the rows of the first export, read through its successor's id");
    } finally {
      await second.close();
    }
  });

  test('a partition whose ref ended with no newer generation published fails with SnapshotUnavailableError', async () => {
    // Prepare
    await sql(db, "CREATE TABLE public.orphan (id int PRIMARY KEY); INSERT INTO public.orphan SELECT g FROM generate_series(1, 10) g;");
    const first = await new PostgresSource({ type: 'postgresql', secret_arn: secret }).holdSnapshot();
    const importer = new PostgresSource({ type: 'postgresql', secret_arn: secret, tables: ['orphan'] });
    importer.importSnapshot(first.ref, () => Promise.resolve(first.ref));
    await importer.describe();
    const partitions = await importer.plan();
    await first.close();

    // Act
    const exported = (async () => {
      for await (const chunk of importer.export(partitions[0]!, { records: 0 })) void chunk;
    })();

    // Assess
    await assert.rejects(exported, (e: Error) => e instanceof SnapshotUnavailableError && /exported snapshot is gone/.test(e.message));
  });

  test('a holder started from a snapshot whose exporter has ended fails with SnapshotUnavailableError', async () => {
    // Prepare
    const source = new PostgresSource({ type: 'postgresql', secret_arn: secret });
    const ended = await source.holdSnapshot();
    await ended.close();

    // Act
    const takeover = source.holdSnapshot(ended.ref);

    // Assess
    await assert.rejects(takeover, (e: Error) => e instanceof SnapshotUnavailableError && /exported snapshot is gone/.test(e.message));
    assert.deepEqual(await holders(), [], 'the failed holder left no session');
  });
});
