/** The vault format's version: recorded in the vault's `config` and in every snapshot (docs/FORMAT.md). */

/** The format version this engine writes and reads. */
export const FORMAT_VERSION = 1;
