/** loadAnalytics against the emulator: the fixture written through the Catalog, read back page by page. */
import { beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { loadAnalytics } from '../../../control/analytics/load.js';
import { computeAnalytics } from '../../../control/analytics/compute.js';
import type { Catalog } from '../../../control/catalog/catalog.js';
import { NotFoundError } from '../../../control/catalog/errors.js';
import { EXPECTED_WINDOW, fixtureRecords, NOW, seedFixture, WINDOW } from '../../helpers/analytics-fixture.js';
import { freshCatalog } from './table.js';

let catalog: Catalog;

beforeAll(async () => {
  let clock = '2024-01-01T00:00:00.000Z';
  ({ catalog } = await freshCatalog({ now: () => new Date(clock) }));
  await seedFixture(catalog, (t) => (clock = t));
});

test('a date window, read two items a page: exactly the hand-computed analytics', async () => {
  // Act
  const analytics = await loadAnalytics(catalog, WINDOW, { now: NOW, pageSize: 2 });

  // Assess
  assert.deepEqual(analytics, EXPECTED_WINDOW);
});

test('no filters and a job filter: the same as the pure function over the same records', async () => {
  // Prepare
  const records = fixtureRecords();
  for (const filters of [{}, { job_id: 'job_assets' }, { job_id: 'job_orders', date_to: '2024-01-11T04:00:00Z' }]) {
    // Act
    const loaded = await loadAnalytics(catalog, filters, { now: NOW, pageSize: 3 });

    // Assess
    assert.deepEqual(loaded, computeAnalytics(records, filters, NOW), JSON.stringify(filters));
  }
});

test('an unknown job is NotFound', async () => {
  // Act
  const load = loadAnalytics(catalog, { job_id: 'job_nope' });

  // Assess
  await assert.rejects(load, NotFoundError);
});
