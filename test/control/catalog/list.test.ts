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

// Lists race nothing, so the setup writes concurrently through the plain client.
const plain = dynamoDbDocumentClient();
/** The fixture: 60 executions written once, then only read. */
const { catalog, table } = await freshCatalog({ queryPageSize: 10, client: plain });

/** A catalog on the fixture's table whose client counts the queries it sends. */
function countingCatalog(): { catalog: Catalog; queries: () => number } {
  let queries = 0;
  const counting: DocumentClient = {
    send: ((command: QueryCommand) => {
      if (command instanceof QueryCommand) queries++;
      return plain.send(command);
    }) as DocumentClient['send'],
  };
  return { catalog: new Catalog(table, { queryPageSize: 10, client: counting }), queries: () => queries };
}

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

test('one page spans several DynamoDB queries', async () => {
  // Prepare
  const counted = countingCatalog();

  // Act
  const first = await counted.catalog.listExecutions({ limit: 25 });

  // Assess
  assert.ok(counted.queries() >= 3, `one page of 25 took ${counted.queries()} queries of at most 10 items`);
  assert.equal(first.items.length, 25);
});

test('cursor mode counts no total', async () => {
  // Act
  const first = await catalog.listExecutions({ limit: 25 });

  // Assess
  assert.equal(first.total, undefined, 'cursor mode counts nothing');
});

test('all executions page newest first through cursors', async () => {
  // Act
  const { ids, sizes } = await walk({}, 25);

  // Assess
  assert.deepEqual(sizes, [25, 25, 10]);
  assert.deepEqual(ids, expected({}));
});

test('the default page size lists the same pages', async () => {
  // Prepare
  const defaults = new Catalog(table);

  // Act
  const { ids, sizes } = await walk({}, 25, defaults);

  // Assess
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
    // Prepare
    const want = expected(query);

    // Act
    const { ids } = await walk(query, 4);

    // Assess
    assert.ok(want.length > 0 && want.length < COUNT, `the filter selects some (${want.length})`);
    assert.deepEqual(ids, want);
  });
}

test('a bare date_to means the end of that day', async () => {
  // Act
  const page = await catalog.listExecutions({ date_to: '2024-01-15', limit: 100 });

  // Assess
  assert.equal(page.items.length, 24);
  assert.ok(page.items.every((r) => r.started_at.startsWith('2024-01-15')));
});

test('limit/offset skips matching items and counts the total', async () => {
  // Act
  const page = await catalog.listExecutions({ limit: 10, offset: 20 });

  // Assess
  assert.deepEqual(page.items.map((r) => r.execution_id), expected({}).slice(20, 30));
  assert.equal(page.total, COUNT);
  assert.equal(page.offset, 20);
  assert.equal(page.limit, 10);
});

test('limit/offset under a filter skips and counts only the matching items', async () => {
  // Prepare
  const query = { status: RecordStatus.Completed, limit: 4, offset: 3 };

  // Act
  const filtered = await catalog.listExecutions(query);

  // Assess
  assert.deepEqual(filtered.items.map((r) => r.execution_id), expected(query).slice(3, 7));
  assert.equal(filtered.total, expected(query).length);
});

test('an offset beyond the end is an empty last page that still counts the total', async () => {
  // Act
  const beyond = await catalog.listExecutions({ limit: 10, offset: 100 });

  // Assess
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.next_cursor, null);
  assert.equal(beyond.total, COUNT);
});

test('offset and cursor combine: the offset applies after the cursor', async () => {
  // Prepare
  const first = await catalog.listExecutions({ limit: 5 });

  // Act
  const next = await catalog.listExecutions({ limit: 5, offset: 5, cursor: first.next_cursor });

  // Assess
  assert.deepEqual(next.items.map((r) => r.execution_id), expected({}).slice(10, 15));
});

test('a cursor works only for the list it came from', async () => {
  // Prepare
  const odd = await catalog.listExecutions({ job_id: 'job_odd', limit: 2 });
  assert.ok(odd.next_cursor);

  // Act
  const otherJob = () => catalog.listExecutions({ job_id: 'job_even', cursor: odd.next_cursor });
  const unfiltered = () => catalog.listExecutions({ cursor: odd.next_cursor });

  // Assess
  await assert.rejects(otherJob, InvalidCursorError);
  await assert.rejects(unfiltered, InvalidCursorError);
});

test('a malformed cursor is InvalidCursorError', async () => {
  // Prepare
  const cursors = ['not-a-cursor', Buffer.from('{"q":1}').toString('base64url')];
  for (const cursor of cursors) {
    // Act
    const list = catalog.listExecutions({ cursor });

    // Assess
    await assert.rejects(list, InvalidCursorError, cursor);
  }
});

test('bad limits, offsets and dates are InvalidRecordError', async () => {
  // Prepare
  const queries = [{ limit: 0 }, { limit: 1001 }, { limit: 2.5 }, { offset: -1 }, { date_from: 'yesterday' }, { date_from: '2024-02-01', date_to: '2024-01-01' }];
  for (const query of queries) {
    // Act
    const list = catalog.listExecutions(query);

    // Assess
    await assert.rejects(list, InvalidRecordError, JSON.stringify(query));
  }
});

test('an empty list has no cursor', async () => {
  // Act
  const page = await catalog.listExecutions({ job_id: 'job_none' });

  // Assess
  assert.deepEqual(page.items, []);
  assert.equal(page.next_cursor, null);
});
