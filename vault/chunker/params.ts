/**
 * Chunk-size parameters of the FastCDC chunker, their validation, and the
 * two normalized-chunking masks derived from the average size.
 */
import { InvalidChunkerParamsError } from './errors.js';

/** Target chunk sizes in bytes. Only `avg` must be a power of two. */
export interface ChunkerParams {
  /** Smallest chunk cut on content (the last chunk of a stream may be smaller). */
  readonly min: number;
  /** Target average; a power of two, it sets the masks. */
  readonly avg: number;
  /** Largest chunk; a chunk is cut here when no content boundary was found. */
  readonly max: number;
}

/** Haven's default chunk sizes: min 64 KiB, avg 256 KiB, max 1 MiB. */
export const DEFAULT_CHUNKER_PARAMS: ChunkerParams = Object.freeze({
  min: 64 * 1024,
  avg: 256 * 1024,
  max: 1024 * 1024,
});

/** Sane bounds the parameters are checked against. */
export const CHUNKER_PARAM_BOUNDS = Object.freeze({
  /** Smallest allowed `min`. */
  minMin: 64,
  /** Smallest allowed `avg` (2^8). */
  minAvg: 256,
  /** Largest allowed `avg` (2^26); keeps mask_s within the 32-bit hash. */
  maxAvg: 64 * 1024 * 1024,
  /** Largest allowed `max` (the chunker buffers up to `max` bytes). */
  maxMax: 256 * 1024 * 1024,
});

/** Normalized-chunking level: mask_s has log2(avg)+level bits, mask_l log2(avg)-level bits. */
export const NORMALIZATION_LEVEL = 2;

/** The two cut masks of normalized chunking, as unsigned 32-bit values. */
export interface ChunkerMasks {
  /** Harder mask (more bits), used while the chunk is shorter than `avg`. */
  readonly maskS: number;
  /** Easier mask (fewer bits), used from `avg` up to `max`. */
  readonly maskL: number;
}

/**
 * Checks chunk-size parameters: integers, `avg` a power of two within
 * [256 B, 64 MiB], 64 <= min < avg < max <= 256 MiB.
 *
 * @throws InvalidChunkerParamsError naming the offending parameter.
 */
export function validateChunkerParams(params: ChunkerParams): ChunkerParams {
  const { min, avg, max } = params;
  const b = CHUNKER_PARAM_BOUNDS;
  for (const [name, value] of [['min', min], ['avg', avg], ['max', max]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new InvalidChunkerParamsError(`chunker ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if ((avg & (avg - 1)) !== 0 || avg < b.minAvg || avg > b.maxAvg) {
    throw new InvalidChunkerParamsError(`chunker avg must be a power of two in [${b.minAvg}, ${b.maxAvg}], got ${avg}`);
  }
  if (min < b.minMin || min >= avg) {
    throw new InvalidChunkerParamsError(`chunker min must be in [${b.minMin}, avg), got ${min} (avg ${avg})`);
  }
  if (max <= avg || max > b.maxMax) {
    throw new InvalidChunkerParamsError(`chunker max must be in (avg, ${b.maxMax}], got ${max} (avg ${avg})`);
  }
  return params;
}

/**
 * The cut masks for a (validated) average size. With the left-shifting gear
 * hash, bit k of the 32-bit hash depends only on the last k+1 bytes, so the
 * masks take the HIGHEST bits (contiguous, ending at bit 31): every mask bit
 * then depends on at least 32 - bits + 1 bytes, and no other placement of
 * that many bits within 32 has a longer shortest window.
 *
 *     maskS = top (log2(avg) + 2) bits = (0xFFFFFFFF << (32 - (log2(avg) + 2))) mod 2^32
 *     maskL = top (log2(avg) - 2) bits = (0xFFFFFFFF << (32 - (log2(avg) - 2))) mod 2^32
 *
 * For avg = 256 KiB (2^18): maskS = 0xFFFFF000 (20 bits), maskL = 0xFFFF0000 (16 bits).
 * For avg = 512 KiB (2^19): maskS = 0xFFFFF800 (21 bits), maskL = 0xFFFF8000 (17 bits).
 */
export function chunkerMasks(avg: number): ChunkerMasks {
  const bits = Math.log2(avg);
  const top = (n: number): number => (0xffffffff << (32 - n)) >>> 0;
  return { maskS: top(bits + NORMALIZATION_LEVEL), maskL: top(bits - NORMALIZATION_LEVEL) };
}
