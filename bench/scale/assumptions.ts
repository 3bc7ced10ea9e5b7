/**
 * What the capacity model assumes but does not measure: documented AWS
 * behaviour (with its page) and plain assumptions (marked as such, with the
 * reasoning). The engine's own throughput and index memory are measured on
 * this machine instead (see `measure.ts`). One owner: every figure here is
 * declared once.
 */
import { GET_SECONDS } from '../../sources/s3/source.js';

/** One assumption: its value, unit, and where it comes from. */
export interface Assumption {
  readonly value: number;
  readonly unit: string;
  /** A documentation page, or `assumption: …` with the reasoning. */
  readonly source: string;
}

/** The assumptions. */
export const ASSUMPTIONS = {
  /** Lambda allocates CPU in proportion to memory; the model assumes the engine's speed scales with it. */
  lambdaMbPerVcpu: { value: 1_769, unit: 'MB per vCPU', source: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html (1,769 MB = one vCPU)' },
  /** Latency of one small S3 request (GET of a small object, first byte of a large one, one LIST page). */
  s3RequestSeconds: {
    value: GET_SECONDS,
    unit: 's',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance-design-patterns.html (small-object and first-byte latencies of roughly 100-200 ms; the model takes the low end, as the backup\'s batching does: GET_SECONDS in sources/s3/source.ts)',
  },
  /** Throughput of one S3 GET stream of a large object. */
  s3StreamMBps: { value: 85, unit: 'MB/s', source: 'assumption: about 85-90 MB/s per connection, the per-request figure usually quoted from the S3 performance guidelines' },
  /** Read rate of one DynamoDB parallel-scan segment (1 MB pages one after another). */
  dynamoDbSegmentMBps: { value: 20, unit: 'MB/s', source: 'assumption: a 1 MB Scan page every ~50 ms per segment (not documented by AWS)' },
  /** Read rate of one PostgreSQL COPY stream (one partition). */
  postgresCopyMBps: { value: 40, unit: 'MB/s', source: 'assumption: one COPY TO STDOUT stream of a server-side sequential or index range scan' },
  /** Rate at which PostgreSQL walks a primary-key index (the planner's count(*) and boundary queries). */
  postgresScanMBps: { value: 200, unit: 'MB/s', source: 'assumption: an index-only scan on the database server' },
  /** Bytes per row of a bigint primary-key index (tuple header, key, line pointer). */
  postgresIndexEntryBytes: { value: 32, unit: 'bytes', source: 'assumption: a B-tree leaf entry of a bigint key (https://www.postgresql.org/docs/current/storage-page-layout.html)' },
  /** Cold start plus opening the vault (config, keys) in each invocation. */
  invocationOverheadSeconds: { value: 2, unit: 's', source: 'assumption: Node.js cold start with the bundled handler plus two small S3 reads' },
  /** Memory an export function uses besides its dedup index and pack buffers (runtime, SDK clients, workers). */
  exportBaselineMb: { value: 150, unit: 'MB', source: 'assumption: Node.js runtime, the bundled handler, the blob worker threads' },
  /** Packs an export holds in memory: UPLOADS_IN_FLIGHT (3) uploading plus one filling (vault/backup/backup-session.ts). */
  packsInMemory: { value: 4, unit: 'packs', source: 'vault/backup/backup-session.ts (UPLOADS_IN_FLIGHT = 3, plus the pack being filled)' },
  /** Stored bytes per plaintext byte of new data (1: incompressible, the worst case for storage and PUTs). */
  storedPerNewByte: { value: 1, unit: 'ratio', source: 'assumption: worst case (zstd shrinks DynamoDB JSON several times; random bytes not at all)' },
  /**
   * Dedup set loads per export container: a warm container keeps the set between batches of one backup
   * (`keptBlobIds`, control/workflows/backup/export-partition.ts), so an incremental loads it about once per
   * child running at once. Lambda does not promise reuse: the model also reports the export without it.
   */
  dedupSetLoadsPerContainer: {
    value: 1,
    unit: 'loads per concurrent export child',
    source:
      'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (after an invocation Lambda freezes the execution environment and keeps it for a non-deterministic time; a later invocation of the function may reuse it, module state included; reuse is not guaranteed)',
  },
  /** New chunks an edit makes beyond the edited bytes: the chunk it lands in is rewritten (content-defined chunking keeps the rest). */
  dirtyChunksPerEdit: { value: 1, unit: 'chunks', source: 'assumption: FastCDC resynchronises within a chunk of an edit (vault/chunker/fastcdc.ts)' },
} as const satisfies Record<string, Assumption>;

/** The largest string V8 builds (String::kMaxLength on 64-bit, Node.js 22): a snapshot's JSON must fit. */
export const V8_MAX_STRING_LENGTH = 2 ** 29 - 24;
