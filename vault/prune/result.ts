/** What a prune reports: counts and bytes, the run record's result and `Prune Completed`'s detail. */

/** What a prune did (or, dry, would do). */
export interface PruneResult {
  dry_run: boolean;
  packs_total: number;
  bytes_total: number;
  bytes_unused: number;
  packs_deleted: number;
  bytes_deleted: number;
  packs_repacked: number;
  packs_written: number;
  bytes_written: number;
  indexes_written: number;
  indexes_deleted: number;
  packs_rescued: number;
  packs_untouchable: number;
  staging_swept: number;
  /** Packs whose Object Lock was extended to their backups' retention dates. */
  locks_extended: number;
  /** Blob-list objects (`lists/…`) deleted: no snapshot or running backup references them (FORMAT.md §10.1). */
  lists_deleted: number;
}

/** A result with every count 0. */
export function emptyResult(dryRun: boolean): PruneResult {
  return {
    dry_run: dryRun,
    packs_total: 0,
    bytes_total: 0,
    bytes_unused: 0,
    packs_deleted: 0,
    bytes_deleted: 0,
    packs_repacked: 0,
    packs_written: 0,
    bytes_written: 0,
    indexes_written: 0,
    indexes_deleted: 0,
    packs_rescued: 0,
    packs_untouchable: 0,
    staging_swept: 0,
    locks_extended: 0,
    lists_deleted: 0,
  };
}
