/**
 * The prune workflow against moto: retention forgets, prune frees exactly
 * the packs nothing uses, stays safe while a backup is between uploading its
 * packs and committing its snapshot, repacks wasteful packs, and a failed
 * run ends FAILED with its failure recorded.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { checkVault } from '../../engine/checker/checker.js';
import type { Step } from '../../functions/registry.js';
import { listStaged, writeStaged } from '../../engine/workflows/staging.js';
import { PRUNE_FAILED } from '../../engine/workflows/prune/mark-failed.js';
import { StorageUnavailableError } from '../../engine/storage/errors.js';
import { LocalStack } from '../../local/stack/local-stack.js';
import { describePrefix } from '../../local/compare/s3-prefix.js';
import { backup, createJob, gate, newestBackup, packBytes, packExists, packsOf, putRandom, removeObject, restoreInto, sourceBucket } from './prune-support.js';

/** A stack whose backup Commit step waits at a gate for job `jobId` once armed. */
async function stackWithCommitGate() {
  const state: { gate?: ReturnType<typeof gate> } = {};
  const stack = await LocalStack.create({
    wrapStep: (fn: string, step: Step): Step =>
      fn !== 'haven-backup-commit'
        ? step
        : (async (deps, event: never) => {
            const g = state.gate;
            if (g) {
              g.enter();
              await g.wait;
            }
            return step(deps, event);
          }) as Step,
  });
  return { stack, state };
}

describe('prune: interleaved with a backup', () => {
  let bucket: string;
  before(async () => {
    bucket = await sourceBucket();
  });

  test('a full backup paused before commit survives a prune that frees exactly the forgotten backup\'s packs', async () => {
    const { stack, state } = await stackWithCommitGate();
    await putRandom(bucket, ['a/one', 'a/two']);
    const jobA = await createJob(stack, bucket, 'a/', { keep_last: 1 });
    const first = await backup(stack, jobA);
    await putRandom(bucket, ['a/one', 'a/two']);
    const second = await backup(stack, jobA);
    const garbage = await packsOf(stack, first);
    assert.ok(garbage.size > 0);

    await putRandom(bucket, ['b/x', 'b/y', 'b/z']);
    const jobB = await createJob(stack, bucket, 'b/', { keep_last: 5 }, 'full');
    state.gate = gate();
    const running = stack.runner.start('backup', { job_id: jobB });
    await state.gate.entered;
    const before = await packBytes(stack);

    const prune = await stack.runner.run('prune', { grace_seconds: 0 });
    assert.equal(prune.status, 'SUCCEEDED', `${prune.error}: ${prune.cause}`);
    const after = await packBytes(stack);
    const garbageBytes = [...garbage.values()].reduce((n, s) => n + s, 0);
    assert.equal(before.bytes - after.bytes, garbageBytes, 'the vault drops by exactly the unreferenced packs');
    for (const id of garbage.keys()) assert.ok(!after.ids.has(id), `pack ${id} deleted`);
    const firstRecord = await stack.catalog.getBackup(first.backup_id);
    assert.ok(firstRecord.deleted_at, 'the forgotten backup is marked');
    assert.equal(firstRecord.deleted_by, 'retention');
    assert.ok(stack.events.some((e) => e.detailType === 'Retention Applied' && e.detail.job_id === jobA && e.detail.forgotten === 1));

    state.gate.open();
    const done = await running.done;
    assert.equal(done.status, 'SUCCEEDED', `${done.error}: ${done.cause}`);
    const b = await newestBackup(stack, jobB);
    assert.deepEqual(await restoreInto(stack, b.backup_id, bucket, 'restored-b/'), await describePrefix(bucket, 'b/'));
    assert.deepEqual(await restoreInto(stack, second.backup_id, bucket, 'restored-a/'), await describePrefix(bucket, 'a/'));
    const report = await checkVault(await stack.deps.vault(), {});
    assert.deepEqual(report.issues, []);
  });

  test('an incremental backup paused before commit protects every pack its plan may reuse; the next prune frees them', async () => {
    const { stack, state } = await stackWithCommitGate();
    await putRandom(bucket, ['c/one']);
    const job = await createJob(stack, bucket, 'c/', { keep_last: 1 });
    const first = await backup(stack, job);
    await putRandom(bucket, ['c/one']);
    await backup(stack, job);
    const garbage = await packsOf(stack, first);
    await putRandom(bucket, ['c/two']);
    state.gate = gate();
    const running = stack.runner.start('backup', { job_id: job });
    await state.gate.entered;

    const pruned = await stack.runner.run('prune', { grace_seconds: 0 });
    assert.equal(pruned.status, 'SUCCEEDED', `${pruned.error}: ${pruned.cause}`);
    for (const id of garbage.keys()) assert.ok(await packExists(stack, id), 'listed by the running backup\'s staged plan: kept');
    const output = pruned.output as { prune: { packs_untouchable: number } };
    assert.ok(output.prune.packs_untouchable >= garbage.size);

    state.gate.open();
    assert.equal((await running.done).status, 'SUCCEEDED');
    const again = await stack.runner.run('prune', { grace_seconds: 0 });
    assert.equal(again.status, 'SUCCEEDED', `${again.error}: ${again.cause}`);
    for (const id of garbage.keys()) assert.ok(!(await packExists(stack, id)), 'freed once the backup committed');
    const latest = await newestBackup(stack, job);
    assert.deepEqual(await restoreInto(stack, latest.backup_id, bucket, 'restored-c/'), await describePrefix(bucket, 'c/'));
  });
});

describe('prune: repacking and the grace period', () => {
  test('a pack half unused passes the threshold: its used blobs move to a new pack and restores still match', async () => {
    const bucket = await sourceBucket();
    const stack = await LocalStack.create();
    // One partition, one pack: ~2 MiB that the next backup drops and ~3 MiB it keeps (chunks resync a few chunks in).
    await putRandom(bucket, ['d/drop'], 2 * 1024 * 1024);
    await putRandom(bucket, ['d/keep'], 3 * 1024 * 1024);
    const job = await createJob(stack, bucket, 'd/', { keep_last: 1 });
    const first = await backup(stack, job);
    const [pack] = [...(await packsOf(stack, first)).keys()];
    await removeObject(bucket, 'd/drop');
    const second = await backup(stack, job);
    assert.equal((await packsOf(stack, second)).size, 1, 'the second backup wrote the chunk where its stream now starts');

    // A staging area left by a backup that has no running execution (a crashed run): swept once past the grace period.
    const vault = await stack.deps.vault();
    await writeStaged(vault, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'plan', { description: {}, source: {}, planned_at: new Date().toISOString(), index_ids: [] });

    const dry = await stack.runner.run('prune', { grace_seconds: 0, repack_threshold: 0.3, dry_run: true });
    assert.equal(dry.status, 'SUCCEEDED');
    assert.ok(await packExists(stack, pack!), 'a dry run changes nothing');
    assert.deepEqual(await listStaged(vault, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV'), ['plan']);
    assert.equal((await stack.catalog.getBackup(first.backup_id)).deleted_at ?? null, null);

    const run = await stack.runner.run('prune', { grace_seconds: 0, repack_threshold: 0.3 });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const result = (run.output as { prune: { packs_repacked: number; packs_written: number } }).prune;
    assert.equal(result.packs_repacked, 1, JSON.stringify(result));
    assert.equal(result.packs_written, 1);
    assert.ok(!(await packExists(stack, pack!)));
    assert.deepEqual(await listStaged(vault, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV'), [], 'the stale staging area is swept');
    assert.deepEqual(await restoreInto(stack, second.backup_id, bucket, 'restored-d/'), await describePrefix(bucket, 'd/'));
    assert.deepEqual((await checkVault(await stack.deps.vault(), { readData: true })).issues, []);
  });

  test('the default grace period keeps young unreferenced packs', async () => {
    const bucket = await sourceBucket();
    const stack = await LocalStack.create();
    await putRandom(bucket, ['e/one']);
    const job = await createJob(stack, bucket, 'e/', { keep_last: 1 });
    const first = await backup(stack, job);
    const packs = await packsOf(stack, first);
    await putRandom(bucket, ['e/one']);
    await backup(stack, job);
    const run = await stack.runner.run('prune', {});
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.ok((await stack.catalog.getBackup(first.backup_id)).deleted_at, 'forgotten at once');
    for (const id of packs.keys()) assert.ok(await packExists(stack, id), 'but its young packs stay');
  });
});

describe('prune: recovering from a prune that stopped midway', () => {
  test('a pack a snapshot uses but no index object lists (its index was replaced, the rescue never ran) is listed again, not deleted', async () => {
    const bucket = await sourceBucket();
    const stack = await LocalStack.create();
    await putRandom(bucket, ['f/one']);
    const job = await createJob(stack, bucket, 'f/', { keep_last: 1 });
    const record = await backup(stack, job);
    const packs = await packsOf(stack, record);
    const vault = await stack.deps.vault();
    for (const id of await vault.listIndexIds()) await vault.store.delete(`index/${id}`);

    const run = await stack.runner.run('prune', { grace_seconds: 0 });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.equal((run.output as { prune: { packs_rescued: number } }).prune.packs_rescued, packs.size);
    for (const id of packs.keys()) assert.ok(await packExists(stack, id));
    assert.deepEqual(await restoreInto(stack, record.backup_id, bucket, 'restored-f/'), await describePrefix(bucket, 'f/'));
    assert.deepEqual((await checkVault(vault, {})).issues, []);
  });
});

describe('prune: failures', () => {
  test('a prune step that keeps failing ends the run FAILED with Prune Failed recorded once, after its retries', async () => {
    const stack = await LocalStack.create({
      wrapStep: (fn: string, step: Step): Step =>
        fn === 'haven-prune'
          ? (async () => {
              throw new StorageUnavailableError('injected: the vault bucket is unreachable');
            }) as Step
          : step,
    });
    const run = await stack.runner.run('prune', { grace_seconds: 0 }, 'prune-fails');
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error, 'PruneFailed');
    assert.ok(run.history.filter((e) => e.type === 'StateRetried' && e.state === 'Prune').length >= 1, 'the transient error was retried first');
    assert.equal(run.history.filter((e) => e.type === 'TaskInvoked' && e.state === 'Mark failed').length, 1);
    const failures = stack.events.filter((e) => e.detailType === PRUNE_FAILED);
    assert.equal(failures.length, 1, 'published once');
    assert.deepEqual(failures[0]!.detail, { execution: 'prune-fails', error_code: 'StorageUnavailable', error_message: 'injected: the vault bucket is unreachable' });
    assert.equal(failures[0]!.severity, 'failure');
    assert.ok(!stack.events.some((e) => e.detailType === 'Prune Completed'));
  });

  test('bad settings fail List jobs: the run ends FAILED with InvalidConfiguration and the reason, nothing forgotten', async () => {
    const stack = await LocalStack.create();
    const run = await stack.runner.run('prune', { grace_seconds: -1 }, 'prune-bad-settings');
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error, 'PruneFailed');
    assert.ok(!run.history.some((e) => e.type === 'TaskInvoked' && e.state === 'Apply job retention'));
    const failure = stack.events.find((e) => e.detailType === PRUNE_FAILED)!;
    assert.equal(failure.detail.error_code, 'InvalidConfiguration');
    assert.match(String(failure.detail.error_message), /grace_seconds must be a whole number >= 0/);
  });
});
