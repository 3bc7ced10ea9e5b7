/** The CLI's building blocks: request bodies from files and flags, cursor paging (canned server), cells, error display. */
import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../cli/api/client.js';
import { exitCodeForStatus, ExitCode } from '../../cli/api/exit-codes.js';
import { listAll, readPage } from '../../cli/api/paginate.js';
import { buildBody, parseAssignment, setPath } from '../../cli/commands/input-file.js';
import { jobFields } from '../../cli/commands/job-flags.js';
import { formatDetails } from '../../cli/output.js';
import { cell } from '../../cli/table.js';
import { cannedServer, type CannedServer } from './canned-server.js';

/** A file holding `text` in a temp directory of the test's own (removed when the test ends). */
function fileOf(t: Pick<TestContext, 'onTestFinished'>, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'haven-cli-parts-'));
  t.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('request bodies', () => {
  test('file, then flags, then --set; nested objects merge, arrays and scalars replace', async (t) => {
    // Prepare
    const file = fileOf(t, 'job.json', JSON.stringify({ job_name: 'file', source: { type: 'dynamodb', table_name: 'a' }, retention: { days: 7 } }));

    // Act
    const body = await buildBody(file, { job_name: 'flag', 'source.table_name': 'b', 'retention.weeks': 4, description: undefined }, ['source.consistent_read=true', 'notifications.recipients=["a@x"]', 'description=plain text']);

    // Assess
    assert.deepEqual(body, {
      job_name: 'flag',
      source: { type: 'dynamodb', table_name: 'b', consistent_read: true },
      retention: { days: 7, weeks: 4 },
      notifications: { recipients: ['a@x'] },
      description: 'plain text',
    });
  });

  test('a file that is not valid JSON is a usage error', async (t) => {
    // Prepare
    const bad = fileOf(t, 'bad.json', '{ nope');

    // Act
    const building = buildBody(bad, {});

    // Assess
    await assert.rejects(building, { name: 'UsageError', message: /not valid JSON/ });
  });

  test('a file that is not a JSON object is a usage error', async (t) => {
    // Prepare
    const bad = fileOf(t, 'bad.json', '[1]');

    // Act
    const building = buildBody(bad, {});

    // Assess
    await assert.rejects(building, { name: 'UsageError', message: /JSON object/ });
  });

  test('an assignment without a value is a usage error', () => {
    // Act
    const parse = () => parseAssignment('novalue');

    // Assess
    assert.throws(parse, { name: 'UsageError' });
  });

  test('a path with an empty segment is a usage error', () => {
    // Act
    const set = () => setPath({}, 'a..b', 1);

    // Assess
    assert.throws(set, { name: 'UsageError' });
  });

  test('job flags map to the seed fields', () => {
    // Act
    const fields = jobFields({ name: 'n', table: 't', schedule: 'daily', keepDays: 3, compression: 'none', notify: ['a@x'] });

    // Assess
    assert.equal(fields.job_name, 'n');
    assert.equal(fields['source.table_name'], 't');
    assert.equal(fields['retention.days'], 3);
    assert.equal(fields['compression.enabled'], false);
    assert.equal(fields['compression.algorithm'], undefined);
    assert.deepEqual(fields['notifications.recipients'], ['a@x']);
  });

  test('a schedule flag enables the schedule unless told otherwise', () => {
    // Act
    const scheduled = jobFields({ name: 'n', table: 't', schedule: 'daily', keepDays: 3, compression: 'none', notify: ['a@x'] });
    const disabled = jobFields({ schedule: 'daily', scheduleEnabled: false });
    const unscheduled = jobFields({});

    // Assess
    assert.equal(scheduled['schedule.enabled'], true);
    assert.equal(disabled['schedule.enabled'], false);
    assert.equal(unscheduled['schedule.enabled'], undefined);
  });
});

describe('cursor paging (canned server: a test of the CLI, not the API)', () => {
  let server: CannedServer;
  beforeAll(async () => {
    const pages: Record<string, unknown> = {
      '': { files: [{ id: 1 }, { id: 2 }], next_cursor: 'b', total: 5 },
      b: { files: [{ id: 3 }, { id: 4 }], next_cursor: 'c' },
      c: { files: [{ id: 5 }], next_cursor: null },
      loop: { files: [], next_cursor: 'loop' },
    };
    server = await cannedServer((r) => ({ status: 200, body: pages[new URL(r.url, 'http://x').searchParams.get('cursor') ?? ''] }));
  });
  afterAll(() => server.close());

  test('--all follows next_cursor to the end', async () => {
    // Prepare
    const client = new ApiClient({ baseUrl: new URL(server.url) });

    // Act
    const all = await listAll<{ id: number }>(client, '/backup/files', 'files', { limit: 2 }, true);

    // Assess
    assert.deepEqual(
      all.items.map((i) => i.id),
      [1, 2, 3, 4, 5],
    );
    assert.equal(all.next_cursor, null);
    assert.equal(all.total, 5);
  });

  test('without --all, one page and its next cursor', async () => {
    // Prepare
    const client = new ApiClient({ baseUrl: new URL(server.url) });

    // Act
    const one = await listAll<{ id: number }>(client, '/backup/files', 'files', { limit: 2 }, false);

    // Assess
    assert.equal(one.items.length, 2);
    assert.equal(one.next_cursor, 'b');
  });

  test('a cursor that comes back again is an error, not an endless loop', async () => {
    // Prepare
    const client = new ApiClient({ baseUrl: new URL(server.url) });

    // Act
    const listing = listAll(client, '/backup/files', 'files', { cursor: 'loop' }, true);

    // Assess
    await assert.rejects(listing, /same cursor twice/);
  });

  test('a list answer without its array is an error, not an empty list', () => {
    // Act
    const read = () => readPage({ jobs: [] }, 'files');

    // Assess
    assert.throws(read, /no 'files' array/);
  });

  test('an empty next_cursor means the last page', () => {
    // Act
    const page = readPage({ items: [1], next_cursor: '' }, 'files');

    // Assess
    assert.deepEqual(page.next_cursor, null);
  });
});

describe('display', () => {
  test('a time cell shows the UTC date and time to the second', () => {
    // Act
    const time = cell.time('2024-01-15T12:32:00.123Z');

    // Assess
    assert.equal(time, '2024-01-15 12:32:00');
  });

  test('a duration cell shows hours, minutes and seconds, leaving out zero hours', () => {
    // Act
    const long = cell.duration(3723);
    const short = cell.duration(65);

    // Assess
    assert.equal(long, '1h02m03s');
    assert.equal(short, '1m05s');
  });

  test('a size cell shows binary units', () => {
    // Act
    const size = cell.bytes(1536);

    // Assess
    assert.equal(size, '1.5 KiB');
  });

  test('an error cell shows the code and the message', () => {
    // Act
    const error = cell.error({ code: 'RestoreConflict', message: 'table not empty' });

    // Assess
    assert.equal(error, 'RestoreConflict: table not empty');
  });

  test('an empty text cell shows a dash', () => {
    // Act
    const text = cell.text(null);

    // Assess
    assert.equal(text, '-');
  });

  test('error details: issues one per line', () => {
    // Act
    const lines = formatDetails({ field: 'b', issue: 'c', issues: ['a', { field: 'b', issue: 'c' }, { x: 1 }] });

    // Assess
    assert.deepEqual(lines, ['  issues:', '    - a', '    - b: c', '    - {"x":1}']);
  });

  test('error details: other fields as key: value, lists one item per line', () => {
    // Act
    const lines = formatDetails({ job_id: 'job_1', allowed: ['GET'] });

    // Assess
    assert.deepEqual(lines, ['  job_id: job_1', '  allowed:', '    - GET']);
  });

  test('error details: none, no lines', () => {
    // Act
    const lines = formatDetails(undefined);

    // Assess
    assert.deepEqual(lines, []);
  });

  test('HTTP status → exit code', () => {
    // Prepare
    const statuses = [400, 422, 403, 404, 409, 503, 500];

    // Act
    const codes = statuses.map((status) => exitCodeForStatus(status));

    // Assess
    assert.deepEqual(codes, [ExitCode.Usage, ExitCode.Usage, ExitCode.Auth, ExitCode.NotFound, ExitCode.Conflict, ExitCode.Unavailable, ExitCode.Failure]);
  });
});
