/** The CLI's building blocks: request bodies from files and flags, cursor paging (canned server), cells, error display. */
import { afterAll, beforeAll, describe, test } from 'vitest';
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

describe('request bodies', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'haven-cli-parts-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('file, then flags, then --set; nested objects merge, arrays and scalars replace', async () => {
    const file = join(dir, 'job.json');
    writeFileSync(file, JSON.stringify({ job_name: 'file', source: { type: 'dynamodb', table_name: 'a' }, retention: { days: 7 } }));
    const body = await buildBody(file, { job_name: 'flag', 'source.table_name': 'b', 'retention.weeks': 4, description: undefined }, ['source.consistent_read=true', 'notifications.recipients=["a@x"]', 'description=plain text']);
    assert.deepEqual(body, {
      job_name: 'flag',
      source: { type: 'dynamodb', table_name: 'b', consistent_read: true },
      retention: { days: 7, weeks: 4 },
      notifications: { recipients: ['a@x'] },
      description: 'plain text',
    });
  });

  test('bad files and assignments are usage errors', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    await assert.rejects(buildBody(bad, {}), { name: 'UsageError', message: /not valid JSON/ });
    writeFileSync(bad, '[1]');
    await assert.rejects(buildBody(bad, {}), { name: 'UsageError', message: /JSON object/ });
    assert.throws(() => parseAssignment('novalue'), { name: 'UsageError' });
    assert.throws(() => setPath({}, 'a..b', 1), { name: 'UsageError' });
  });

  test('job flags map to the seed fields; a schedule flag enables the schedule unless told otherwise', () => {
    const fields = jobFields({ name: 'n', table: 't', schedule: 'daily', keepDays: 3, compression: 'none', notify: ['a@x'] });
    assert.equal(fields.job_name, 'n');
    assert.equal(fields['source.table_name'], 't');
    assert.equal(fields['schedule.enabled'], true);
    assert.equal(fields['retention.days'], 3);
    assert.equal(fields['compression.enabled'], false);
    assert.equal(fields['compression.algorithm'], undefined);
    assert.deepEqual(fields['notifications.recipients'], ['a@x']);
    assert.equal(jobFields({ schedule: 'daily', scheduleEnabled: false })['schedule.enabled'], false);
    assert.equal(jobFields({})['schedule.enabled'], undefined);
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

  test('--all follows next_cursor to the end; one page otherwise', async () => {
    const client = new ApiClient({ baseUrl: new URL(server.url) });
    const all = await listAll<{ id: number }>(client, '/backup/files', 'files', { limit: 2 }, true);
    assert.deepEqual(
      all.items.map((i) => i.id),
      [1, 2, 3, 4, 5],
    );
    assert.equal(all.next_cursor, null);
    assert.equal(all.total, 5);
    const one = await listAll<{ id: number }>(client, '/backup/files', 'files', { limit: 2 }, false);
    assert.equal(one.items.length, 2);
    assert.equal(one.next_cursor, 'b');
    await assert.rejects(listAll(client, '/backup/files', 'files', { cursor: 'loop' }, true), /same cursor twice/);
  });

  test('a list answer without its array is an error, not an empty list', () => {
    assert.throws(() => readPage({ jobs: [] }, 'files'), /no 'files' array/);
    assert.deepEqual(readPage({ items: [1], next_cursor: '' }, 'files').next_cursor, null);
  });
});

describe('display', () => {
  test('cells', () => {
    assert.equal(cell.time('2024-01-15T12:32:00.123Z'), '2024-01-15 12:32:00');
    assert.equal(cell.duration(3723), '1h02m03s');
    assert.equal(cell.duration(65), '1m05s');
    assert.equal(cell.bytes(1536), '1.5 KiB');
    assert.equal(cell.error({ code: 'RestoreConflict', message: 'table not empty' }), 'RestoreConflict: table not empty');
    assert.equal(cell.text(null), '-');
  });

  test('error details: issues one per line, other fields as key: value', () => {
    assert.deepEqual(formatDetails({ field: 'b', issue: 'c', issues: ['a', { field: 'b', issue: 'c' }, { x: 1 }] }), ['  issues:', '    - a', '    - b: c', '    - {"x":1}']);
    assert.deepEqual(formatDetails({ job_id: 'job_1', allowed: ['GET'] }), ['  job_id: job_1', '  allowed:', '    - GET']);
    assert.deepEqual(formatDetails(undefined), []);
  });

  test('HTTP status → exit code', () => {
    assert.equal(exitCodeForStatus(400), ExitCode.Usage);
    assert.equal(exitCodeForStatus(422), ExitCode.Usage);
    assert.equal(exitCodeForStatus(403), ExitCode.Auth);
    assert.equal(exitCodeForStatus(404), ExitCode.NotFound);
    assert.equal(exitCodeForStatus(409), ExitCode.Conflict);
    assert.equal(exitCodeForStatus(503), ExitCode.Unavailable);
    assert.equal(exitCodeForStatus(500), ExitCode.Failure);
  });
});
