/**
 * A job's compression setting as a backup run applies it: jobs defined and
 * changed through the local API, run by the backup workflow, and the blobs
 * each backup wrote read back from the vault's index (each blob records the
 * algorithm it was stored with).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { Compression } from '../../vault/compression/codec.js';
import { COMPRESSION_LEVELS } from '../../vault/compression/settings.js';
import { uniqueName } from '../helpers/names.js';
import { eventually, jobBody, startApiFixture, type ApiFixture } from '../control/api/support.js';

const ITEMS = 300;

describe('backup runs: a job compression setting', () => {
  let api: ApiFixture;
  const tables = { gzip: uniqueName('compress-gzip'), zstd: uniqueName('compress-zstd') };

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: Object.values(tables) });
    // One table per job, with different items: a backup of data already in the vault writes no blobs.
    await Promise.all(Object.values(tables).map((table) => seedTable(table, ITEMS)));
    await writeItems(tables.zstd, [...Array(ITEMS).keys()], (i) => demoItem(i, 2));
  });
  afterAll(() => api.close());

  /** Runs a job through the API to its end; returns the execution's status body. */
  async function runToEnd(jobId: string): Promise<{ status: string; result: { snapshot_id: string }; error: unknown }> {
    const res = await api.call('POST', `/backup/jobs/${jobId}/execute`);
    assert.equal(res.status, 202, res.text);
    return eventually(async () => {
      const status = await api.call('GET', `/backup/jobs/${jobId}/status`);
      return ['completed', 'failed', 'cancelled'].includes(status.body.status) ? status.body : undefined;
    }, 120_000);
  }

  /**
   * Asserts that the blobs a backup (its snapshot) wrote were stored with
   * `algorithm` (or uncompressed, a chunk that did not shrink), and some with it.
   */
  async function assertBlobsStoredWith(snapshotId: string, algorithm: Compression): Promise<void> {
    const vault = await api.cloud.deps.vault();
    const snapshot = await vault.readSnapshot(snapshotId);
    const packs = (await Promise.all(snapshot.index_ids.map((id) => vault.readIndex(id)))).flat();
    const stored = new Set(packs.flatMap((pack) => pack.blobs.map((blob) => blob.compression)));
    assert.ok(stored.has(algorithm), `blobs stored with ${algorithm} among ${[...stored].join(', ')}`);
    assert.deepEqual([...stored].filter((a) => a !== algorithm && a !== Compression.None), [], 'no blob stored with another algorithm');
  }

  test('a gzip job whose level alone was updated writes gzip blobs', async () => {
    // Prepare
    const created = await api.call('POST', '/backup/jobs', jobBody(tables.gzip, { compression: { algorithm: 'gzip', level: 6 } }));
    assert.equal(created.status, 201, created.text);
    const updated = await api.call('PUT', `/backup/jobs/${created.body.job_id}`, { compression: { level: 9 } });
    assert.equal(updated.status, 200, updated.text);

    // Act
    const run = await runToEnd(created.body.job_id);

    // Assess
    assert.equal(run.status, 'completed', JSON.stringify(run.error));
    await assertBlobsStoredWith(run.result.snapshot_id, Compression.Gzip);
  });

  test("a job at the engine's highest zstd level runs and writes zstd blobs", async () => {
    // Prepare
    const created = await api.call('POST', '/backup/jobs', jobBody(tables.zstd, { compression: { algorithm: 'zstd', level: COMPRESSION_LEVELS.zstd.max } }));
    assert.equal(created.status, 201, created.text);

    // Act
    const run = await runToEnd(created.body.job_id);

    // Assess
    assert.equal(run.status, 'completed', JSON.stringify(run.error));
    await assertBlobsStoredWith(run.result.snapshot_id, Compression.Zstd);
  });
});
