/** Shared setup of the retention and prune workflow tests: small S3 sources, backups, synthetic vault contents, vault byte counts. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import type { ExecutionRecord, RetentionPolicy } from '../../control/catalog/types.js';
import { PackBuilder, packKey } from '../../vault/pack/pack-builder.js';
import { sealBlob } from '../../vault/pack/blob.js';
import { chunkId } from '../../vault/crypto/hash.js';
import { Compression } from '../../vault/compression/codec.js';
import { SNAPSHOT_FORMAT_VERSION } from '../../vault/format/version.js';
import type { PackEntry } from '../../vault/index/types.js';
import type { Vault } from '../../vault/repository/vault.js';
import { makeStats } from '../../vault/snapshot/snapshot.js';
import { mapLimit } from '../../vault/util/concurrency.js';
import type { LocalCloud } from '../../local/cloud/cloud.js';
import { describePrefix } from '../../local/compare/s3-prefix.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';

/** A source bucket (created before the cloud that grants it starts). */
export async function sourceBucket(): Promise<string> {
  const bucket = uniqueName('prune-src');
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Writes random objects (distinct content: no chunk is shared with anything else). */
export async function putRandom(bucket: string, keys: readonly string[], size = 300 * 1024): Promise<void> {
  for (const key of keys) await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(size) }));
}

/** Removes an object from the source. */
export async function removeObject(bucket: string, key: string): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Creates a job backing up `prefix` of `bucket`. */
export async function createJob(cloud: LocalCloud, bucket: string, prefix: string, retention: RetentionPolicy, backupType: 'full' | 'incremental' = 'incremental'): Promise<string> {
  const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix }, { retention, backup_type: backupType }));
  return job.job_id;
}

/** Runs a backup to completion and returns its record. */
export async function backup(cloud: LocalCloud, jobId: string): Promise<ExecutionRecord> {
  const run = await cloud.workflows.run('backup', { job_id: jobId });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  return newestBackup(cloud, jobId);
}

/** The job's newest execution record. */
export async function newestBackup(cloud: LocalCloud, jobId: string): Promise<ExecutionRecord> {
  return (await cloud.catalog.listExecutions({ job_id: jobId, limit: 1 })).items[0]!;
}

/** Sum of the sizes of the vault's pack objects, and their ids. */
export async function packBytes(cloud: LocalCloud): Promise<{ bytes: number; ids: Set<string> }> {
  const vault = await cloud.deps.vault();
  let bytes = 0;
  const ids = new Set<string>();
  for await (const info of vault.store.list('data/')) {
    bytes += info.size;
    ids.add(info.key.split('/')[2]!);
  }
  return { bytes, ids };
}

/** The packs a backup's own index objects list, with their sizes. */
export async function packsOf(cloud: LocalCloud, record: ExecutionRecord): Promise<Map<string, number>> {
  const vault = await cloud.deps.vault();
  const snapshot = await vault.readSnapshot(record.result!.snapshot_id);
  const out = new Map<string, number>();
  for (const id of snapshot.index_ids) for (const pack of await vault.readIndex(id)) out.set(pack.id, pack.size);
  return out;
}

/** True when the pack object exists. */
export async function packExists(cloud: LocalCloud, id: string): Promise<boolean> {
  return (await (await cloud.deps.vault()).store.head(packKey(id))) !== undefined;
}

/** Restores a backup into `prefix` of `bucket` and returns what landed there. */
export async function restoreInto(cloud: LocalCloud, backupId: string, bucket: string, prefix: string): Promise<Map<string, string>> {
  const restore = await cloud.catalog.restores.create({ restore_name: 'prune test', backup_id: backupId, destination: { type: 's3', bucket, prefix }, created_by: 'test' });
  const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  return describePrefix(bucket, prefix);
}

/** What {@link writeSyntheticBackups} wrote: per snapshot, its id and its packs (id → size), and the index objects. */
export interface SyntheticVault {
  snapshots: Array<{ id: string; packs: Map<string, number> }>;
  indexIds: string[];
}

/**
 * Writes `snapshots` synthetic backups straight into the vault with its own
 * writers (no source, no workflow): each has `packsEach` packs of
 * `blobsPerPack` distinct small blobs (real sealed blobs, so the checker
 * can read them), an index object per `packsPerIndex` packs, and a snapshot
 * listing every blob. Nothing is shared between snapshots.
 */
export async function writeSyntheticBackups(vault: Vault, shape: { snapshots: number; packsEach: number; blobsPerPack: number; packsPerIndex: number }): Promise<SyntheticVault> {
  const out: SyntheticVault = { snapshots: [], indexIds: [] };
  const key = vault.keyring.current;
  for (let s = 0; s < shape.snapshots; s += 1) {
    const entries: PackEntry[] = [];
    const blobs: string[] = [];
    const packs = Array.from({ length: shape.packsEach }, () => {
      // A random 8-byte prefix per pack and the blob's number: distinct plaintexts without a random draw per blob.
      const prefix = randomBytes(8);
      const builder = new PackBuilder();
      for (let b = 0; b < shape.blobsPerPack; b += 1) {
        const plaintext = Buffer.alloc(12);
        prefix.copy(plaintext);
        plaintext.writeUInt32BE(b, 8);
        const id = chunkId(vault.keyring.secrets.macKey, plaintext);
        const hex = id.toString('hex');
        builder.add(hex, Compression.None, plaintext.length, sealBlob(key, id, Compression.None, plaintext));
        blobs.push(hex);
      }
      return builder;
    });
    // The uploads overlap (the emulator answers requests in parallel); the order of the entries stays the packs' order.
    entries.push(
      ...(await mapLimit(packs, 8, async (builder) => {
        const finished = await builder.finish(key);
        await vault.store.put(packKey(finished.entry.id), finished.bytes);
        return finished.entry;
      })),
    );
    const indexIds: string[] = [];
    const groups = Array.from({ length: Math.ceil(entries.length / shape.packsPerIndex) }, (_, g) => entries.slice(g * shape.packsPerIndex, (g + 1) * shape.packsPerIndex));
    indexIds.push(...(await mapLimit(groups, 8, (group) => vault.writeIndex(group))));
    out.indexIds.push(...indexIds);
    const listId = await vault.writeBlobList([blobs]);
    const id = await vault.writeSnapshot({
      format_version: SNAPSHOT_FORMAT_VERSION,
      backup_id: `synthetic-${s}`,
      job_id: 'synthetic',
      source: { type: 'synthetic' },
      created_at: new Date().toISOString(),
      type: 'full',
      parent: null,
      partitions: [{ name: 'data', blob_list: { id: listId, part: 0, count: blobs.length }, size: blobs.length * 12, sha256: '0'.repeat(64), records: 0 }],
      stats: makeStats({ bytes_read: 0, bytes_new: 0, bytes_stored: 0, blobs_total: blobs.length, blobs_new: blobs.length, packs_written: entries.length }),
      index_ids: indexIds,
    });
    out.snapshots.push({ id, packs: new Map(entries.map((e) => [e.id, e.size])) });
  }
  return out;
}

/** Every blob entry the vault's index objects list, as `pack/blob` strings, sorted, unique. */
export async function indexedEntries(vault: Vault): Promise<string[]> {
  const entries = new Set<string>();
  for (const id of await vault.listIndexIds()) for (const pack of await vault.readIndex(id)) for (const blob of pack.blobs) entries.add(`${pack.id}/${blob.id}`);
  return [...entries].sort();
}
