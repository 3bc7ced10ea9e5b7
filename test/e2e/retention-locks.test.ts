/**
 * Forget, deleteBackup and S3 Object Lock on the local cloud, its vault
 * bucket deployed with Object Lock (GOVERNANCE) as the context turns it on.
 * Moto supports Object Lock buckets, PutObjectRetention and the retention
 * headers of HeadObject (it has no GetObjectRetention), which is what the
 * engine uses.
 */
import assert from 'node:assert/strict';
import { PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { NotFoundError } from '../../control/catalog/errors.js';
import { RecordStatus } from '../../control/catalog/status.js';
import { s3Client } from '../../vault/aws/clients.js';
import { ErrorCode } from '../../vault/errors.js';
import { packKey } from '../../vault/pack/pack-builder.js';
import { deleteBackup } from '../../control/retention/delete-backup.js';
import { BackupInProgressError, BackupLockedError } from '../../control/retention/errors.js';
import { planRetention } from '../../control/retention/forget.js';
import { parseStoreUri } from '../../vault/storage/open-store.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { workflowDeps } from '../../functions/shared/deps.js';
import { readSettings } from '../../functions/shared/env.js';
import { HavenContextKey } from '../../infra/config.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { backup, createJob, packExists, packsOf, putRandom, sourceBucket } from './prune-support.js';
import { blobListKey } from '../../vault/format/layout.js';
import { blobListIds } from '../../vault/repository/partition-blobs.js';

const DAY = 86_400_000;
/** How long a lapsing lock still holds (PutObjectRetention takes a date in the future). */
const LAPSE_MS = 1500;

describe('retention with S3 Object Lock (governance)', () => {
  let cloud: LocalCloud;
  /** The dependencies the deployed API function (which deletes backups) builds from its settings, with the harness's credentials. */
  let deps: WorkflowDeps;
  let bucket: string;
  beforeAll(async () => {
    bucket = await sourceBucket();
    cloud = await LocalCloud.start({ sourceBuckets: [bucket], context: { [HavenContextKey.ObjectLockMode]: 'GOVERNANCE', [HavenContextKey.ObjectLockDays]: 1 } });
    deps = workflowDeps({ ...readSettings(cloud.fn('ApiFunction/Function').environment), events: 'off' });
    assert.ok(deps.objectLock(), 'the deployment tells its functions the vault has Object Lock');
  });
  afterAll(() => cloud.close());

  /**
   * Ends a vault object's lock now, as an administrator may in governance mode (`s3:BypassGovernanceRetention`): its
   * retention is cut to {@link LAPSE_MS} from now; {@link waitForLapse} waits it out. Stands for the bucket's default
   * retention (a day at least) running out, which a test cannot wait for.
   */
  async function lapseLock(key: string): Promise<void> {
    const vault = parseStoreUri(cloud.vaultUri) as { bucket: string; prefix: string };
    await s3Client().send(
      new PutObjectRetentionCommand({ Bucket: vault.bucket, Key: [vault.prefix, key].filter(Boolean).join('/'), BypassGovernanceRetention: true, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.now() + LAPSE_MS) } }),
    );
  }
  const waitForLapse = () => new Promise((resolve) => setTimeout(resolve, LAPSE_MS + 500));

  test('kept backups are locked to cover the policy and cannot be deleted; a backup is forgotten, and its packs freed, only once its lock ends', async () => {
    // Prepare
    const locker = deps.objectLock()!;
    await putRandom(bucket, ['lock/a']);
    const job = await createJob(cloud, bucket, 'lock/', { keep_last: 1, daily: 3 });
    const first = await backup(cloud, job);
    const firstPacks = await packsOf(cloud, first);
    await putRandom(bucket, ['lock/a']);
    const second = await backup(cloud, job);
    const dry = await planRetention(deps, job);
    assert.deepEqual(dry.forget.map((f) => f.backup_id), [first.backup_id]);
    assert.deepEqual(dry.keep.map((k) => k.backup_id), [second.backup_id]);
    assert.equal(dry.keep[0]!.keep_until, new Date(Date.parse(second.started_at) + 3 * DAY).toISOString());
    const events = cloud.events.length;

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess: the kept backup is locked as long as the policy keeps it
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const kept = await cloud.catalog.getBackup(second.backup_id);
    assert.equal(kept.retention_until, dry.keep[0]!.keep_until);
    const snapshotLock = await locker.retention(`snapshots/${second.result!.snapshot_id}`);
    assert.equal(snapshotLock?.mode, 'GOVERNANCE');
    assert.equal(snapshotLock?.until.toISOString().slice(0, 19), kept.retention_until!.slice(0, 19));
    for (const id of (await packsOf(cloud, second)).keys()) {
      const lock = await locker.retention(packKey(id));
      assert.ok(lock && lock.until.getTime() >= Date.parse(kept.retention_until!) - 1000, `pack ${id} locked as long as its backup`);
    }
    const keptLists = blobListIds(await (await cloud.deps.vault()).readSnapshot(second.result!.snapshot_id));
    assert.ok(keptLists.length > 0);
    for (const id of keptLists) {
      const lock = await locker.retention(blobListKey(id));
      assert.ok(lock && lock.until.getTime() >= Date.parse(kept.retention_until!) - 1000, `blob list ${id} locked as long as its backup`);
    }
    await assert.rejects(deleteBackup(deps, second.backup_id), (error: unknown) => error instanceof BackupLockedError && error.code === ErrorCode.Conflict);
    // Deployed, the bucket's default retention (haven:objectLockDays) locks every new object: the backup to forget is
    // skipped while its snapshot is locked, and its packs stay.
    assert.equal((await cloud.catalog.getBackup(first.backup_id)).deleted_at ?? null, null, 'not forgotten while locked');
    const applied = cloud.events.slice(events).find((e) => e.detailType === 'Retention Applied' && e.detail.job_id === job);
    assert.deepEqual([applied?.detail.forgotten, applied?.detail.skipped], [0, 1]);
    for (const id of firstPacks.keys()) assert.ok(await packExists(cloud, id), 'its packs stay');

    // Act: the default retention of the first backup's objects ends
    await lapseLock(`snapshots/${first.result!.snapshot_id}`);
    for (const id of firstPacks.keys()) await lapseLock(packKey(id));
    await waitForLapse();
    const again = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(again.status, 'SUCCEEDED', `${again.error}: ${again.cause}`);
    const forgotten = await cloud.catalog.getBackup(first.backup_id);
    assert.ok(forgotten.deleted_at);
    assert.equal(forgotten.deleted_by, 'retention');
    for (const id of firstPacks.keys()) assert.ok(!(await packExists(cloud, id)), "the forgotten backup's packs are freed");
    assert.deepEqual(cloud.denials, []);
  });

  test('a backup deleted through the API once its lock ended: prune skips the pack still locked by hand', async () => {
    // Prepare
    await putRandom(bucket, ['lock4/a']);
    const job = await createJob(cloud, bucket, 'lock4/', {});
    const record = await backup(cloud, job);
    const packs = [...(await packsOf(cloud, record)).keys()];
    await assert.rejects(deleteBackup(deps, record.backup_id), (error: unknown) => error instanceof BackupLockedError && /Object Lock/.test(error.message), "refused under the bucket's default retention");
    await lapseLock(`snapshots/${record.result!.snapshot_id}`);
    for (const id of packs) await lapseLock(packKey(id));
    await waitForLapse();
    const deleted = await deleteBackup(deps, record.backup_id);
    assert.equal(deleted.deleted_by, 'api');
    assert.ok(deleted.deleted_at);
    assert.equal((await deleteBackup(deps, record.backup_id)).deleted_at, deleted.deleted_at, 'deleting again changes nothing');
    await deps.objectLock()!.extend(packKey(packs[0]!), new Date(Date.now() + DAY));

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.ok(await packExists(cloud, packs[0]!), 'a locked pack is skipped');
    for (const id of packs.slice(1)) assert.ok(!(await packExists(cloud, id)), 'the unlocked ones are freed');
    assert.ok((run.output as { prune: { packs_untouchable: number } }).prune.packs_untouchable >= 1);
  });

  test('a snapshot under Object Lock cannot be deleted even when the catalog does not say so', async () => {
    // Prepare
    await putRandom(bucket, ['lock2/a']);
    const job = await createJob(cloud, bucket, 'lock2/', {});
    const record = await backup(cloud, job);
    await deps.objectLock()!.extend(`snapshots/${record.result!.snapshot_id}`, new Date(Date.now() + DAY));

    // Act
    const deletion = deleteBackup(deps, record.backup_id);

    // Assess
    await assert.rejects(deletion, (error: unknown) => error instanceof BackupLockedError && /Object Lock/.test(error.message));
    assert.equal((await cloud.catalog.getBackup(record.backup_id)).deleted_at ?? null, null);
  });

  test('unknown, running and catalog-locked backups', async () => {
    // Act
    const unknown = deleteBackup(deps, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV');

    // Assess
    await assert.rejects(unknown, (error: unknown) => error instanceof NotFoundError && error.code === ErrorCode.NotFound);

    // Act
    const job = await createJob(cloud, bucket, 'lock3/', {});
    const queued = await cloud.catalog.executions.create({ job_id: job, job_name: 'j', backup_type: 'full', trigger: 'manual' });
    const running = deleteBackup(deps, queued.backup_id);

    // Assess
    await assert.rejects(running, (error: unknown) => error instanceof BackupInProgressError && error.code === ErrorCode.Conflict);

    // Act
    await cloud.catalog.executions.transition(queued.execution_id, RecordStatus.Running);
    await cloud.catalog.executions.transition(queued.execution_id, RecordStatus.Completed, { locked: true });
    const locked = deleteBackup(deps, queued.backup_id);

    // Assess
    await assert.rejects(locked, (error: unknown) => error instanceof BackupLockedError && error.reason === 'locked');

    // Act
    await cloud.catalog.executions.annotate(queued.execution_id, { locked: false, retention_until: new Date(Date.now() + DAY).toISOString() });
    const retained = deleteBackup(deps, queued.backup_id);

    // Assess
    await assert.rejects(retained, (error: unknown) => error instanceof BackupLockedError && error.reason === 'retention_until');

    // Act
    await cloud.catalog.executions.annotate(queued.execution_id, { retention_until: new Date(Date.now() - DAY).toISOString() });
    const lapsed = await deleteBackup(deps, queued.backup_id);

    // Assess
    assert.ok(lapsed.deleted_at, 'a past retention date no longer locks');
  });
});
