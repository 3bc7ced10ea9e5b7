/**
 * Prune at scale on the local cloud: a vault with hundreds of thousands of
 * index entries (synthetic: small sealed blobs in many packs, written with
 * the vault's own writers, no backups) is pruned by the deployed workflow
 * as several Distributed Map children per phase, frees exactly the packs of
 * the forgotten snapshots, compacts the index objects, and leaves a vault
 * the checker passes reading every blob. A second test runs a backup whose
 * Plan stages between Mark and the sweep (started when Mark runs; Settle,
 * then the backup's Commit, are held through the local cloud's `faults` option until the test lets them go) and keeps
 * every pack its plan may reuse.
 *
 * Each test gets a cloud (a vault) of its own: prune works on the whole vault.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { checkVault } from '../../vault/checker/checker.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { ExecutionStatus } from '../../local/cloud/workflows.js';
import type { FaultInjector } from '../../local/functions/host.js';
import { entriesOf } from './execution-history.js';
import { createJob, indexedEntries, packBytes, packsOf, putRandom, sourceBucket, writeSyntheticBackups } from './prune-support.js';

/** 10 snapshots × 30 packs × 1,000 blobs: 300,000 index entries in 150 index objects. */
const SHAPE = { snapshots: 10, packsEach: 30, blobsPerPack: 1000, packsPerIndex: 2 } as const;
const FORGOTTEN = 3;
/** A gate a test opens once: `until` is the fault that holds an invocation until `open()` is called. */
function gate(): { until: Promise<void>; open: () => void } {
  let open = () => {};
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}

/** Counts invocations per prune function through the function host's fault seam (it injects nothing). */
function invocationCounter(): { faults: FaultInjector; count: (step: string) => number } {
  const calls = new Map<string, number>();
  return {
    faults: ({ fn }) => {
      calls.set(fn.path, (calls.get(fn.path) ?? 0) + 1);
      return undefined;
    },
    count: (step) => [...calls].filter(([path]) => path.endsWith(`Prune/${step}`)).reduce((n, [, c]) => n + c, 0),
  };
}

test('a vault of 300,000 index entries is pruned in several Map children per phase: exactly the forgotten packs go, the index is compacted, the checker passes', { timeout: 600_000 }, async () => {
  // Prepare
  const counter = invocationCounter();
  const cloud = await LocalCloud.start({ faults: counter.faults });
  try {
    const vault = await cloud.deps.vault();
    const written = await writeSyntheticBackups(vault, SHAPE);
    const forgotten = written.snapshots.slice(0, FORGOTTEN);
    for (const snapshot of forgotten) await vault.store.delete(`snapshots/${snapshot.id}`);
    const doomed = new Map(forgotten.flatMap((s) => [...s.packs]));
    const before = await packBytes(cloud);
    const liveBefore = (await indexedEntries(vault)).filter((entry) => !doomed.has(entry.split('/')[0]!));
    const indexesBefore = (await vault.listIndexIds()).length;

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.ok(counter.count('Mark') > 1, `Mark ran ${counter.count('Mark')} children`);
    assert.ok(counter.count('Join') > 1, `Join ran ${counter.count('Join')} children`);
    const after = await packBytes(cloud);
    assert.deepEqual([...before.ids].filter((id) => !after.ids.has(id)).sort(), [...doomed.keys()].sort(), 'exactly the forgotten snapshots\' packs are gone');
    assert.equal(before.bytes - after.bytes, [...doomed.values()].reduce((n, s) => n + s, 0));
    const indexesAfter = (await vault.listIndexIds()).length;
    assert.ok(indexesAfter < indexesBefore / 10, `the index is compacted: ${indexesBefore} → ${indexesAfter} objects`);
    assert.deepEqual(await indexedEntries(vault), liveBefore, 'the same live entries, none of the deleted packs');
    const report = await checkVault(vault, { readData: true });
    assert.deepEqual(report.issues, []);
    assert.deepEqual(report.unreferencedPacks, []);
    assert.deepEqual(cloud.denials, []);
  } finally {
    await cloud.close();
  }
});

test('a backup that stages its plan between Mark and the sweep keeps every pack its plan may reuse', { timeout: 600_000 }, async () => {
  // Prepare: an incremental job whose first snapshot is forgotten; its next backup starts once the prune has marked.
  const bucket = await sourceBucket();
  // Settle waits until the backup started at Mark has staged its plan (its export runs); Commit until the prune has ended.
  const hold = { fired: false, start: () => {} };
  const settle = gate();
  const commit = gate();
  const cloud = await LocalCloud.start({
    sourceBuckets: [bucket],
    restoreBuckets: [bucket],
    faults: ({ fn }) => {
      if (fn.path.endsWith('Prune/Mark') && !hold.fired) {
        hold.fired = true;
        hold.start();
      }
      if (fn.path.endsWith('Prune/Settle')) return { until: settle.until };
      if (fn.path.endsWith('Backup/ExportPartition') && hold.fired) settle.open();
      return fn.path.endsWith('Backup/Commit') && hold.fired ? { until: commit.until } : undefined;
    },
  });
  try {
    await putRandom(bucket, ['g/one']);
    const job = await createJob(cloud, bucket, 'g/', { keep_last: 1 });
    const first = await cloud.workflows.run('backup', { job_id: job });
    assert.equal(first.status, 'SUCCEEDED');
    const firstRecord = (await cloud.catalog.listExecutions({ job_id: job, limit: 1 })).items[0]!;
    const reusable = await packsOf(cloud, firstRecord);
    await putRandom(bucket, ['g/one']);
    assert.equal((await cloud.workflows.run('backup', { job_id: job })).status, 'SUCCEEDED');
    await putRandom(bucket, ['g/two']);
    const started = new Promise<void>((resolve) => (hold.start = resolve)).then(() => cloud.workflows.start('backup', { job_id: job }));

    // Act
    const prune = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(prune.status, 'SUCCEEDED', `${prune.error}: ${prune.cause}`);
    const running = await started;
    const history = await cloud.workflows.history(running).finally(commit.open);
    assert.ok(entriesOf(history, 'Commit snapshot').every((entry) => entry.succeeded === undefined), 'the backup was still uncommitted when the prune ended');
    const planned = entriesOf(history, 'Plan')[0]?.succeeded?.timestamp;
    const rechecked = entriesOf(prune.history, 'Re-check')[0]?.scheduled[0]?.timestamp;
    assert.ok(planned && rechecked && planned < rechecked, `the backup staged its plan (${planned?.toISOString()}) before the prune's Re-check (${rechecked?.toISOString()})`);
    const stored = (await packBytes(cloud)).ids;
    for (const id of reusable.keys()) assert.ok(stored.has(id), `pack ${id} of the forgotten backup, named by the running backup's plan, is kept`);
    const done = await cloud.workflows.wait(running);
    assert.equal(done.status, ExecutionStatus.Succeeded, `${done.error}: ${done.cause}`);
    assert.deepEqual((await checkVault(await cloud.deps.vault(), { readData: true })).issues, []);
  } finally {
    await cloud.close();
  }
});
