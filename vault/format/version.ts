/** The vault format's versions: recorded in the vault's `config` and in every snapshot (docs/FORMAT.md §14). */

/** The vault (config) format version this engine writes and reads. */
export const FORMAT_VERSION = 1;

/**
 * The snapshot format version this engine writes: 2, whose partitions
 * reference blob-list objects (FORMAT.md §9.2) instead of holding their
 * blob ids inline (version 1).
 */
export const SNAPSHOT_FORMAT_VERSION = 2;

/** Snapshot format versions this engine reads. */
export const READABLE_SNAPSHOT_VERSIONS: readonly number[] = [1, SNAPSHOT_FORMAT_VERSION];
