/** Analytics as a pure function: a hand-computed fixture, filters, and bad input. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { computeAnalytics } from '../../control/analytics/compute.js';
import { InvalidAnalyticsFilterError } from '../../control/analytics/errors.js';
import { monthlyCost } from '../../control/analytics/prices.js';
import { AnalyticsSchema } from '../../control/analytics/schema.js';
import { EXPECTED_WINDOW, fixtureRecords, GiB, NOW, WINDOW } from '../helpers/analytics-fixture.js';

test('a date window: every number matches the hand computation', () => {
  // Prepare
  const records = fixtureRecords();

  // Act
  const analytics = computeAnalytics(records, WINDOW, NOW);

  // Assess
  assert.deepEqual(analytics, EXPECTED_WINDOW);
});

test('a date window: the response fits the schema', () => {
  // Prepare
  const records = fixtureRecords();

  // Act
  const analytics = computeAnalytics(records, WINDOW, NOW);

  // Assess
  assert.deepEqual(AnalyticsSchema.parse(analytics), analytics);
});

test('job_id: only that job\'s backups, restores and storage', () => {
  // Prepare
  const records = fixtureRecords();

  // Act
  const analytics = computeAnalytics(records, { job_id: 'job_assets' }, NOW);

  // Assess
  assert.deepEqual(analytics.overview, {
    total_jobs: 1, active_jobs: 0,
    total_backups: 2, successful_backups: 1, failed_backups: 0, running_backups: 1,
    total_restores: 1, successful_restores: 0, failed_restores: 1,
    total_verifications: 0, failed_verifications: 0,
    total_storage_used: 4 * GiB, average_backup_size: 4 * GiB, total_bytes_read: 4 * GiB, total_bytes_new: 4 * GiB,
    dedup_ratio: 0, compression_ratio: 1, estimated_monthly_cost: 0.05,
  });
  assert.deepEqual(analytics.job_breakdown.map((j) => [j.job_id, j.backups, j.success_rate]), [['job_assets', 2, 1]]);
  assert.equal(analytics.filters.job_id, 'job_assets');
});

test('job_id: the series fills days from the job\'s first to its last backup', () => {
  // Prepare
  const records = fixtureRecords();

  // Act
  const analytics = computeAnalytics(records, { job_id: 'job_assets' }, NOW);

  // Assess
  assert.deepEqual(analytics.time_series.map((d) => d.date), ['2024-01-12', '2024-01-13', '2024-01-14', '2024-01-15', '2024-01-16', '2024-01-17', '2024-01-18', '2024-01-19', '2024-01-20']);
  assert.equal(analytics.time_series.at(-1)?.backups_created, 1);
  assert.equal(analytics.time_series.at(-1)?.successful_backups, 0);
});

test('an empty catalog: zeros, nulls for averages and rates, no series', () => {
  // Prepare
  const records = { jobs: [], executions: [] };

  // Act
  const analytics = computeAnalytics(records, {}, NOW);

  // Assess
  assert.equal(analytics.overview.total_backups, 0);
  assert.equal(analytics.overview.average_backup_size, null);
  assert.equal(analytics.overview.dedup_ratio, null);
  assert.equal(analytics.overview.estimated_monthly_cost, 0);
  assert.deepEqual(analytics.time_series, []);
  AnalyticsSchema.parse(analytics);
});

test('a window with no backups still lists its days, each zero, up to today', () => {
  // Prepare
  const records = fixtureRecords();

  // Act
  const analytics = computeAnalytics(records, { date_from: '2024-01-23', date_to: '2024-01-31' }, NOW);

  // Assess
  assert.deepEqual(analytics.time_series.map((d) => [d.date, d.backups_created]), [['2024-01-23', 0], ['2024-01-24', 0], ['2024-01-25', 0]]);
});

test('bad filters are typed errors naming the filter', () => {
  // Prepare
  const records = fixtureRecords();
  const cases: Array<[Record<string, string>, string]> = [
    [{ date_from: 'yesterday' }, 'date_from'],
    [{ date_to: '2024-13-45' }, 'date_to'],
    [{ date_from: '2024-02-01', date_to: '2024-01-01' }, 'date_from'],
    [{ job_id: ' ' }, 'job_id'],
  ];
  for (const [filters, field] of cases) {
    // Act
    const compute = () => computeAnalytics(records, filters, NOW);

    // Assess
    assert.throws(compute, (e: unknown) => e instanceof InvalidAnalyticsFilterError && e.field === field && e.code === 'InvalidInput');
  }
});

test('prices: GB is 2^30 bytes, rounded to the cent', () => {
  // Prepare
  const standard = 100 * GiB;
  const deepArchive = 1000 * GiB;

  // Act
  const costs = [monthlyCost(standard, 'STANDARD'), monthlyCost(deepArchive, 'deep_archive')];

  // Assess
  assert.deepEqual(costs, [2.3, 0.99]);
});

test('prices: a storage class with no known price has no cost', () => {
  // Act
  const cost = monthlyCost(GiB, 'TAPE');

  // Assess
  assert.equal(cost, null);
});
