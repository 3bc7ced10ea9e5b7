/** Jobs through the local API over HTTP: create, read, list (every filter, offset and cursor paging), update, delete. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedTable } from '../../local/demo/seed-data.js';
import { uniqueName } from '../helpers/names.js';
import { jobBody, startApiFixture, type ApiFixture } from './support.js';

describe('API: jobs', () => {
  let api: ApiFixture;
  const table = uniqueName('api-jobs');
  before(async () => {
    api = await startApiFixture();
    await seedTable(table, 10);
  });
  after(() => api.close());

  test('GET /health answers with the version and a request id', async () => {
    const res = await api.call('GET', '/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  test('POST /backup/jobs creates a job (201) with the seed fields and defaults; GET reads it back', async () => {
    const res = await api.call('POST', '/backup/jobs', jobBody(table));
    assert.equal(res.status, 201, res.text);
    const job = res.body;
    assert.match(job.job_id, /^job_[0-9a-z]{26}$/);
    assert.equal(job.status, 'active');
    assert.equal(job.last_run, null);
    assert.deepEqual(job.destination, { type: 'vault' });
    assert.equal(job.encryption.enabled, true);
    assert.equal(job.created_by, 'admin_1');
    assert.equal(job.lease_owner, undefined);
    const read = await api.call('GET', `/backup/jobs/${job.job_id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, job);
    assert.deepEqual(await api.stack.catalog.getJob(job.job_id).then((j) => j.job_name), job.job_name);
  });

  test('created_by defaults to the caller', async () => {
    const body = jobBody(table);
    delete body.created_by;
    const res = await api.call('POST', '/backup/jobs', body);
    assert.equal(res.status, 201);
    assert.equal(res.body.created_by, 'local');
  });

  test('GET /backup/jobs filters by status, backup_type and dates, and pages by offset and by cursor', async () => {
    const start = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api.call('POST', '/backup/jobs', jobBody(table, { job_name: `page ${i}`, backup_type: i % 2 === 0 ? 'full' : 'differential' }));
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.job_id);
    }
    const paused = await api.call('PUT', `/backup/jobs/${ids[0]}`, { status: 'paused' });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.body.status, 'paused');

    const inRange = await api.call('GET', `/backup/jobs?date_from=${encodeURIComponent(start)}&limit=1000`);
    assert.equal(inRange.status, 200, inRange.text);
    assert.deepEqual(inRange.body.jobs.map((j: { job_id: string }) => j.job_id), [...ids].reverse(), 'newest first, only those in range');
    assert.equal(inRange.body.total, 5);
    assert.deepEqual(inRange.body.filters, { date_from: start });

    const full = await api.call('GET', `/backup/jobs?backup_type=full&date_from=${encodeURIComponent(start)}`);
    assert.deepEqual(full.body.jobs.map((j: { job_id: string }) => j.job_id), [ids[4], ids[2], ids[0]]);
    const pausedOnly = await api.call('GET', `/backup/jobs?status=paused&date_from=${encodeURIComponent(start)}`);
    assert.deepEqual(pausedOnly.body.jobs.map((j: { job_id: string }) => j.job_id), [ids[0]]);
    const before = await api.call('GET', `/backup/jobs?date_to=${encodeURIComponent(start)}&date_from=${encodeURIComponent(start)}`);
    assert.equal(before.body.total, 0);

    const offsetPage = await api.call('GET', `/backup/jobs?date_from=${encodeURIComponent(start)}&limit=2&offset=2`);
    assert.deepEqual(offsetPage.body.jobs.map((j: { job_id: string }) => j.job_id), [ids[2], ids[1]]);
    assert.equal(offsetPage.body.limit, 2);
    assert.equal(offsetPage.body.offset, 2);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { jobs: Array<{ job_id: string }>; next_cursor: string | null } } = await api.call('GET', `/backup/jobs?date_from=${encodeURIComponent(start)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.jobs.map((j) => j.job_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse(), 'cursor paging visits every job once');
  });

  test('PUT changes only the fields given; DELETE removes the job (204), then it is 404', async () => {
    const created = (await api.call('POST', '/backup/jobs', jobBody(table))).body;
    const res = await api.call('PUT', `/backup/jobs/${created.job_id}`, { job_name: 'renamed', retention: { days: 7 } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.job_name, 'renamed');
    assert.deepEqual(res.body.retention, { days: 7 });
    assert.deepEqual(res.body.source, created.source);
    const deleted = await api.call('DELETE', `/backup/jobs/${created.job_id}`);
    assert.equal(deleted.status, 204);
    assert.ok(deleted.headers['x-request-id']);
    const gone = await api.call('GET', `/backup/jobs/${created.job_id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, { error: 'job_not_found', message: 'Job not found', details: { job_id: created.job_id } });
    assert.equal((await api.call('DELETE', `/backup/jobs/${created.job_id}`)).status, 404);
    assert.equal((await api.call('PUT', `/backup/jobs/${created.job_id}`, { job_name: 'x' })).status, 404);
  });
});
