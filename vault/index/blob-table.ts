/**
 * A compact table of blob locations: one entry per (blob, pack) pair, its
 * 32-byte id and its numbers in typed arrays (~49 bytes an entry), found by
 * an open-addressing hash table of entry numbers (linear probing over a
 * power-of-two `Uint32Array`, at most 3/4 full: 5-11 bytes a blob). Entries
 * live in fixed segments of 16,384, so growing never copies them (nor needs
 * room for two copies at once) and wastes at most one segment. The hash
 * table holds each distinct id once (its first entry); the rare further
 * entries of an id stored in several packs hang off it in a small map, in
 * the order they were added.
 */
import { VaultFormatError } from '../format/errors.js';

/** Bytes of a blob id. */
const ID_BYTES = 32;
const ID_WORDS = ID_BYTES / 4;
/** Entries per segment: 2^14 (~800 KB). */
const SEGMENT_BITS = 14;
const SEGMENT_ENTRIES = 1 << SEGMENT_BITS;
const SEGMENT_MASK = SEGMENT_ENTRIES - 1;
/** The hash table doubles once more than this share of its slots is used. */
const MAX_LOAD = 0.75;

/** The numbers stored per entry (besides its id). */
export interface EntryFields {
  pack: number;
  offset: number;
  length: number;
  rawLength: number;
  compression: number;
}

/** One segment's typed arrays. */
class Segment {
  readonly ids = Buffer.from(new ArrayBuffer(SEGMENT_ENTRIES * ID_BYTES));
  readonly words = new Uint32Array(this.ids.buffer);
  readonly pack = new Uint32Array(SEGMENT_ENTRIES);
  readonly offset = new Uint32Array(SEGMENT_ENTRIES);
  readonly length = new Uint32Array(SEGMENT_ENTRIES);
  readonly rawLength = new Uint32Array(SEGMENT_ENTRIES);
  readonly compression = new Uint8Array(SEGMENT_ENTRIES);
}

/** Blob locations in typed arrays; see the module documentation. */
export class BlobTable {
  readonly #segments: Segment[] = [];
  #size = 0;
  /** Entry number + 1 of each distinct id; 0 is an empty slot. */
  #slots: Uint32Array;
  #distinct = 0;
  /** First entry of an id → its further entries. */
  readonly #more = new Map<number, number[]>();
  /** The id being looked up, as bytes and words. */
  readonly #key = Buffer.from(new ArrayBuffer(ID_BYTES));
  readonly #keyWords = new Uint32Array(this.#key.buffer, 0, ID_WORDS);

  /** @param capacity - distinct ids the hash table has room for at first (it grows past them) */
  constructor(capacity = 1024) {
    this.#slots = new Uint32Array(slotCountFor(capacity));
  }

  /** Number of distinct ids. */
  get distinct(): number {
    return this.#distinct;
  }

  /** Number of entries (blob locations). */
  get entries(): number {
    return this.#size;
  }

  /** Makes room in the hash table for `more` distinct ids beyond those held. */
  reserve(more: number): void {
    if (this.#distinct + more > this.#slots.length * MAX_LOAD) this.#rehash(slotCountFor(this.#distinct + more));
  }

  /** Adds an entry whose id is `bytes[at, at + 32)`; returns its number. */
  add(bytes: Uint8Array, at: number, pack: number, offset: number, length: number, rawLength: number, compression: number): number {
    const entry = this.#size++;
    const i = entry & SEGMENT_MASK;
    if (i === 0) this.#segments.push(new Segment());
    const segment = this.#segments[entry >>> SEGMENT_BITS]!;
    segment.ids.set(bytes.subarray(at, at + ID_BYTES), i * ID_BYTES);
    segment.pack[i] = pack;
    segment.offset[i] = offset;
    segment.length[i] = length;
    segment.rawLength[i] = rawLength;
    segment.compression[i] = compression;
    this.#link(entry, segment.words, i * ID_WORDS);
    return entry;
  }

  /** Adds an entry for a 64-hex-digit id; returns its number. @throws VaultFormatError for another id */
  addHex(id: string, fields: EntryFields): number {
    if (!this.#keyFor(id)) throw new VaultFormatError(`blob id ${JSON.stringify(id)} is not 64 hex digits`);
    return this.add(this.#key, 0, fields.pack, fields.offset, fields.length, fields.rawLength, fields.compression);
  }

  /** The first entry of a hex id, or -1 when it is unknown (or not 64 hex digits). */
  find(id: string): number {
    if (!this.#keyFor(id)) return -1;
    return this.#slots[this.#slotOf(this.#keyWords, 0)]! - 1;
  }

  /** Every entry of the id whose first entry is `first`, in the order added. */
  entriesOf(first: number): number[] {
    const more = this.#more.get(first);
    return more ? [first, ...more] : [first];
  }

  /** An entry's id in lowercase hex. */
  idOf(entry: number): string {
    const i = entry & SEGMENT_MASK;
    return this.#segments[entry >>> SEGMENT_BITS]!.ids.toString('hex', i * ID_BYTES, (i + 1) * ID_BYTES);
  }

  /** An entry's numbers. */
  fieldsOf(entry: number): EntryFields {
    const segment = this.#segments[entry >>> SEGMENT_BITS]!;
    const i = entry & SEGMENT_MASK;
    return { pack: segment.pack[i]!, offset: segment.offset[i]!, length: segment.length[i]!, rawLength: segment.rawLength[i]!, compression: segment.compression[i]! };
  }

  /** Writes a hex id into the key buffer; false when it is not 64 hex digits. */
  #keyFor(id: string): boolean {
    return id.length === ID_BYTES * 2 && this.#key.write(id, 'hex') === ID_BYTES;
  }

  /** Files a new entry (its id at `words[base, base + 8)`) under its id: a new slot, or after the id's earlier entries. */
  #link(entry: number, words: Uint32Array, base: number): void {
    let slot = this.#slotOf(words, base);
    const first = this.#slots[slot]! - 1;
    if (first >= 0) {
      const more = this.#more.get(first);
      if (more) more.push(entry);
      else this.#more.set(first, [entry]);
      return;
    }
    if (this.#distinct + 1 > this.#slots.length * MAX_LOAD) {
      this.#rehash(this.#slots.length * 2);
      slot = this.#slotOf(words, base);
    }
    this.#slots[slot] = entry + 1;
    this.#distinct++;
  }

  /** The slot holding the id at `words[base, base + 8)`, or the empty slot where it would go. */
  #slotOf(words: Uint32Array, base: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = hashWords(words, base) & mask;
    for (;;) {
      const held = slots[slot]!;
      if (held === 0) return slot;
      const entry = held - 1;
      if (sameId(this.#segments[entry >>> SEGMENT_BITS]!.words, (entry & SEGMENT_MASK) * ID_WORDS, words, base)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  #rehash(slotCount: number): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(slotCount);
    for (const held of old) {
      if (held === 0) continue;
      const entry = held - 1;
      this.#slots[this.#slotOf(this.#segments[entry >>> SEGMENT_BITS]!.words, (entry & SEGMENT_MASK) * ID_WORDS)] = held;
    }
  }
}

function sameId(a: Uint32Array, at: number, b: Uint32Array, bt: number): boolean {
  for (let w = 0; w < ID_WORDS; w++) if (a[at + w] !== b[bt + w]) return false;
  return true;
}

/** The power-of-two slot count that holds `entries` distinct ids at most 3/4 full. */
function slotCountFor(entries: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(16, entries / MAX_LOAD + 1)));
}

/** FNV-1a over an id's eight words, finished by a shift (ids are hashes, but tests and benchmarks use patterned ones). */
function hashWords(words: Uint32Array, base: number): number {
  let h = 0x811c9dc5;
  for (let w = 0; w < ID_WORDS; w++) h = Math.imul(h ^ words[base + w]!, 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}
