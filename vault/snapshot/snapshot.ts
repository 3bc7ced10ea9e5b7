/**
 * Snapshots: the encrypted manifest of one backup, and the commit point of
 * the write order (packs, then index, then blob lists, then snapshot).
 * Stored as `snapshots/<SHA-256 of the stored bytes>`, sealed as type
 * Snapshot with a zstd-compressed JSON payload. Version 2 partitions
 * reference their blob ids in a blob-list object (`blob-list.ts`); version 1
 * partitions hold them inline. Read them through `BlobLists`
 * (`vault/repository/partition-blobs.ts`), never from the record.
 */
import { VaultFormatError } from '../format/errors.js';
import { DIGEST_CHOICE_SNAPSHOT_VERSION, READABLE_SNAPSHOT_VERSIONS } from '../format/version.js';
import { hasOneWellFormedDigest, PartitionDigestAlgorithm } from './partition-digest.js';

/** Backup types. */
export const BackupType = {
  Full: 'full',
  Incremental: 'incremental',
  Differential: 'differential',
} as const;
export type BackupType = (typeof BackupType)[keyof typeof BackupType];

/** Where a partition's ordered blob ids are stored: part `part` of blob-list object `id`, holding `count` ids. */
export interface BlobListRef {
  id: string;
  part: number;
  count: number;
}

/**
 * One partition: an ordered list of blobs whose plaintexts concatenate to
 * the partition's stream, referenced (`blob_list`, version 2) or inline
 * (`blobs`, version 1). Exactly one of the two is set.
 */
export interface PartitionRecord {
  name: string;
  /** Version 1: the ordered blob ids inline. */
  blobs?: string[];
  /** Version 2: where the ordered blob ids are stored. */
  blob_list?: BlobListRef;
  size: number;
  /** XXH3-128 (hex) of the partition's plaintext stream: what this engine writes (FORMAT.md §12.1). */
  xxh3_128?: string;
  /** SHA-256 (hex) of the partition's plaintext stream: what snapshot formats 1 and 2 recorded. Exactly one digest is set. */
  sha256?: string;
  records: number;
  /** Source-specific, non-secret details a restore needs (e.g. a table schema). */
  metadata?: Record<string, unknown>;
}

/** Byte counts of one backup. */
export interface SnapshotStats {
  /** Plaintext bytes read from the source. */
  bytes_read: number;
  /** Plaintext bytes of blobs this backup wrote. */
  bytes_new: number;
  /** Stored (compressed and sealed) bytes of blobs this backup wrote. */
  bytes_stored: number;
  blobs_total: number;
  blobs_new: number;
  packs_written: number;
  /** Fraction of bytes read that were already in the vault (0..1). */
  dedup_ratio: number;
  /** Stored bytes / new plaintext bytes (0.3 = 70% smaller; 1 when nothing new). */
  compression_ratio: number;
}

/** Contents of a snapshot. */
export interface Snapshot {
  /** 1 (inline blob ids), 2 (blob-list objects) or 3 (a partition digest named by its algorithm); this engine writes `SNAPSHOT_FORMAT_VERSION`. */
  format_version: number;
  backup_id: string;
  job_id: string;
  source: Record<string, unknown>;
  created_at: string;
  type: BackupType;
  /** Snapshot id of the backup this one followed, if any. */
  parent: string | null;
  partitions: PartitionRecord[];
  stats: SnapshotStats;
  /** Index objects written by this backup. */
  index_ids: string[];
  /** Set on a copy (FORMAT.md §9.1): the vault and snapshot the backup was first committed in. */
  origin?: SnapshotOrigin;
}

/** Where a copied snapshot's backup was first committed. */
export interface SnapshotOrigin {
  /** Config id of the vault. */
  vault: string;
  /** Snapshot id in that vault. */
  snapshot: string;
}

/** Validates a decrypted snapshot payload. */
export function parseSnapshot(payload: Uint8Array, name: string): Snapshot {
  let value: Partial<Snapshot>;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8')) as Partial<Snapshot>;
  } catch (error) {
    throw new VaultFormatError(`snapshot ${name} payload is not JSON`, { cause: error });
  }
  if (typeof value.format_version !== 'number' || !READABLE_SNAPSHOT_VERSIONS.includes(value.format_version)) {
    throw new VaultFormatError(`snapshot ${name} has format version ${String(value.format_version)}; this engine reads ${READABLE_SNAPSHOT_VERSIONS.join(' and ')}`);
  }
  if (!Array.isArray(value.partitions) || typeof value.backup_id !== 'string' || !Array.isArray(value.index_ids)) {
    throw new VaultFormatError(`snapshot ${name} is missing partitions, backup id or index ids`);
  }
  for (const partition of value.partitions as unknown[]) {
    if (!validPartition(partition, value.format_version)) {
      throw new VaultFormatError(`snapshot ${name} has a partition record without its blob ids or blob-list reference`);
    }
    if (value.format_version >= DIGEST_CHOICE_SNAPSHOT_VERSION && !hasOneWellFormedDigest(partition as PartitionRecord)) {
      throw new VaultFormatError(`snapshot ${name} has a partition record without exactly one well-formed digest (${Object.values(PartitionDigestAlgorithm).join(' or ')})`);
    }
  }
  return value as Snapshot;
}

function validPartition(value: unknown, version: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { name, blobs, blob_list: ref } = value as Partial<PartitionRecord>;
  if (typeof name !== 'string') return false;
  const inline = Array.isArray(blobs);
  const referenced =
    typeof ref === 'object' && ref !== null && typeof ref.id === 'string' && /^[0-9a-f]{64}$/.test(ref.id) && Number.isInteger(ref.part) && Number.isInteger(ref.count);
  // Versions 2 and later take either form (a writer may inline a tiny list); version 1 knows only the inline one.
  return version >= 2 ? inline !== referenced : inline && ref === undefined;
}

/** Stats from byte counts, with the ratios derived. */
export function makeStats(counts: Omit<SnapshotStats, 'dedup_ratio' | 'compression_ratio'>): SnapshotStats {
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    ...counts,
    dedup_ratio: counts.bytes_read === 0 ? 0 : round(1 - counts.bytes_new / counts.bytes_read),
    compression_ratio: counts.bytes_new === 0 ? 1 : round(counts.bytes_stored / counts.bytes_new),
  };
}
