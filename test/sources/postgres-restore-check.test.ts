/**
 * The restore's check of each partition (sources/postgres/target.ts): after
 * `COPY … FROM STDIN` the target recomputes the range's row count and
 * checksum and commits only when they equal the backup's header, and the
 * rows the server read from the stream must be the header's count too.
 * Streams are real exports of a source table, altered where a test says so.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { PostgresSource } from '../../sources/postgres/source.js';
import { closeSnapshotHolders } from '../../sources/postgres/snapshot-holder.js';
import { PostgresRestoreTarget } from '../../sources/postgres/target.js';
import { encodeHeader, decodeHeader, type TableDataHeader } from '../../sources/postgres/table-data.js';
import { TableValidationError } from '../../sources/postgres/errors.js';
import { createDatabase, sql, testPostgres } from '../helpers/postgres.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:unused';
const TABLE = "CREATE TABLE public.t (id int PRIMARY KEY, s text, n numeric, j json)";

function connectionTo(database: string) {
  return { connection: { ...testPostgres(), database, ssl: false as const } };
}

/** One exported partition: its header and its COPY text. */
interface Exported {
  header: TableDataHeader;
  rows: string;
}

async function exportTable(database: string): Promise<Exported> {
  const source = new PostgresSource({ type: 'postgresql', secret_arn: SECRET_ARN }, connectionTo(database));
  const description = await source.describe();
  const [partition] = await source.plan();
  const chunks: Buffer[] = [];
  for await (const chunk of source.export(partition!, { records: 0 })) chunks.push(Buffer.from(chunk));
  await source.release(description);
  const bytes = Buffer.concat(chunks);
  const newline = bytes.indexOf(0x0a);
  return { header: decodeHeader(bytes.subarray(0, newline)), rows: bytes.subarray(newline + 1).toString('utf8') };
}

async function* streamOf(header: TableDataHeader, rows: string): AsyncGenerator<Uint8Array> {
  yield encodeHeader(header);
  yield Buffer.from(rows);
}

describe('PostgreSQL restore: each partition checked before it commits', () => {
  let exported: Exported;
  let md5: { header: TableDataHeader; rows: string };

  beforeAll(async () => {
    const db = await createDatabase('pgchk');
    await sql(db, `${TABLE}; INSERT INTO public.t VALUES (1, 'a', 1.5, '{"x": 1}'), (2, E'tab\\there', NULL, NULL), (3, NULL, 0, '[]')`);
    exported = await exportTable(db);
    // A header as backups before the hash checksum wrote it: no `ck`, the md5 checksum of the same rows.
    const sum = await sql<{ sum: string }>(db, "SELECT sum(('x' || substr(md5(ROW(id, s, n, j)::text), 1, 16))::bit(64)::int8)::text AS sum FROM public.t");
    const { ck: _ck, tx: _tx, ...rest } = exported.header;
    md5 = { header: { ...rest, checksum: sum[0]!.sum }, rows: exported.rows };
  });
  afterAll(() => closeSnapshotHolders());

  async function restoreInto(header: TableDataHeader, rows: string): Promise<{ database: string; outcome: Promise<unknown> }> {
    const database = await createDatabase('pgchkt');
    await sql(database, TABLE);
    const target = new PostgresRestoreTarget({ type: 'postgresql' }, connectionTo(database));
    return { database, outcome: target.restore(streamOf(header, rows), { conflict_policy: 'overwrite' }) };
  }

  test('an unaltered partition restores, counted from the rows the server read', async () => {
    // Prepare
    const { database, outcome } = await restoreInto(exported.header, exported.rows);

    // Act
    const result = await outcome;

    // Assess
    assert.deepEqual(result, { records: 3, skipped: 0 });
    assert.deepEqual(await sql(database, 'SELECT count(*)::int AS n FROM public.t'), [{ n: 3 }]);
  });

  test('a changed value in a row is caught by the checksum and nothing is committed', async () => {
    // Prepare
    const changed = exported.rows.replace('\ta\t', '\tb\t');
    assert.notEqual(changed, exported.rows);
    const { database, outcome } = await restoreInto(exported.header, changed);

    // Act
    const failure = await outcome.then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    assert.ok(failure instanceof TableValidationError, String(failure));
    assert.match(failure.message, /checksum/);
    assert.deepEqual(await sql(database, 'SELECT count(*)::int AS n FROM public.t'), [{ n: 0 }]);
  });

  test("a row outside the partition's key range is caught by the count of rows the server read, and nothing is committed", async () => {
    // Prepare: the range [1, 4) holds the three rows; a fourth with id 10 lies outside it, where the range's checksum does not look.
    const ranged: TableDataHeader = { ...exported.header, k: 'id', kt: 'integer', lo: '1', hi: '4' };
    const { database, outcome } = await restoreInto(ranged, `${exported.rows}10\td\t\\N\t\\N\n`);

    // Act
    const failure = await outcome.then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    assert.ok(failure instanceof TableValidationError, String(failure));
    assert.deepEqual(await sql(database, 'SELECT count(*)::int AS n FROM public.t'), [{ n: 0 }]);
  });

  test('a partition of an older backup (md5 checksum, no checksum kind) still restores and is checked', async () => {
    // Prepare
    const good = await restoreInto(md5.header, md5.rows);
    const bad = await restoreInto(md5.header, md5.rows.replace('\ta\t', '\tb\t'));

    // Act
    const result = await good.outcome;
    const failure = await bad.outcome.then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    assert.equal(md5.header.ck, undefined);
    assert.deepEqual(result, { records: 3, skipped: 0 });
    assert.ok(failure instanceof TableValidationError, String(failure));
  });
});
