/**
 * A compact, read-only set of blob ids: what a backup's dedup asks of the
 * vault's index ("is this blob stored?"), without the blob locations a
 * {@link MasterIndex} keeps (~60 bytes a blob) for restores.
 *
 * **16 bytes an id.** It keeps the first 16 bytes (128 bits) of each 32-byte
 * id. Ids are keyed HMAC-SHA256 of the chunk (FORMAT.md), so their first 128
 * bits are uniform and independent for distinct chunks. A false "present"
 * (a new chunk taken as stored, so never written: data loss) needs a new
 * chunk to share its 128 bits with one of the vault's: among n new and m
 * stored ids, at most n·m / 2^128. For an incremental of a 10 TiB source
 * (n = m = 42 million blobs) that is 1.8e15 / 3.4e38, about 5e-24; SHA-256
 * itself is trusted to far less. A duplicate id (a blob stored in two packs)
 * is kept twice, which is harmless.
 *
 * **Layout.** While loading ({@link BlobIdSetBuilder}), the 16-byte prefixes
 * are appended to fixed segments of 65,536 (1 MiB each), so growing never
 * copies (nor needs room for two copies at once) and wastes at most one
 * segment. {@link BlobIdSetBuilder.build} then orders them in place by bucket
 * (counting, then an in-place permutation over the segments, American-flag
 * style, whose only other memory is that same array) and keeps a
 * `Uint32Array` of each bucket's first position: 2^k buckets for n ids with
 * n/4 < 2^k <= n/2, so 1-2 bytes an id. The peak is the set itself, ~17-18
 * bytes an id (no transient copy); a lookup scans one bucket (2-4 ids on average).
 *
 * A bucket is the top bits of a mix of the prefix's four words rather than
 * its leading bits: for real ids (uniform hashes) it is the same spread, and
 * the patterned ids of tests and benchmarks (`000…0001`) spread as well.
 */
import { readIndex } from './index-codec.js';

/** Bytes of a blob id. */
const ID_BYTES = 32;
/** Bytes kept of each id (see the module documentation for why 128 bits suffice). */
export const BLOB_ID_PREFIX_BYTES = 16;
const PREFIX_WORDS = BLOB_ID_PREFIX_BYTES / 4;
/** Ids per segment: 2^16 (1 MiB). */
const SEGMENT_BITS = 16;
const SEGMENT_IDS = 1 << SEGMENT_BITS;
const SEGMENT_MASK = SEGMENT_IDS - 1;
/** Most bucket bits (2^26 buckets, 256 MiB of starts: ~130M ids and more). */
const MAX_BUCKET_BITS = 26;

/** Bucket bits for `count` ids: 2^bits buckets, a quarter to a half of the ids, at least 2. */
function bucketBitsFor(count: number): number {
  return Math.min(MAX_BUCKET_BITS, Math.max(1, Math.floor(Math.log2(Math.max(1, count))) - 1));
}

/** The bucket of a prefix (its four words): the top `bits` bits of a murmur3-style mix. */
function bucketOf(w0: number, w1: number, w2: number, w3: number, bits: number): number {
  let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca77) ^ Math.imul(w3, 0xc2b2ae3d), 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) >>> (32 - bits);
}

/** Fills a blob id set; {@link build} orders it and hands it over. */
export class BlobIdSetBuilder {
  readonly #segments: Uint32Array[] = [];
  /** The last segment's bytes. */
  #last = new Uint8Array(0);
  #size = 0;
  #built = false;

  /** Ids added so far (duplicates included). */
  get size(): number {
    return this.#size;
  }

  /** Adds the id at `bytes[at, at + 32)` (only its first 16 bytes are kept). */
  add(bytes: Uint8Array, at: number): void {
    if (this.#built) throw new RangeError('the blob id set was already built');
    const i = this.#size & SEGMENT_MASK;
    if (i === 0) {
      const segment = new Uint32Array(SEGMENT_IDS * PREFIX_WORDS);
      this.#segments.push(segment);
      this.#last = new Uint8Array(segment.buffer);
    }
    const to = i * BLOB_ID_PREFIX_BYTES;
    for (let b = 0; b < BLOB_ID_PREFIX_BYTES; b++) this.#last[to + b] = bytes[at + b]!;
    this.#size++;
  }

  /**
   * Adds every blob id of one decrypted index payload, straight from its
   * bytes (no per-blob objects).
   * @throws VaultFormatError when the payload is malformed (nothing is added then)
   */
  addPayload(payload: Uint8Array, indexId: string): void {
    readIndex(payload, `index/${indexId}`, { pack: () => true, blob: (bytes, idAt) => this.add(bytes, idAt) });
  }

  /** Orders the ids in place by bucket and returns the set (the builder is spent). */
  build(): BlobIdSet {
    if (this.#built) throw new RangeError('the blob id set was already built');
    this.#built = true;
    const segments = this.#segments;
    const n = this.#size;
    const bits = bucketBitsFor(n);
    const buckets = 1 << bits;
    const key = (i: number): number => {
      const s = segments[i >>> SEGMENT_BITS]!;
      const w = (i & SEGMENT_MASK) * PREFIX_WORDS;
      return bucketOf(s[w]!, s[w + 1]!, s[w + 2]!, s[w + 3]!, bits);
    };
    // Counting: starts[b] counts bucket b, then the running sum makes it the end of b's region.
    const starts = new Uint32Array(buckets + 1);
    for (let i = 0; i < n; i++) starts[key(i)]!++;
    for (let b = 1; b <= buckets; b++) starts[b]! += starts[b - 1]!;
    // Permutation (McIlroy's American flag sort, with no array of counts): each region fills from its end,
    // starts[b] falling to its start. At the first position not yet final, the id there is carried to the
    // last free slot of its bucket, displacing the id there, until an id of this region lands here; this
    // region is then whole, and the next begins where its ids end.
    for (let i = 0; i < n; ) {
      const s = segments[i >>> SEGMENT_BITS]!;
      const w = (i & SEGMENT_MASK) * PREFIX_WORDS;
      let w0 = s[w]!, w1 = s[w + 1]!, w2 = s[w + 2]!, w3 = s[w + 3]!;
      let k = bucketOf(w0, w1, w2, w3, bits);
      while (--starts[k]! > i) {
        const to = starts[k]!;
        const t = segments[to >>> SEGMENT_BITS]!;
        const v = (to & SEGMENT_MASK) * PREFIX_WORDS;
        const t0 = t[v]!, t1 = t[v + 1]!, t2 = t[v + 2]!, t3 = t[v + 3]!;
        t[v] = w0;
        t[v + 1] = w1;
        t[v + 2] = w2;
        t[v + 3] = w3;
        w0 = t0;
        w1 = t1;
        w2 = t2;
        w3 = t3;
        k = bucketOf(w0, w1, w2, w3, bits);
      }
      s[w] = w0;
      s[w + 1] = w1;
      s[w + 2] = w2;
      s[w + 3] = w3;
      // The region of bucket k starts here (it may have been filled whole by earlier carries).
      starts[k] = i;
      for (i++; i < n && key(i) === k; i++);
    }
    return new BlobIdSet(segments, n, starts, bits);
  }
}

/** Blob ids (their first 16 bytes) ordered by bucket; see the module documentation. */
export class BlobIdSet {
  readonly #segments: readonly Uint32Array[];
  readonly #starts: Uint32Array;
  readonly #bits: number;
  /** The id being looked up, as bytes and words. */
  readonly #key = Buffer.from(new ArrayBuffer(ID_BYTES));
  readonly #keyWords = new Uint32Array(this.#key.buffer, 0, ID_BYTES / 4);

  /** @internal made by {@link BlobIdSetBuilder.build} */
  constructor(
    segments: readonly Uint32Array[],
    /** Ids held (duplicates included). */
    readonly size: number,
    starts: Uint32Array,
    bits: number,
  ) {
    this.#segments = segments;
    this.#starts = starts;
    this.#bits = bits;
  }

  /** True when a stored blob's id has the same first 16 bytes; false for anything but 64 hex digits. */
  has(blobId: string): boolean {
    if (blobId.length !== ID_BYTES * 2 || this.#key.write(blobId, 'hex') !== ID_BYTES) return false;
    const k = this.#keyWords;
    const w0 = k[0]!, w1 = k[1]!, w2 = k[2]!, w3 = k[3]!;
    const bucket = bucketOf(w0, w1, w2, w3, this.#bits);
    for (let i = this.#starts[bucket]!, end = this.#starts[bucket + 1]!; i < end; i++) {
      const s = this.#segments[i >>> SEGMENT_BITS]!;
      const w = (i & SEGMENT_MASK) * PREFIX_WORDS;
      if (s[w] === w0 && s[w + 1] === w1 && s[w + 2] === w2 && s[w + 3] === w3) return true;
    }
    return false;
  }
}
