/**
 * The deployed prune workflow on the local cloud: retention forgets, prune
 * frees exactly the packs nothing uses, stays safe while a backup is between
 * uploading its packs and committing its snapshot, repacks wasteful packs,
 * and a failed run ends FAILED with its failure recorded.
 *
 * Prune works on the whole vault, so tests that count what it frees get a
 * cloud (a vault) of their own.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { checkVault } from '../../vault/checker/checker.js';
import { listStaged, writeStaged } from '../../vault/staging/staging.js';
import { PRUNE_FAILED } from '../../control/workflows/prune/mark-failed.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { ExecutionStatus } from '../../local/cloud/workflows.js';
import type { Fault } from '../../local/functions/host.js';
import { describePrefix } from '../../local/compare/s3-prefix.js';
import { entered, entriesOf, retriesOf } from './execution-history.js';
import { stepFault } from '../helpers/step-fault.js';
import { StorageUnavailableError } from '../../vault/storage/errors.js';
import { backup, createJob, newestBackup, packBytes, packExists, packsOf, putRandom, removeObject, restoreInto, sourceBucket } from './prune-support.js';

/**
 * A cloud granting `bucket` whose next backup Commit, once armed, is held until the test lets it go (the function host's
 * `until` fault): `arm()` resolves when that Commit is invoked and gives the function that releases it. Each test releases
 * it once its prune has ended, and checks the backup was still uncommitted then.
 */
async function cloudWithCommitHold(bucket: string) {
  const hold = { armed: false, enter: (_release: () => void) => {} };
  const arm = (): Promise<() => void> => {
    hold.armed = true;
    return new Promise((resolve) => (hold.enter = resolve));
  };
  const cloud = await LocalCloud.start({
    sourceBuckets: [bucket],
    restoreBuckets: [bucket],
    faults: ({ fn }) => {
      if (!hold.armed || !fn.path.endsWith('Backup/Commit')) return undefined;
      hold.armed = false;
      let release = () => {};
      const until = new Promise<void>((resolve) => (release = resolve));
      hold.enter(release);
      return { until };
    },
  });
  return { cloud, arm };
}

/** Asserts a backup execution is still running with its Commit not yet done (so what ran meanwhile saw it uncommitted). */
async function assertUncommitted(cloud: LocalCloud, executionArn: string): Promise<void> {
  const history = await cloud.workflows.history(executionArn);
  assert.ok(!history.some((e) => e.type === 'ExecutionSucceeded' || e.type === 'ExecutionFailed'), 'the held backup is still running');
  assert.ok(entriesOf(history, 'Commit snapshot').every((entry) => entry.succeeded === undefined), 'Commit was held past the prune');
}

describe('prune: interleaved with a backup', () => {
  let bucket: string;
  let cloud: LocalCloud;
  let arm: () => Promise<() => void>;
  beforeAll(async () => {
    bucket = await sourceBucket();
    ({ cloud, arm } = await cloudWithCommitHold(bucket));
  });
  afterAll(() => cloud.close());

  test("a full backup paused before commit survives a prune that frees exactly the forgotten backup's packs", async () => {
    // Prepare
    await putRandom(bucket, ['a/one', 'a/two']);
    const jobA = await createJob(cloud, bucket, 'a/', { keep_last: 1 });
    const first = await backup(cloud, jobA);
    await putRandom(bucket, ['a/one', 'a/two']);
    const second = await backup(cloud, jobA);
    const garbage = await packsOf(cloud, first);
    assert.ok(garbage.size > 0);
    await putRandom(bucket, ['b/x', 'b/y', 'b/z']);
    const jobB = await createJob(cloud, bucket, 'b/', { keep_last: 5 }, 'full');
    const held = arm();
    const running = await cloud.workflows.start('backup', { job_id: jobB });
    const release = await held;
    const before = await packBytes(cloud);

    // Act
    const prune = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(prune.status, 'SUCCEEDED', `${prune.error}: ${prune.cause}`);
    await assertUncommitted(cloud, running).finally(release);
    const after = await packBytes(cloud);
    const garbageBytes = [...garbage.values()].reduce((n, s) => n + s, 0);
    assert.equal(before.bytes - after.bytes, garbageBytes, 'the vault drops by exactly the unreferenced packs');
    for (const id of garbage.keys()) assert.ok(!after.ids.has(id), `pack ${id} deleted`);
    const firstRecord = await cloud.catalog.getBackup(first.backup_id);
    assert.ok(firstRecord.deleted_at, 'the forgotten backup is marked');
    assert.equal(firstRecord.deleted_by, 'retention');
    assert.ok(cloud.events.some((e) => e.detailType === 'Retention Applied' && e.detail.job_id === jobA && e.detail.forgotten === 1));

    const done = await cloud.workflows.wait(running);
    assert.equal(done.status, ExecutionStatus.Succeeded, `${done.error}: ${done.cause}`);
    const b = await newestBackup(cloud, jobB);
    assert.deepEqual(await restoreInto(cloud, b.backup_id, bucket, 'restored-b/'), await describePrefix(bucket, 'b/'));
    assert.deepEqual(await restoreInto(cloud, second.backup_id, bucket, 'restored-a/'), await describePrefix(bucket, 'a/'));
    const report = await checkVault(await cloud.deps.vault(), {});
    assert.deepEqual(report.issues, []);
    assert.deepEqual(cloud.denials, []);
  });

  test('an incremental backup paused before commit protects every pack its plan may reuse; the next prune frees them', async () => {
    // Prepare
    await putRandom(bucket, ['c/one']);
    const job = await createJob(cloud, bucket, 'c/', { keep_last: 1 });
    const first = await backup(cloud, job);
    await putRandom(bucket, ['c/one']);
    await backup(cloud, job);
    const garbage = await packsOf(cloud, first);
    await putRandom(bucket, ['c/two']);
    const held = arm();
    const running = await cloud.workflows.start('backup', { job_id: job });
    const release = await held;

    // Act
    const pruned = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(pruned.status, 'SUCCEEDED', `${pruned.error}: ${pruned.cause}`);
    await assertUncommitted(cloud, running).finally(release);
    for (const id of garbage.keys()) assert.ok(await packExists(cloud, id), "listed by the running backup's staged plan: kept");
    const output = pruned.output as { prune: { packs_untouchable: number } };
    assert.ok(output.prune.packs_untouchable >= garbage.size);

    // Act: the backup commits, then prune runs again
    assert.equal((await cloud.workflows.wait(running)).status, ExecutionStatus.Succeeded);
    const again = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(again.status, 'SUCCEEDED', `${again.error}: ${again.cause}`);
    for (const id of garbage.keys()) assert.ok(!(await packExists(cloud, id)), 'freed once the backup committed');
    const latest = await newestBackup(cloud, job);
    assert.deepEqual(await restoreInto(cloud, latest.backup_id, bucket, 'restored-c/'), await describePrefix(bucket, 'c/'));
  });
});

describe('prune: repacking and the grace period', () => {
  let bucket: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    bucket = await sourceBucket();
    cloud = await LocalCloud.start({ sourceBuckets: [bucket], restoreBuckets: [bucket] });
  });
  afterAll(() => cloud.close());

  test('a pack half unused passes the threshold: its used blobs move to a new pack and restores still match', async () => {
    // Prepare: one partition, one pack: ~2 MiB that the next backup drops and ~3 MiB it keeps (chunks resync a few chunks in).
    await putRandom(bucket, ['d/drop'], 2 * 1024 * 1024);
    await putRandom(bucket, ['d/keep'], 3 * 1024 * 1024);
    const job = await createJob(cloud, bucket, 'd/', { keep_last: 1 });
    const first = await backup(cloud, job);
    const [pack] = [...(await packsOf(cloud, first)).keys()];
    await removeObject(bucket, 'd/drop');
    const second = await backup(cloud, job);
    assert.equal((await packsOf(cloud, second)).size, 1, 'the second backup wrote the chunk where its stream now starts');
    // A staging area left by a backup that has no running execution (a crashed run): swept once past the grace period.
    const vault = await cloud.deps.vault();
    await writeStaged(vault, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'plan', { description: {}, source: {}, planned_at: new Date().toISOString(), index_ids: [] });

    // Act
    const dry = await cloud.workflows.run('prune', { grace_seconds: 0, repack_threshold: 0.3, dry_run: true });

    // Assess
    assert.equal(dry.status, 'SUCCEEDED');
    assert.ok(await packExists(cloud, pack!), 'a dry run changes nothing');
    assert.deepEqual(await listStaged(vault, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV'), ['plan']);
    assert.equal((await cloud.catalog.getBackup(first.backup_id)).deleted_at ?? null, null);

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0, repack_threshold: 0.3 });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const result = (run.output as { prune: { packs_repacked: number; packs_written: number } }).prune;
    assert.equal(result.packs_repacked, 1, JSON.stringify(result));
    assert.equal(result.packs_written, 1);
    assert.ok(!(await packExists(cloud, pack!)));
    assert.deepEqual(await listStaged(vault, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV'), [], 'the stale staging area is swept');
    assert.deepEqual(await restoreInto(cloud, second.backup_id, bucket, 'restored-d/'), await describePrefix(bucket, 'd/'));
    assert.deepEqual((await checkVault(await cloud.deps.vault(), { readData: true })).issues, []);
    assert.deepEqual(cloud.denials, []);
  });

  test('the default grace period keeps young unreferenced packs', async () => {
    // Prepare
    await putRandom(bucket, ['e/one']);
    const job = await createJob(cloud, bucket, 'e/', { keep_last: 1 });
    const first = await backup(cloud, job);
    const packs = await packsOf(cloud, first);
    await putRandom(bucket, ['e/one']);
    await backup(cloud, job);

    // Act
    const run = await cloud.workflows.run('prune', {});

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.ok((await cloud.catalog.getBackup(first.backup_id)).deleted_at, 'forgotten at once');
    for (const id of packs.keys()) assert.ok(await packExists(cloud, id), 'but its young packs stay');
  });
});

describe('prune: recovering from a prune that stopped midway', () => {
  let bucket: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    bucket = await sourceBucket();
    cloud = await LocalCloud.start({ sourceBuckets: [bucket], restoreBuckets: [bucket] });
  });
  afterAll(() => cloud.close());

  test('a pack a snapshot uses but no index object lists (its index was replaced, the rescue never ran) is listed again, not deleted', async () => {
    // Prepare
    await putRandom(bucket, ['f/one']);
    const job = await createJob(cloud, bucket, 'f/', { keep_last: 1 });
    const record = await backup(cloud, job);
    const packs = await packsOf(cloud, record);
    const vault = await cloud.deps.vault();
    for (const id of await vault.listIndexIds()) await vault.store.delete(`index/${id}`);

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.equal((run.output as { prune: { packs_rescued: number } }).prune.packs_rescued, packs.size);
    for (const id of packs.keys()) assert.ok(await packExists(cloud, id));
    assert.deepEqual(await restoreInto(cloud, record.backup_id, bucket, 'restored-f/'), await describePrefix(bucket, 'f/'));
    assert.deepEqual((await checkVault(vault, {})).issues, []);
  });
});

describe('prune: failures', () => {
  let cloud: LocalCloud;
  /** The fault of the Prune step while a test sets it (the emulator cannot make the vault fail by itself). */
  let pruneFault: Fault | undefined;
  beforeAll(async () => {
    cloud = await LocalCloud.start({ faults: ({ fn }) => (fn.path.endsWith('Prune/Prune') ? pruneFault : undefined) });
  });
  afterAll(() => cloud.close());

  test('a prune step that keeps failing ends the run FAILED with Prune Failed recorded once, after its retries', async () => {
    // Prepare
    pruneFault = stepFault(new StorageUnavailableError('injected: the vault bucket is unreachable'));
    const before = cloud.events.length;

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 }, 'prune-fails').finally(() => (pruneFault = undefined));

    // Assess
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error, 'PruneFailed');
    assert.ok(retriesOf(run.history, 'Prune') >= 1, 'the transient error was retried first');
    assert.equal(entriesOf(run.history, 'Mark failed').length, 1);
    const failures = cloud.events.slice(before).filter((e) => e.detailType === PRUNE_FAILED);
    assert.equal(failures.length, 1, 'published once');
    // EventBridge carries the detail type and detail; the failure severity only picks SNS subscribers (test/integration).
    assert.deepEqual(failures[0]!.detail, { execution: 'prune-fails', error_code: 'StorageUnavailable', error_message: 'injected: the vault bucket is unreachable' });
    assert.ok(!cloud.events.slice(before).some((e) => e.detailType === 'Prune Completed'));
  });

  test('bad settings fail List jobs: the run ends FAILED with InvalidConfiguration and the reason, nothing forgotten', async () => {
    // Prepare
    const before = cloud.events.length;

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: -1 }, 'prune-bad-settings');

    // Assess
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error, 'PruneFailed');
    assert.ok(!entered(run.history, 'Apply job retention'));
    const failure = cloud.events.slice(before).find((e) => e.detailType === PRUNE_FAILED)!;
    assert.equal(failure.detail.error_code, 'InvalidConfiguration');
    assert.match(String(failure.detail.error_message), /grace_seconds must be a whole number >= 0/);
  });
});
