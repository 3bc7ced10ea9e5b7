import { test } from 'vitest';
import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient } from '../../../vault/aws/clients.js';
import { Catalog } from '../../../control/catalog/catalog.js';
import type { DocumentClient } from '../../../control/catalog/context.js';
import { InvalidCursorError, InvalidRecordError } from '../../../control/catalog/errors.js';
import type { ExecutionListQuery } from '../../../control/catalog/kinds.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import type { ExecutionRecord } from '../../../control/catalog/types.js';
import { BackupType } from '../../../vault/snapshot/snapshot.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import { executionInput, freshCatalog } from './table.js';

// 60 executions an hour apart from 2024-01-15T00:00Z (three days), two jobs, three types, three statuses.
const COUNT = 60;
const BASE = Date.parse('2024-01-15T00:00:00.000Z');
const TYPES = [BackupType.Full, BackupType.Incremental, BackupType.Differential];

// Lists race nothing, so the setup writes concurrently through the plain client, counting queries.
let queries = 0;
const plain = dynamoDbDocumentClient();
const counting: DocumentClient = {
  send: ((command: QueryCommand) => {
    if (command instanceof QueryCommand) queries++;
    return plain.send(command);
  }) as DocumentClient['send'],
};
const { catalog, table } = await freshCatalog({ queryPageSize: 10, client: counting });

interface Model {
  id: string;
  job: string;
  type: string;
  status: RecordStatus;
  time: string;
}

const indexes = Array.from({ length: COUNT }, (_, i) => i);
const model: Model[] = await mapLimit(indexes, 8, async (i) => {
  const time = new Date(BASE + i * 3_600_000).toISOString();
  const job = i % 2 === 0 ? 'job_even' : 'job_odd';
  const type = TYPES[i % 3] as BackupType;
  const created = await catalog.createExecution(executionInput(job, { backup_type: type, started_at: time }));
  let status: RecordStatus = RecordStatus.Queued;
  if (i % 4 === 1) status = (await catalog.transition(created.execution_id, RecordStatus.Failed)).status;
  if (i % 4 === 2) {
    await catalog.transition(created.execution_id, RecordStatus.Running);
    status = (await catalog.transition(created.execution_id, RecordStatus.Completed)).status;
  }
  return { id: created.execution_id, job, type, status, time };
});
const newestFirst = [...model].reverse();

function expected(query: ExecutionListQuery): string[] {
  const from = query.date_from ? Date.parse(query.date_from) : -Infinity;
  const to = query.date_to ? Date.parse(query.date_to) : Infinity;
  return newestFirst
    .filter((m) => (query.job_id ? m.job === query.job_id : true))
    .filter((m) => (query.backup_type ? m.type === query.backup_type : true))
    .filter((m) => (query.status ? m.status === query.status : true))
    .filter((m) => Date.parse(m.time) >= from && Date.parse(m.time) <= to)
    .map((m) => m.id);
}

async function walk(query: ExecutionListQuery, limit: number, on: Catalog = catalog): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Catalog['listExecutions']>> = await on.listExecutions({ ...query, limit, cursor });
    ids.push(...page.items.map((r: ExecutionRecord) => r.execution_id));
    sizes.push(page.items.length);
    cursor = page.next_cursor;
  } while (cursor);
  return { ids, sizes };
}

test('all executions page newest first through cursors, each page spanning several DynamoDB queries', async () => {
  queries = 0;
  const first = await catalog.listExecutions({ limit: 25 });
  assert.ok(queries >= 3, `one page of 25 took ${queries} queries of at most 10 items`);
  assert.equal(first.items.length, 25);
  assert.equal(first.total, undefined, 'cursor mode counts nothing');
  const { ids, sizes } = await walk({}, 25);
  assert.deepEqual(sizes, [25, 25, 10]);
  assert.deepEqual(ids, expected({}));
});

test('the default page size lists the same pages', async () => {
  const { ids, sizes } = await walk({}, 25, new Catalog(table));
  assert.deepEqual(sizes, [25, 25, 10]);
  assert.deepEqual(ids, expected({}));
});

const FILTERS: Array<[string, ExecutionListQuery]> = [
  ['job_id', { job_id: 'job_odd' }],
  ['backup_type', { backup_type: BackupType.Incremental }],
  ['status', { status: RecordStatus.Completed }],
  ['job_id and status', { job_id: 'job_even', status: RecordStatus.Queued }],
  ['backup_type and status', { backup_type: BackupType.Full, status: RecordStatus.Failed }],
  ['date range, inclusive', { date_from: new Date(BASE + 10 * 3_600_000).toISOString(), date_to: new Date(BASE + 40 * 3_600_000).toISOString() }],
  ['job_id and date range', { job_id: 'job_even', date_from: '2024-01-16T00:00:00Z', date_to: '2024-01-16T23:59:59Z' }],
  ['everything at once', { job_id: 'job_odd', backup_type: BackupType.Differential, status: RecordStatus.Failed, date_from: '2024-01-15T05:00:00Z' }],
];
for (const [name, query] of FILTERS) {
  test(`filter by ${name}, paged 4 at a time`, async () => {
    const want = expected(query);
    assert.ok(want.length > 0 && want.length < COUNT, `the filter selects some (${want.length})`);
    const { ids } = await walk(query, 4);
    assert.deepEqual(ids, want);
  });
}

test('a bare date_to means the end of that day', async () => {
  const page = await catalog.listExecutions({ date_to: '2024-01-15', limit: 100 });
  assert.equal(page.items.length, 24);
  assert.ok(page.items.every((r) => r.started_at.startsWith('2024-01-15')));
});

test('limit/offset skips matching items and counts the total', async () => {
  const page = await catalog.listExecutions({ limit: 10, offset: 20 });
  assert.deepEqual(page.items.map((r) => r.execution_id), expected({}).slice(20, 30));
  assert.equal(page.total, COUNT);
  assert.equal(page.offset, 20);
  assert.equal(page.limit, 10);

  const query = { status: RecordStatus.Completed, limit: 4, offset: 3 };
  const filtered = await catalog.listExecutions(query);
  assert.deepEqual(filtered.items.map((r) => r.execution_id), expected(query).slice(3, 7));
  assert.equal(filtered.total, expected(query).length);

  const beyond = await catalog.listExecutions({ limit: 10, offset: 100 });
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.next_cursor, null);
  assert.equal(beyond.total, COUNT);
});

test('offset and cursor combine: the offset applies after the cursor', async () => {
  const first = await catalog.listExecutions({ limit: 5 });
  const next = await catalog.listExecutions({ limit: 5, offset: 5, cursor: first.next_cursor });
  assert.deepEqual(next.items.map((r) => r.execution_id), expected({}).slice(10, 15));
});

test('a cursor works only for the list it came from', async () => {
  const odd = await catalog.listExecutions({ job_id: 'job_odd', limit: 2 });
  assert.ok(odd.next_cursor);
  await assert.rejects(catalog.listExecutions({ job_id: 'job_even', cursor: odd.next_cursor }), InvalidCursorError);
  await assert.rejects(catalog.listExecutions({ cursor: odd.next_cursor }), InvalidCursorError);
  await assert.rejects(catalog.listExecutions({ cursor: 'not-a-cursor' }), InvalidCursorError);
  await assert.rejects(catalog.listExecutions({ cursor: Buffer.from('{"q":1}').toString('base64url') }), InvalidCursorError);
});

test('bad limits, offsets and dates are InvalidRecordError', async () => {
  for (const query of [{ limit: 0 }, { limit: 1001 }, { limit: 2.5 }, { offset: -1 }, { date_from: 'yesterday' }, { date_from: '2024-02-01', date_to: '2024-01-01' }]) {
    await assert.rejects(catalog.listExecutions(query), InvalidRecordError, JSON.stringify(query));
  }
});

test('an empty list has no cursor', async () => {
  const page = await catalog.listExecutions({ job_id: 'job_none' });
  assert.deepEqual(page.items, []);
  assert.equal(page.next_cursor, null);
});
