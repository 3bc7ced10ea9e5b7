/** The vault format's versions: recorded in the vault's `config` and in every snapshot (docs/FORMAT.md §14). */

/** The vault (config) format version this engine writes and reads. */
export const FORMAT_VERSION = 1;

/**
 * The snapshot format version this engine writes: 3, whose partition
 * records carry their end-to-end digest under the algorithm's name
 * (`xxh3_128`, FORMAT.md §12.1). Version 2 partitions reference blob-list
 * objects (FORMAT.md §9.2) and record `sha256`; version 1 partitions hold
 * their blob ids inline.
 */
export const SNAPSHOT_FORMAT_VERSION = 3;

/** The first snapshot format version whose partition records may carry a digest other than `sha256`. */
export const DIGEST_CHOICE_SNAPSHOT_VERSION = 3;

/** Snapshot format versions this engine reads. */
export const READABLE_SNAPSHOT_VERSIONS: readonly number[] = [1, 2, SNAPSHOT_FORMAT_VERSION];
