/**
 * Compression algorithms, their on-disk identifiers, and the per-vault
 * compression config with its validation.
 */
import { InvalidCompressionConfigError } from './errors.js';

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

/** Algorithm names accepted in a compression config. */
export type CompressionAlgorithm = 'zstd' | 'gzip' | 'none';

/** How a vault compresses its chunks. */
export interface CompressionConfig {
  readonly algorithm: CompressionAlgorithm;
  /** zstd 1..19 (default 3), gzip 1..9 (default 6); ignored for `none`. */
  readonly level?: number;
}

/** A validated config with its level filled in (0 for `none`). */
export interface ResolvedCompressionConfig {
  readonly algorithm: CompressionAlgorithm;
  readonly level: number;
}

/** Level defaults and ranges per algorithm. */
export const COMPRESSION_LEVELS = Object.freeze({
  zstd: Object.freeze({ default: 3, min: 1, max: 19 }),
  gzip: Object.freeze({ default: 6, min: 1, max: 9 }),
});

/** The format byte of each algorithm name. */
export const COMPRESSION_BY_NAME: Readonly<Record<CompressionAlgorithm, Compression>> = Object.freeze({
  none: Compression.None,
  zstd: Compression.Zstd,
  gzip: Compression.Gzip,
});

/**
 * Validates a compression config and fills in the default level.
 *
 * @throws InvalidCompressionConfigError on an unknown algorithm or a level
 *   that is not an integer within the algorithm's range (a level given with
 *   `none` is ignored).
 */
export function resolveCompressionConfig(config: CompressionConfig): ResolvedCompressionConfig {
  const { algorithm, level } = config;
  if (algorithm === 'none') {
    return { algorithm, level: 0 };
  }
  if (algorithm !== 'zstd' && algorithm !== 'gzip') {
    throw new InvalidCompressionConfigError(`unknown compression algorithm ${JSON.stringify(algorithm)}`);
  }
  const range = COMPRESSION_LEVELS[algorithm];
  const resolved = level ?? range.default;
  if (!Number.isInteger(resolved) || resolved < range.min || resolved > range.max) {
    throw new InvalidCompressionConfigError(`${algorithm} level must be an integer in ${range.min}..${range.max}, got ${String(level)}`);
  }
  return { algorithm, level: resolved };
}
