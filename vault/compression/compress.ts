/**
 * Chunk compression and decompression. Both run on the libuv thread pool
 * (async node:zlib), so several chunks can be (de)compressed in parallel
 * with the main thread free for hashing and I/O. Backups and restores
 * normally do this work on blob worker threads with the synchronous zlib
 * calls instead (`pack/blob-workers.ts`); they use the same options
 * (`compressionPlan`, `inflateOptions`) and checks (`checkInflated`), so
 * both paths write the same frames and raise the same errors.
 *
 * A chunk that does not shrink is stored as is and flagged `None`; so is a
 * chunk that `looksIncompressible` (sampled byte entropy), without trying.
 * Compressed forms carry no checksum of their own (zstd checksum flag off):
 * every blob is authenticated by AES-GCM, and decompression additionally
 * checks the exact output length and that all input was consumed.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Compression } from './codec.js';
import { type CompressionConfig, resolveCompressionConfig } from './settings.js';
import { looksIncompressible } from './entropy.js';
import { DecompressionError } from './errors.js';

const zstdCompress = promisify(zlib.zstdCompress);
const gzip = promisify(zlib.gzip);

/**
 * zlib's output buffer size for one chunk. The convenience methods return to
 * the main thread once per output buffer, so the 16 KiB default costs a
 * dozen round trips per 512 KiB chunk (zstd decompression measured ~2.4x
 * faster with one buffer). Capped so a bogus length cannot force a huge
 * allocation; larger chunks just take a few round trips.
 */
function outputBufferSize(length: number): number {
  return Math.min(Math.max(length, zlib.constants.Z_MIN_CHUNK), 4 * 1024 * 1024);
}

/** A chunk as it is to be stored: the algorithm byte and the (possibly unchanged) bytes. */
export interface CompressedChunk {
  readonly algorithm: Compression;
  readonly data: Uint8Array;
}

/**
 * Compresses one chunk with the configured algorithm. When the result is
 * not strictly smaller than the input (or the algorithm is `none`), returns
 * the input itself, unchanged and uncopied, flagged {@link Compression.None}.
 *
 * zstd frames record the content size (pledged source size) and carry no
 * checksum; gzip output is a standard single-member gzip stream.
 *
 * @throws InvalidCompressionConfigError on an invalid config.
 */
export async function compressChunk(data: Uint8Array, config: CompressionConfig): Promise<CompressedChunk> {
  const plan = compressionPlan(config, data.length);
  if (!plan || looksIncompressible(data)) return { algorithm: Compression.None, data };
  const compressed = plan.method === 'zstd' ? await zstdCompress(data, plan.options) : await gzip(data, plan.options);
  if (compressed.length >= data.length) return { algorithm: Compression.None, data };
  return {
    algorithm: plan.algorithm,
    data: new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.length),
  };
}

/**
 * How to compress one chunk: the zlib method, its options (structured-
 * cloneable, for worker threads) and the algorithm byte a smaller result is
 * stored under.
 */
export type CompressionPlan =
  | { readonly method: 'zstd'; readonly algorithm: typeof Compression.Zstd; readonly options: zlib.ZstdOptions }
  | { readonly method: 'gzip'; readonly algorithm: typeof Compression.Gzip; readonly options: zlib.ZlibOptions };

/**
 * The zlib call that compresses a chunk of `length` bytes under `config`,
 * or undefined when the chunk is stored as is (`none`, or an empty chunk).
 * Shared by {@link compressChunk} and the worker-thread path, so both write
 * the same frames.
 *
 * @throws InvalidCompressionConfigError on an invalid config.
 */
export function compressionPlan(config: CompressionConfig, length: number): CompressionPlan | undefined {
  const { algorithm, level } = resolveCompressionConfig(config);
  if (algorithm === 'none' || length === 0) return undefined;
  if (algorithm === 'gzip') return { method: 'gzip', algorithm: Compression.Gzip, options: { level, chunkSize: outputBufferSize(length) } };
  return {
    method: 'zstd',
    algorithm: Compression.Zstd,
    options: {
      params: {
        [zlib.constants.ZSTD_c_compressionLevel]: level,
        [zlib.constants.ZSTD_c_checksumFlag]: 0,
        [zlib.constants.ZSTD_c_contentSizeFlag]: 1,
      },
      pledgedSrcSize: length,
      chunkSize: outputBufferSize(length),
    },
  };
}

/**
 * Restores a stored chunk. Never produces more than `expectedLength` bytes
 * (zlib's `maxOutputLength`), so a corrupt or hostile blob cannot inflate
 * without bound.
 *
 * @param data the stored bytes.
 * @param algorithm the stored {@link Compression} byte.
 * @param expectedLength the chunk's recorded plaintext length.
 * @throws DecompressionError (with the zlib error as `cause`) on corrupt
 *   input, trailing bytes, an unknown algorithm, or an output whose length
 *   is not `expectedLength`.
 */
export async function decompressChunk(data: Uint8Array, algorithm: number, expectedLength: number): Promise<Uint8Array> {
  const method = inflateMethod(algorithm, expectedLength);
  if (method === 'none') {
    checkInflated(data.length, data.length, data.length, expectedLength);
    return data;
  }
  const { output, consumed } = await inflate(data, method, expectedLength);
  checkInflated(output.length, consumed, data.length, expectedLength);
  return output;
}

/** The zlib method that restores a chunk stored under an algorithm byte. */
export type InflateMethod = 'none' | 'zstd' | 'gzip';

/**
 * Checks a stored chunk's algorithm byte and recorded length and names the
 * zlib method that restores it.
 * @throws DecompressionError on an unknown algorithm or an invalid length.
 */
export function inflateMethod(algorithm: number, expectedLength: number): InflateMethod {
  if (!Number.isSafeInteger(expectedLength) || expectedLength < 0) {
    throw new DecompressionError(`invalid expected chunk length ${String(expectedLength)}`);
  }
  switch (algorithm) {
    case Compression.None:
      return 'none';
    case Compression.Zstd:
      return 'zstd';
    case Compression.Gzip:
      return 'gzip';
    default:
      throw new DecompressionError(`unknown compression algorithm ${String(algorithm)}`);
  }
}

/**
 * zlib options that restore a chunk of `expectedLength` bytes: bounded
 * output, one output buffer, and `info` so the consumed input can be checked.
 * Structured-cloneable, for worker threads.
 */
export function inflateOptions(expectedLength: number): { info: true; maxOutputLength: number; chunkSize: number } {
  // maxOutputLength must be >= 1; a 0-byte chunk is never stored compressed, so any output is an error.
  return { info: true, maxOutputLength: Math.max(1, expectedLength), chunkSize: outputBufferSize(expectedLength) };
}

/** The `DecompressionError` for a zlib failure while restoring a chunk. */
export function inflateError(method: Exclude<InflateMethod, 'none'>, error: unknown): DecompressionError {
  const message = error instanceof Error ? error.message : String(error);
  return new DecompressionError(`corrupt ${method} chunk: ${message}`, { cause: error });
}

/**
 * Checks a restored chunk: all stored bytes consumed by the compressed
 * stream and exactly the recorded length produced.
 * @param outputLength bytes produced.
 * @param consumed stored bytes the decompressor consumed.
 * @param inputLength stored bytes.
 * @param expectedLength the chunk's recorded plaintext length.
 * @throws DecompressionError on trailing bytes or a length other than `expectedLength`.
 */
export function checkInflated(outputLength: number, consumed: number, inputLength: number, expectedLength: number): void {
  if (consumed !== inputLength) {
    throw new DecompressionError(`chunk has ${inputLength - consumed} trailing bytes after the compressed stream`);
  }
  if (outputLength !== expectedLength) {
    throw new DecompressionError(`chunk decompressed to ${outputLength} bytes, expected ${expectedLength}`);
  }
}

/** What zlib's convenience methods return with `info: true`. */
interface InflateInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/** Runs zstd or gunzip on the thread pool, bounded by `expectedLength`. */
function inflate(data: Uint8Array, method: Exclude<InflateMethod, 'none'>, expectedLength: number): Promise<{ output: Uint8Array; consumed: number }> {
  const options = inflateOptions(expectedLength);
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, result: Buffer): void => {
      if (error) {
        reject(inflateError(method, error));
        return;
      }
      const info = result as unknown as InflateInfo;
      resolve({ output: new Uint8Array(info.buffer.buffer, info.buffer.byteOffset, info.buffer.length), consumed: info.engine.bytesWritten });
    };
    try {
      if (method === 'zstd') zlib.zstdDecompress(data, options, done);
      else zlib.gunzip(data, options, done);
    } catch (error) {
      reject(inflateError(method, error));
    }
  });
}
