/**
 * The `quick` check of one pack, without reading its bytes: it exists, has
 * the size the index records, and (on S3) was never overwritten. Packs are
 * immutable (FORMAT.md §1), so on a versioned vault bucket a pack with more
 * than one version was rewritten after it was indexed: its content can no
 * longer be trusted to match its name, which is how a flipped byte shows up
 * without a download.
 */
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { IssueKind, type IssueKind as IssueKindType } from '../../vault/checker/checker.js';
import { packKey } from '../../vault/pack/pack-builder.js';
import { mapS3Error } from '../../vault/storage/s3-errors.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';
import type { ObjectStore } from '../../vault/storage/object-store.js';

/** Additional kind: a pack object that was overwritten after it was written. */
export const PACK_REWRITTEN = 'pack_rewritten' as const;

/** A problem with one pack. */
export interface PackProblem {
  pack: string;
  kind: IssueKindType | typeof PACK_REWRITTEN;
  message: string;
}

interface StoredPack {
  /** Size of the current version; undefined when there is none (missing, or deleted). */
  size: number | undefined;
  /** Versions (not delete markers) of the key. */
  versions: number;
}

async function storedPack(store: ObjectStore, key: string): Promise<StoredPack> {
  if (!(store instanceof S3ObjectStore)) {
    const info = await store.head(key);
    return { size: info?.size, versions: info ? 1 : 0 };
  }
  const full = store.prefix + key;
  let out;
  try {
    out = await s3Client().send(new ListObjectVersionsCommand({ Bucket: store.bucket, Prefix: full, MaxKeys: 100 }));
  } catch (error) {
    throw mapS3Error(error, { bucket: store.bucket, key: full, relativeKey: key, operation: 'ListObjectVersions' });
  }
  const versions = (out.Versions ?? []).filter((v) => v.Key === full);
  const latest = versions.find((v) => v.IsLatest);
  const deleted = (out.DeleteMarkers ?? []).some((m) => m.Key === full && m.IsLatest);
  return { size: deleted || !latest ? undefined : (latest.Size ?? 0), versions: versions.length };
}

/**
 * Checks one pack without reading it.
 *
 * @param store - the vault's store
 * @param pack - the pack id and the size its index records
 * @returns the problem, or undefined when the pack looks intact
 */
export async function inspectPack(store: ObjectStore, pack: { id: string; size: number }): Promise<PackProblem | undefined> {
  const stored = await storedPack(store, packKey(pack.id));
  if (stored.size === undefined) return { pack: pack.id, kind: IssueKind.PackMissing, message: `pack ${pack.id} is missing` };
  if (stored.size !== pack.size) return { pack: pack.id, kind: IssueKind.PackSize, message: `pack ${pack.id} has ${stored.size} bytes, the index says ${pack.size}` };
  if (stored.versions > 1) return { pack: pack.id, kind: PACK_REWRITTEN, message: `pack ${pack.id} was overwritten after it was written (${stored.versions} versions); packs are immutable` };
  return undefined;
}
