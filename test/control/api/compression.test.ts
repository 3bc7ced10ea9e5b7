/**
 * A job's compression through the local API over HTTP: levels are the
 * engine's (a level the engine refuses is a 422 naming the field), and a
 * partial compression update is merged into the stored setting before it
 * is checked and stored.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { seedTable } from '../../../local/demo/seed-data.js';
import { COMPRESSION_LEVELS } from '../../../vault/compression/settings.js';
import { uniqueName } from '../../helpers/names.js';
import { jobBody, startApiFixture, type ApiFixture } from './support.js';

describe('API: job compression', () => {
  let api: ApiFixture;
  const table = uniqueName('api-compression');

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 5);
  });
  afterAll(() => api.close());

  async function createJob(compression: unknown): Promise<string> {
    const res = await api.call('POST', '/backup/jobs', jobBody(table, { compression }));
    assert.equal(res.status, 201, res.text);
    return res.body.job_id;
  }

  test('a zstd level above what the engine takes is refused with 422 naming compression.level', async () => {
    // Prepare
    const body = jobBody(table, { compression: { enabled: true, algorithm: 'zstd', level: 21 } });

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error, 'validation_failed');
    assert.deepEqual(res.body.details.fields, ['compression.level']);
  });

  test('the highest zstd level the engine takes is stored as given', async () => {
    // Prepare
    const compression = { enabled: true, algorithm: 'zstd', level: COMPRESSION_LEVELS.zstd.max };

    // Act
    const res = await api.call('POST', '/backup/jobs', jobBody(table, { compression }));

    // Assess
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.compression, compression);
  });

  test('a job that names no compression stores the default setting in full', async () => {
    // Prepare
    const body = jobBody(table);
    delete body.compression;

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.compression, { enabled: true, algorithm: 'zstd', level: COMPRESSION_LEVELS.zstd.default });
  });

  test('a level-only update keeps the stored algorithm', async () => {
    // Prepare
    const jobId = await createJob({ algorithm: 'gzip', level: 6 });

    // Act
    const res = await api.call('PUT', `/backup/jobs/${jobId}`, { compression: { level: 9 } });

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.deepEqual((await api.call('GET', `/backup/jobs/${jobId}`)).body.compression, { enabled: true, algorithm: 'gzip', level: 9 });
  });

  test("a level-only update is checked against the stored algorithm's levels", async () => {
    // Prepare
    const jobId = await createJob({ algorithm: 'gzip', level: 6 });

    // Act
    const res = await api.call('PUT', `/backup/jobs/${jobId}`, { compression: { level: 12 } });

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['compression.level']);
    assert.deepEqual((await api.call('GET', `/backup/jobs/${jobId}`)).body.compression, { enabled: true, algorithm: 'gzip', level: 6 });
  });

  test("an algorithm-only update takes the new algorithm's default level", async () => {
    // Prepare
    const jobId = await createJob({ algorithm: 'zstd', level: COMPRESSION_LEVELS.zstd.max });

    // Act
    const res = await api.call('PUT', `/backup/jobs/${jobId}`, { compression: { algorithm: 'gzip' } });

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.compression, { enabled: true, algorithm: 'gzip', level: COMPRESSION_LEVELS.gzip.default });
  });

  test('a run level above the job algorithm levels is refused with 422 naming it', async () => {
    // Prepare
    const jobId = await createJob({ algorithm: 'gzip', level: 6 });

    // Act
    const res = await api.call('POST', `/backup/jobs/${jobId}/execute`, { custom_parameters: { compression_level: COMPRESSION_LEVELS.gzip.max + 1 } });

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['custom_parameters.compression_level']);
  });
});
