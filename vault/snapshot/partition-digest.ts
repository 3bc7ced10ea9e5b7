/**
 * The partition's end-to-end digest (FORMAT.md §12.1): a hash of the
 * partition's whole plaintext stream, computed by the writer from the
 * stream it read and by every reader from the stream it emits. It guards
 * against the writer's own mistakes (a wrong chunk sealed under an id,
 * blobs listed in the wrong order), not against an attacker, whom the
 * AES-GCM tag of each blob stops. Writers record XXH3-128 (field
 * `xxh3_128`); partition records of snapshot format 1 and 2 carry SHA-256
 * (field `sha256`), which readers still verify.
 */
import { createHash } from 'node:crypto';
import { createXXHash128 } from 'hash-wasm';
import { VaultFormatError } from '../format/errors.js';

/** The digest fields a partition record may carry, each named after its algorithm, with its hex length. */
export const PartitionDigestAlgorithm = {
  /** XXH3-128, seed 0, canonical (big-endian) form: what this engine writes. */
  Xxh3_128: 'xxh3_128',
  /** SHA-256: what snapshot formats 1 and 2 recorded. */
  Sha256: 'sha256',
} as const;
export type PartitionDigestAlgorithm = (typeof PartitionDigestAlgorithm)[keyof typeof PartitionDigestAlgorithm];

/** The algorithm a writer records. */
export const WRITTEN_PARTITION_DIGEST: PartitionDigestAlgorithm = PartitionDigestAlgorithm.Xxh3_128;

/** Hex digits of each algorithm's digest. */
export const PARTITION_DIGEST_HEX_LENGTH: Readonly<Record<PartitionDigestAlgorithm, number>> = { xxh3_128: 32, sha256: 64 };

/** Printed names, for messages. */
const LABELS: Readonly<Record<PartitionDigestAlgorithm, string>> = { xxh3_128: 'XXH3-128', sha256: 'SHA-256' };

/** The digest fields of a partition record (one is set). */
export type PartitionDigestFields = Partial<Record<PartitionDigestAlgorithm, string>>;

/** A running partition digest. */
export interface PartitionDigest {
  readonly algorithm: PartitionDigestAlgorithm;
  /** Adds the next bytes of the stream. */
  update(bytes: Uint8Array): void;
  /** The digest as lowercase hex; the digest cannot be updated afterwards. */
  hex(): string;
}

/** Starts a digest of `algorithm`. */
export async function startPartitionDigest(algorithm: PartitionDigestAlgorithm = WRITTEN_PARTITION_DIGEST): Promise<PartitionDigest> {
  if (algorithm === PartitionDigestAlgorithm.Sha256) {
    const hash = createHash('sha256');
    return { algorithm, update: (bytes) => void hash.update(bytes), hex: () => hash.digest('hex') };
  }
  const hash = await createXXHash128();
  hash.init();
  return { algorithm, update: (bytes) => void hash.update(bytes), hex: () => hash.digest('hex') };
}

/** The one digest a partition record carries: its algorithm and value. */
export function recordedDigest(record: PartitionDigestFields, partitionName: string): { algorithm: PartitionDigestAlgorithm; hex: string } {
  const present = digestsIn(record);
  const [algorithm] = present;
  if (present.length !== 1 || algorithm === undefined) {
    throw new VaultFormatError(`partition ${partitionName} records ${present.length} digests (${present.join(', ') || 'none'}); a partition record carries exactly one`);
  }
  return { algorithm, hex: record[algorithm]! };
}

/** Whether a record carries exactly one digest, well formed (lowercase hex of its algorithm's length). */
export function hasOneWellFormedDigest(record: PartitionDigestFields): boolean {
  const [algorithm, ...more] = digestsIn(record);
  if (algorithm === undefined || more.length > 0) return false;
  const value: unknown = record[algorithm];
  return typeof value === 'string' && value.length === PARTITION_DIGEST_HEX_LENGTH[algorithm] && /^[0-9a-f]*$/.test(value);
}

function digestsIn(record: PartitionDigestFields): PartitionDigestAlgorithm[] {
  return Object.values(PartitionDigestAlgorithm).filter((algorithm) => record[algorithm] !== undefined);
}

/** The record's fields for a finished digest: `{ xxh3_128: hex }` or `{ sha256: hex }`. */
export function digestFields(digest: PartitionDigest): PartitionDigestFields {
  return { [digest.algorithm]: digest.hex() };
}

/** "XXH3-128 <hex>", for messages. */
export function describeDigest(algorithm: PartitionDigestAlgorithm, hex: string): string {
  return `${LABELS[algorithm]} ${hex}`;
}
