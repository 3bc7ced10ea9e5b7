/**
 * FastCDC content-defined chunking (Xia et al., USENIX ATC 2016 / IEEE TPDS
 * 2020) with normalized chunking level 2 and cut-point skipping, over a
 * per-vault gear table (see `gear.ts`).
 *
 * Cut rule (part of the vault format). For each chunk, starting at its first
 * byte with h = 0, let p be the 0-based offset of a byte b within the chunk:
 *
 * - p < min: the byte is not hashed (cut-point skipping).
 * - otherwise h = ((h << 1) + gear[b]) mod 2^32, then
 *   - if p < avg and (h & maskS) == 0, the chunk ends after this byte
 *     (length p + 1);
 *   - if avg <= p and (h & maskL) == 0, the chunk ends after this byte.
 * - If no cut was found, the chunk ends at length `max`.
 * - The bytes left at the end of the stream form the last chunk, whatever
 *   their length (no chunk is emitted for an empty stream).
 *
 * Masks are in `params.ts` (`chunkerMasks`). The implementation keeps h as a
 * signed 32-bit integer (`| 0`); its bits are those of the unsigned value.
 *
 * Ownership: the chunker treats each input piece as handed over. A chunk
 * that lies wholly inside one piece is returned as a zero-copy view of that
 * piece; a chunk spanning pieces is a fresh array. So the caller (or the
 * source of `chunkStream`) must not overwrite a piece after passing it in
 * while chunks from it are still in use; sources that reuse one read buffer
 * must copy before yielding. The chunker itself never keeps a reference to
 * an input piece after `push` returns: the unfinished tail is copied into an
 * internal buffer of `max` bytes, so memory stays bounded by `max` plus the
 * piece being processed.
 */
import { InvalidChunkerParamsError } from './errors.js';
import { GEAR_TABLE_SIZE } from './gear.js';
import { GearScanner } from './gear-scan-wasm.js';
import { type ChunkerParams, DEFAULT_CHUNKER_PARAMS, chunkerMasks, validateChunkerParams } from './params.js';

export { DEFAULT_CHUNKER_PARAMS, type ChunkerParams } from './params.js';

/**
 * A streaming FastCDC chunker. Feed input with {@link Chunker.push} in
 * pieces of any size, then call {@link Chunker.finish} once. The chunks are
 * identical however the input is split into pieces.
 */
export class Chunker {
  readonly #gear: Int32Array;
  readonly #min: number;
  readonly #avg: number;
  readonly #max: number;
  readonly #maskS: number;
  readonly #maskL: number;
  /** Bytes of the unfinished chunk carried over from earlier pieces (lazily allocated, `max` bytes). */
  #pending: Uint8Array | undefined;
  /** Number of valid bytes in `#pending` (the offset of the next byte in the current chunk). */
  #pendingLength = 0;
  /** Gear hash of the current chunk so far. */
  #hash = 0;
  /** The WebAssembly scan loop, when it runs here (else the JavaScript one). */
  readonly #scanner: GearScanner | undefined;

  /**
   * @param gear the 256-entry gear table (`gearTable(secret)`).
   * @param params chunk sizes; defaults to {@link DEFAULT_CHUNKER_PARAMS}.
   * @param options.scan `wasm` (the default, when WebAssembly runs) or `js`:
   *   which scan loop to use; both cut at the same bytes.
   * @throws InvalidChunkerParamsError on a malformed table or parameters.
   */
  constructor(gear: Uint32Array, params: ChunkerParams = DEFAULT_CHUNKER_PARAMS, options: { scan?: 'wasm' | 'js' } = {}) {
    if (gear.length !== GEAR_TABLE_SIZE) {
      throw new InvalidChunkerParamsError(`gear table must have ${GEAR_TABLE_SIZE} entries, got ${gear.length}`);
    }
    const { min, avg, max } = validateChunkerParams(params);
    const { maskS, maskL } = chunkerMasks(avg);
    this.#gear = Int32Array.from(gear);
    this.#min = min;
    this.#avg = avg;
    this.#max = max;
    this.#maskS = maskS | 0;
    this.#maskL = maskL | 0;
    this.#scanner = options.scan === 'js' ? undefined : GearScanner.for(this.#gear);
  }

  /**
   * Consumes the next piece of input and returns the chunks it completed, in
   * order (possibly none). See the module header for buffer ownership.
   */
  push(data: Uint8Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    const n = data.length;
    const min = this.#min;
    let start = 0; // index in `data` of the current chunk's first byte not yet stashed
    let base = this.#pendingLength; // chunk offset of data[start]
    let i = start + Math.max(0, min - base); // cut-point skipping: never hash the first `min` bytes
    while (i < n) {
      const normalEnd = start + this.#avg - base; // index where the chunk offset reaches avg
      const maxEnd = start + this.#max - base; // index where it reaches max
      let cut = -1;
      if (i < normalEnd) {
        const end = normalEnd < n ? normalEnd : n;
        cut = this.#scan(data, i, end, this.#maskS);
        i = end;
      }
      if (cut < 0 && i >= normalEnd) {
        const end = maxEnd < n ? maxEnd : n;
        cut = this.#scan(data, i, end, this.#maskL);
        if (cut < 0 && end === maxEnd) cut = maxEnd; // no content cut before max
        // Otherwise end === n: the rest of this chunk arrives in a later piece.
      }
      if (cut < 0) break;
      chunks.push(this.#emit(data, start, cut));
      this.#hash = 0;
      start = cut;
      base = 0;
      i = cut + min;
    }
    if (start < n) this.#stash(data, start);
    return chunks;
  }

  /**
   * Ends the stream: returns the last chunk (the bytes after the last cut,
   * shorter than `max`), or `undefined` when there are none. The chunker is
   * then reset and may be reused for another stream.
   */
  finish(): Uint8Array | undefined {
    const length = this.#pendingLength;
    const last = length > 0 && this.#pending ? this.#pending.slice(0, length) : undefined;
    this.#pendingLength = 0;
    this.#hash = 0;
    return last;
  }

  /**
   * The hot loop: rolls the gear hash over data[from..end) and returns the
   * index just past the first byte whose hash has no bit of `mask` set, or
   * -1 (saving the hash) when there is none. It runs in WebAssembly
   * (`gear-scan-wasm.ts`) when it can; the JavaScript loop is the fallback.
   * A plain per-byte loop measured as fast as unrolled variants (4 and 8
   * bytes, with one combined test per group) on V8 12, so it stays plain.
   */
  #scan(data: Uint8Array, from: number, end: number, mask: number): number {
    if (this.#scanner) {
      const { cut, hash } = this.#scanner.scan(data, from, end, mask, this.#hash);
      if (cut < 0) this.#hash = hash;
      return cut;
    }
    const gear = this.#gear;
    let h = this.#hash;
    for (let i = from; i < end; i++) {
      h = ((h << 1) + gear[data[i]!]!) | 0;
      if ((h & mask) === 0) return i + 1;
    }
    this.#hash = h;
    return -1;
  }

  /** Builds the chunk ending at data[cut - 1]: a view when it has no carried-over bytes, else a fresh copy. */
  #emit(data: Uint8Array, start: number, cut: number): Uint8Array {
    const carried = this.#pendingLength;
    if (carried === 0) return new Uint8Array(data.buffer, data.byteOffset + start, cut - start);
    const chunk = new Uint8Array(carried + cut - start);
    chunk.set(this.#pending!.subarray(0, carried), 0);
    chunk.set(data.subarray(start, cut), carried);
    this.#pendingLength = 0;
    return chunk;
  }

  /** Copies data[start..] (the unfinished chunk's bytes) into the pending buffer. */
  #stash(data: Uint8Array, start: number): void {
    this.#pending ??= new Uint8Array(this.#max);
    this.#pending.set(data.subarray(start), this.#pendingLength);
    this.#pendingLength += data.length - start;
  }
}

/**
 * Splits an asynchronous byte stream into FastCDC chunks, yielding each as
 * soon as it is complete. Buffer ownership is as for {@link Chunker}: the
 * source must not overwrite a piece it has yielded.
 *
 * @param source the input, in pieces of any size.
 * @param gear the 256-entry gear table (`gearTable(secret)`).
 * @param params chunk sizes; defaults to {@link DEFAULT_CHUNKER_PARAMS}.
 */
export async function* chunkStream(
  source: AsyncIterable<Uint8Array>,
  gear: Uint32Array,
  params: ChunkerParams = DEFAULT_CHUNKER_PARAMS,
): AsyncGenerator<Uint8Array> {
  const chunker = new Chunker(gear, params);
  for await (const piece of source) {
    yield* chunker.push(piece);
  }
  const last = chunker.finish();
  if (last) yield last;
}
