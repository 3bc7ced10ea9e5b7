/**
 * Prune runs in the catalog: created running under the id their execution's
 * name gives, read back, listed newest first (no parent: gsi1 only), moved
 * to completed with the run's result or to failed with its error, never
 * created twice; a retried List jobs finds the record the first attempt made.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { AlreadyExistsError, InvalidTransitionError, NotFoundError } from '../../../control/catalog/errors.js';
import { pruneRunIdOf } from '../../../control/catalog/ids.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import type { NewPruneRun, PruneRunResult } from '../../../control/catalog/types.js';
import { listPruneJobs } from '../../../control/workflows/prune/list-jobs.js';
import { workflowDeps } from '../../../functions/shared/deps.js';
import { freshCatalog } from './table.js';

const SETTINGS = { grace_seconds: 86_400, repack_threshold: 0.5, compact_above: 64, dry_run: false };

function runInput(name: string, overrides: Partial<NewPruneRun> = {}): NewPruneRun {
  return { prune_run_id: pruneRunIdOf(name), execution_name: name, status: RecordStatus.Running, phase: 'applying retention', settings: SETTINGS, ...overrides };
}

function result(overrides: Partial<PruneRunResult> = {}): PruneRunResult {
  return {
    dry_run: false,
    packs_total: 10,
    bytes_total: 10_000,
    bytes_unused: 3_000,
    packs_deleted: 3,
    bytes_deleted: 3_000,
    packs_repacked: 1,
    packs_written: 1,
    bytes_written: 500,
    indexes_written: 1,
    indexes_deleted: 2,
    packs_rescued: 0,
    packs_untouchable: 0,
    staging_swept: 0,
    locks_extended: 0,
    lists_deleted: 0,
    jobs: 2,
    backups_forgotten: 4,
    bytes_freed: 2_500,
    ...overrides,
  };
}

test('a run is created running under prune_<execution name>, with its settings and no result, and read back as stored', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const input = runInput('daily-create');

  // Act
  const created = await catalog.pruneRuns.create(input);

  // Assess
  assert.equal(created.prune_run_id, 'prune_daily-create');
  assert.equal(created.execution_name, 'daily-create');
  assert.equal(created.status, RecordStatus.Running);
  assert.equal(created.started_at, clock.now().toISOString());
  assert.deepEqual(created.settings, SETTINGS);
  assert.equal(created.result, null);
  assert.deepEqual(await catalog.pruneRuns.get(created.prune_run_id), created);
});

test('a run created without an id gets prune_<ulid>', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const created = await catalog.pruneRuns.create({ execution_name: 'no-id', status: RecordStatus.Running });

  // Assess
  assert.match(created.prune_run_id, /^prune_[0-9a-z]{26}$/);
});

test('an execution name with characters ids never hold still names one id, always the same, distinct from a similar name', () => {
  // Act
  const ids = ['daily.2024-01-15', 'daily.2024-01-15', 'daily:2024-01-15'].map(pruneRunIdOf);

  // Assess
  assert.match(ids[0]!, /^prune_daily-2024-01-15-[0-9a-f]{8}$/);
  assert.equal(ids[1], ids[0]);
  assert.notEqual(ids[2], ids[0]);
});

test('a run is never created twice', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const first = await catalog.pruneRuns.create(runInput('daily-twice'));

  // Act
  const again = catalog.pruneRuns.create(runInput('daily-twice', { settings: { ...SETTINGS, dry_run: true } }));

  // Assess
  await assert.rejects(again, (e: unknown) => e instanceof AlreadyExistsError && e.id === first.prune_run_id);
  assert.deepEqual(await catalog.pruneRuns.get(first.prune_run_id), first);
});

test('a missing run is NotFound', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const read = catalog.pruneRuns.get('prune_absent');

  // Assess
  await assert.rejects(read, (e: unknown) => e instanceof NotFoundError && e.kind === 'prune run');
});

test('a completed run holds its result and duration', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const run = await catalog.pruneRuns.create(runInput('daily-complete'));
  clock.advance(90);

  // Act
  const done = await catalog.pruneRuns.transition(run.prune_run_id, RecordStatus.Completed, { phase: 'completed', result: result() });

  // Assess
  assert.equal(done.status, RecordStatus.Completed);
  assert.equal(done.progress, 100);
  assert.equal(done.duration, 90);
  assert.deepEqual(done.result, result());
  assert.deepEqual(await catalog.pruneRuns.get(run.prune_run_id), done);
});

test('a completed run cannot fail afterwards', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const run = await catalog.pruneRuns.create(runInput('daily-complete'));
  await catalog.pruneRuns.transition(run.prune_run_id, RecordStatus.Completed, { phase: 'completed', result: result() });

  // Act
  const fail = () => catalog.pruneRuns.transition(run.prune_run_id, RecordStatus.Failed, { error: { code: 'X', message: 'late' } });

  // Assess
  await assert.rejects(fail, InvalidTransitionError);
});

test('a failed run holds its error code and message', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const run = await catalog.pruneRuns.create(runInput('daily-fail'));
  const error = { code: 'StorageUnavailable', message: 'the vault bucket is unreachable' };

  // Act
  const failed = await catalog.pruneRuns.transition(run.prune_run_id, RecordStatus.Failed, { phase: 'failed', error });

  // Assess
  assert.equal(failed.status, RecordStatus.Failed);
  assert.deepEqual(failed.error, error);
  assert.equal(failed.result, null);
});

/** A catalog holding three runs an hour apart from 12:30, list-a to list-c; list-b completed. */
async function threeRuns() {
  const { catalog, clock } = await freshCatalog();
  for (const name of ['list-a', 'list-b', 'list-c']) {
    await catalog.pruneRuns.create(runInput(name));
    clock.advance(3600);
  }
  await catalog.pruneRuns.transition(pruneRunIdOf('list-b'), RecordStatus.Completed, { result: result() });
  return catalog;
}

test('runs list newest first', async () => {
  // Prepare
  const catalog = await threeRuns();

  // Act
  const all = await catalog.pruneRuns.list();

  // Assess
  assert.deepEqual(all.items.map((r) => r.execution_name), ['list-c', 'list-b', 'list-a']);
});

test('runs list by status', async () => {
  // Prepare
  const catalog = await threeRuns();

  // Act
  const completed = await catalog.pruneRuns.list({ status: RecordStatus.Completed });

  // Assess
  assert.deepEqual(completed.items.map((r) => r.execution_name), ['list-b']);
});

test('runs list within a time range', async () => {
  // Prepare
  const catalog = await threeRuns();

  // Act
  const firstHour = await catalog.pruneRuns.list({ date_from: '2024-01-15T12:30:00.000Z', date_to: '2024-01-15T13:00:00.000Z' });

  // Assess
  assert.deepEqual(firstHour.items.map((r) => r.execution_name), ['list-a']);
});

test('a retried List jobs finds the run record its first attempt created: one record, one id', async () => {
  // Prepare
  const { catalog, table } = await freshCatalog();
  const deps = workflowDeps({ catalogTable: table, vaultUri: 's3://unused-vault/vault', kmsKeyId: 'alias/unused', events: 'off' });
  const state = { execution: 'daily-retried', input: { grace_seconds: 60 } };

  // Act
  const first = await listPruneJobs(deps, state);
  const second = await listPruneJobs(deps, state);

  // Assess
  assert.equal(second.prune_run_id, first.prune_run_id);
  const runs = (await catalog.pruneRuns.list({ limit: 100 })).items.filter((r) => r.execution_name === 'daily-retried');
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.status, RecordStatus.Running);
  assert.equal(runs[0]!.settings?.grace_seconds, 60);
});
