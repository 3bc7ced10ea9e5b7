/**
 * Snapshots: the encrypted manifest of one backup, and the commit point of
 * the write order (packs, then index, then snapshot). Stored as
 * `snapshots/<SHA-256 of the stored bytes>`, sealed as type Snapshot with a
 * zstd-compressed JSON payload.
 */
import { VaultFormatError } from '../format/errors.js';
import { FORMAT_VERSION } from '../format/version.js';

/** Backup types. */
export const BackupType = {
  Full: 'full',
  Incremental: 'incremental',
  Differential: 'differential',
} as const;
export type BackupType = (typeof BackupType)[keyof typeof BackupType];

/** One partition: an ordered list of blobs whose plaintexts concatenate to the partition's stream. */
export interface PartitionRecord {
  name: string;
  blobs: string[];
  size: number;
  sha256: string;
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
  format_version: typeof FORMAT_VERSION;
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
  if (value.format_version !== FORMAT_VERSION) {
    throw new VaultFormatError(`snapshot ${name} has format version ${String(value.format_version)}; this engine reads ${FORMAT_VERSION}`);
  }
  if (!Array.isArray(value.partitions) || typeof value.backup_id !== 'string' || !Array.isArray(value.index_ids)) {
    throw new VaultFormatError(`snapshot ${name} is missing partitions, backup id or index ids`);
  }
  return value as Snapshot;
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
