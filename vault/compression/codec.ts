/**
 * The compression algorithms' on-disk identifiers (what a compression
 * setting may be, and its levels, is settings.ts).
 */
import type { CompressionAlgorithm } from './settings.js';

/**
 * Algorithm identifiers as stored in the vault format (one byte per blob).
 * Never renumber: `None` 0, `Zstd` 1, `Gzip` 2.
 */
export const Compression = {
  None: 0,
  Zstd: 1,
  Gzip: 2,
} as const;
/** One of the {@link Compression} byte values. */
export type Compression = (typeof Compression)[keyof typeof Compression];

/** The format byte of each algorithm name. */
export const COMPRESSION_BY_NAME: Readonly<Record<CompressionAlgorithm, Compression>> = Object.freeze({
  none: Compression.None,
  zstd: Compression.Zstd,
  gzip: Compression.Gzip,
});
