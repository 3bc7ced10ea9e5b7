/**
 * The backup's Verify fans out (issue 15): Plan verify stages the packs the
 * backup wrote in batches, the Verify packs Distributed Map reads them back
 * in several children, and Record verification gathers their staged
 * results. On the local cloud, with a vault of one blob per pack (its pack
 * size set to one byte before the first backup) so that a prefix of 12 MiB
 * of random bytes makes dozens of packs (one per ~256 KiB chunk), hence
 * several pack batches.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PACKS_PER_CHECK_BATCH } from '../../control/workflows/backup/batching.js';
import type { VerifyPacksInput } from '../../control/workflows/backup/verify.js';
import type { CommitOutput } from '../../control/workflows/backup/types.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { s3Client } from '../../vault/aws/clients.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { Vault } from '../../vault/repository/vault.js';
import { openObjectStore } from '../../vault/storage/open-store.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { packKey } from '../../vault/pack/pack-builder.js';

/** Objects of a prefix, and their size: random, so every chunk is new and stored as it is (its own pack). */
const OBJECTS = 48;
const OBJECT_BYTES = 256 * 1024;
const VERIFY_PACKS = 'Backup/VerifyPacks';
const PLAN_VERIFY = 'Backup/PlanVerify';

/** Writes `count` objects of random bytes under `prefix`. */
async function seedObjects(bucket: string, prefix: string, count: number): Promise<void> {
  const client = s3Client();
  for (let i = 0; i < count; i++) await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}object-${i}`, Body: randomBytes(OBJECT_BYTES) }));
}

describe('backup Verify as a Distributed Map', () => {
  let cloud: LocalCloud;
  const bucket = uniqueName('verify-map');
  /** The Items of each Verify packs child, per job. */
  const children = new Map<string, number[][]>();
  /** The job whose first pack is damaged before its Verify, and that damage (its pack id once done). */
  let damagedJob = '';
  let damage: Promise<string> | undefined;

  /** The packs a backup wrote (those its snapshot's own index objects list). */
  async function packsOf(snapshotId: string): Promise<string[]> {
    const vault = await Vault.open(openObjectStore(cloud.vaultUri), new KmsKeyProvider(cloud.kmsKeyArn));
    const snapshot = await vault.readSnapshot(snapshotId);
    const packs: string[] = [];
    for (const index of snapshot.index_ids) for (const pack of await vault.readIndex(index)) packs.push(pack.id);
    return packs;
  }

  /**
   * Flips a byte of the first pack the backup wrote, in place: the damaged
   * bytes become the only version (the original is deleted), so only
   * reading the pack back can tell, not its size or its version count.
   */
  async function damageFirstPack(snapshotId: string): Promise<string> {
    const [pack] = await packsOf(snapshotId);
    const client = s3Client();
    const target = { Bucket: cloud.bucket, Key: `vault/${packKey(pack!)}` };
    const original = await client.send(new GetObjectCommand(target));
    const bytes = Buffer.from(await original.Body!.transformToByteArray());
    bytes[Math.floor(bytes.length / 3)]! ^= 0x01;
    await client.send(new PutObjectCommand({ ...target, Body: bytes }));
    await client.send(new DeleteObjectCommand({ ...target, VersionId: original.VersionId }));
    return pack!;
  }

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceBuckets: [bucket],
      faults: ({ fn, event }) => {
        if (fn.path.endsWith(VERIFY_PACKS)) {
          const input = event as VerifyPacksInput;
          const job = input.BatchInput.context.job_id;
          children.set(job, [...(children.get(job) ?? []), input.Items]);
        }
        const planned = event as { context: { job_id: string }; commit: CommitOutput };
        if (fn.path.endsWith(PLAN_VERIFY) && planned.context.job_id === damagedJob && !damage) {
          // The packs are stored (Commit is done); Plan verify waits until the flip has landed, so no pack is read back before.
          damage = damageFirstPack(planned.commit.snapshot_id);
          return { until: damage };
        }
        return undefined;
      },
    });
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    await seedObjects(bucket, 'clean/', OBJECTS);
    await seedObjects(bucket, 'damaged/', OBJECTS);
    await seedObjects(bucket, 'existence/', 3);
    // One blob per pack: every object of the prefix becomes a pack of its own.
    await Vault.init(openObjectStore(cloud.vaultUri), new KmsKeyProvider(cloud.kmsKeyArn), { chunker: { ...DEFAULT_CHUNKER_PARAMS }, packSize: 1 });
  });
  afterAll(() => cloud?.close());

  test('a backup of more packs than one batch holds is read back by several Map children, every batch once', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'clean/' }, { backup_type: 'full' }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.verification?.status, 'passed');
    assert.equal(record.verification?.checksum_verified, true);
    const packs = await packsOf(record.result!.snapshot_id);
    const expected = Math.ceil(packs.length / PACKS_PER_CHECK_BATCH.data);
    assert.ok(expected >= 2, `${packs.length} packs make one batch: the test needs more`);
    const seen = children.get(job.job_id) ?? [];
    assert.ok(seen.length >= 2, `children: ${JSON.stringify(seen)}`);
    assert.deepEqual(seen.flat().sort((a, b) => a - b), Array.from({ length: expected }, (_, i) => i), 'each pack batch read back by exactly one child');
  });

  test('a pack damaged before Verify fails the backup\'s verification, naming that pack', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'damaged/' }, { backup_type: 'full' }));
    damagedJob = job.job_id;

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    const packId = await damage!;
    assert.equal(execution.status, 'FAILED');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, 'CorruptedBackup', record.error?.message);
    assert.match(record.error?.message ?? '', new RegExp(packId));
    assert.doesNotMatch(record.error?.message ?? '', /overwritten|missing|bytes, the index says/, 'found by reading the pack back, not by its listing');
    assert.ok((children.get(job.job_id) ?? []).length >= 2, 'the damage was found by the Map, not by the existence check');
  });

  test('existence only (checksum verification off) skips the Map: no pack is read back, and the backup records a verification without checksums', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(
      newJob({ type: 's3', bucket, prefix: 'existence/' }, { backup_type: 'full', verification: { enabled: true, checksum_verification: false, integrity_check: true, test_restore: false } }),
    );

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.verification?.status, 'passed');
    assert.equal(record.verification?.checksum_verified, false);
    assert.equal(children.get(job.job_id), undefined, 'no Verify packs child ran');
  });
});
