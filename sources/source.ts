/**
 * The contracts between the backup engine and what it backs up. A
 * `BackupSource` splits itself into partitions and exports each as a byte
 * stream the engine chunks and stores; a `RestoreTarget` reads those streams
 * back into a table or bucket.
 */

/**
 * One partition of a source, as planned: a name unique within the backup and
 * a small JSON spec (it travels through Step Functions state, so it stays
 * tiny, e.g. `{ segment: 3, total: 16 }`).
 */
export interface PartitionPlan {
  name: string;
  spec: Record<string, unknown>;
}

/** Options every source's `plan` understands. */
export interface PlanOptions {
  /** Upper bound on the number of partitions (default 1000). */
  maxPartitions?: number;
  /** Exactly this many partitions, for sources that split by count (DynamoDB scan segments). */
  segments?: number;
}

/** A key range of a source planned in pieces: the keys K with `start_after < K <= last_key` (null: to the end), in the source's order. */
export interface KeyRange {
  start_after: string;
  last_key: string | null;
}

/** One piece of a listing (`BackupSource.planPiece`). */
export interface ListedPiece {
  /** Partition ranges over what the piece listed, with their bytes and keys; contiguous from the piece's start. */
  ranges: Array<KeyRange & { bytes: number; keys: number }>;
  /** What is left of the piece's range, as ranges to list next (empty: listed to its end). */
  rest: KeyRange[];
}

/** What one export of a source costs per record beyond its bytes, and how many exports at once the source serves (`BackupSource.pacing`). */
export interface ExportPacing {
  /** Seconds per record (S3: a GET's latency over the read-ahead). */
  secondsPerRecord: number;
  /** Exports at once the source serves within its request rate. */
  maxConcurrency: number;
}

/** What a source described by listing counted (`BackupSource.describe`'s argument). */
export interface ListedTotals {
  objects: number;
  bytes: number;
}

/** Default upper bound on the partitions of one backup. */
export const DEFAULT_MAX_PARTITIONS = 1000;

/** A record counter a source increments while it exports (the engine reads it after the stream ends). */
export interface RecordCounter {
  records: number;
}

/** Something Haven can back up: a table, a bucket prefix… */
export interface BackupSource {
  /** Non-secret schema and metadata, recorded in the snapshot and handed back to `RestoreTarget.prepare`; `listed`: the totals a listing already counted (`planPiece`), not counted again. */
  describe(listed?: ListedTotals): Promise<Record<string, unknown>>;
  /** Splits the source into partitions that can be exported independently (and in parallel). */
  plan(options?: PlanOptions): Promise<PartitionPlan[]>;
  /**
   * Sources planned by listing (S3): lists one key range until `maxKeys`
   * objects or `deadline` (epoch ms), for a workflow that fans the listing
   * out; `describe(totals)` then describes without listing again.
   */
  planPiece?(range: KeyRange, options: PlanOptions & { maxKeys: number; deadline?: number }): Promise<ListedPiece>;
  /** Sources whose exports cost per record (S3: a GET per object) and whose request rate bounds the exports at once. */
  pacing?(): ExportPacing;
  /** The bytes of one partition, in bounded memory; counts records into `counter` as it goes. */
  export(partition: PartitionPlan, counter: RecordCounter): AsyncIterable<Uint8Array>;
  /**
   * Ends whatever the backup held open at the source (PostgreSQL: the session holding its
   * exported snapshot), once the backup committed or failed; `described` is what `describe` returned.
   */
  release?(described: Record<string, unknown>): Promise<void>;
  /**
   * Sources whose partitions must all read one instant that a process holds
   * open (PostgreSQL: the session that exported its snapshot): opens that
   * instant and returns it held. The backup workflow runs it in its own
   * function, the holder, for as long as the partitions export. With `from`
   * (another holder's `HeldSnapshot.ref`), takes over that instant: the new
   * holder holds the same instant under its own ref, so the other may end.
   */
  holdSnapshot?(from?: Record<string, unknown>): Promise<HeldSnapshot>;
  /**
   * Makes `describe`, `plan` and `export` read the instant another process holds (`HeldSnapshot.ref`) instead of opening their own (or the planned one).
   * @param current - reads the ref current now: a chain of holders hands the instant on under new refs, so a ref
   *   read just before a handoff may be gone by the time it is imported; the source then tries the current one
   */
  importSnapshot?(ref: Record<string, unknown>, current?: CurrentSnapshot): void;
}

/** Reads the ref of the held instant current now (undefined when none is published). */
export type CurrentSnapshot = () => Promise<Record<string, unknown> | undefined>;

/** An instant of a source held open by this process (see `BackupSource.holdSnapshot`). */
export interface HeldSnapshot {
  /** What other processes import it by (small, no secrets; PostgreSQL: the snapshot id and the holder's backend pid). */
  ref: Record<string, unknown>;
  /** Whether the holding session is still open (false once it dropped or was ended). */
  alive(): Promise<boolean>;
  /** Lets the instant go (ends the transaction and the session). */
  close(): Promise<void>;
}

/** What a restore does with records that already exist in the target. */
export const ConflictPolicy = {
  /** Refuse (in `prepare`, before writing anything) when the target holds any record. */
  FailIfExists: 'fail_if_exists',
  /** Replace existing records. */
  Overwrite: 'overwrite',
  /** Leave existing records untouched and count them as skipped. */
  SkipExisting: 'skip_existing',
} as const;
/** One of `ConflictPolicy`'s values. */
export type ConflictPolicy = (typeof ConflictPolicy)[keyof typeof ConflictPolicy];

/** Options of `RestoreTarget.prepare`, run once per restore before any partition is written. */
export interface RestorePrepareOptions {
  conflict_policy: ConflictPolicy;
  /** Create a missing table from the snapshot's description (DynamoDB, PostgreSQL; ignored by S3). */
  create_missing_tables?: boolean;
}

/** Options of `RestoreTarget.finish`, run once after every partition was written. */
export interface RestoreFinishOptions {
  /** Don't recreate primary keys, unique, check and foreign-key constraints (PostgreSQL). */
  skip_constraints?: boolean;
  /** Don't recreate indexes (PostgreSQL). */
  skip_indexes?: boolean;
}

/** Options of `RestoreTarget.restore`, run once per partition (possibly in parallel, possibly in another process). */
export interface RestoreWriteOptions {
  conflict_policy: ConflictPolicy;
  /** Writes in flight at once (a target-specific default when absent). */
  concurrency?: number;
}

/** Records written and records left alone by one `restore` call. */
export interface RestoreResult {
  records: number;
  skipped: number;
}

/** Somewhere Haven can restore a source's partitions into. */
export interface RestoreTarget {
  /**
   * Checks (and if asked, creates) the target for a restore of a source that
   * `described` itself as. Raises `RestoreConflictError` for `fail_if_exists`
   * when the target is not empty, before anything is written.
   */
  prepare(options: RestorePrepareOptions, described: Record<string, unknown>): Promise<void>;
  /** Writes one partition's stream into the target. Keeps no state from `prepare`. */
  restore(stream: AsyncIterable<Uint8Array>, options: RestoreWriteOptions): Promise<RestoreResult>;
  /** Completes the target after every partition was written (PostgreSQL: constraints, indexes, sequence values). */
  finish?(options: RestoreFinishOptions, described: Record<string, unknown>): Promise<void>;
}

/** A partition name: `segment-0003`, `range-0012` (at least four digits, so names sort in order). */
export function partitionName(kind: string, index: number): string {
  return `${kind}-${String(index).padStart(4, '0')}`;
}
