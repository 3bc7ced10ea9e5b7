/**
 * The merged, in-memory view of every index object loaded: blob id → the
 * places it is stored. Dedup lookups and restores use it; nothing asks the
 * store per chunk.
 *
 * It is compact (a vault of tens of millions of blobs must fit a Lambda):
 * blob locations live in a {@link BlobTable} (55-60 bytes a blob), packs in
 * parallel arrays, and the `PackEntry` / `BlobLocation` objects of the API
 * are made on each lookup, never kept. A pack's `blobs` are made when first
 * read from that object.
 */
import { BlobTable } from './blob-table.js';
import { readIndex, type IndexSink } from './index-codec.js';
import type { BlobEntry, BlobLocation, PackEntry } from './types.js';

/** Blob lookups over many index objects. */
export class MasterIndex {
  readonly #table: BlobTable;
  readonly #packNumbers = new Map<string, number>();
  readonly #packIds: string[] = [];
  readonly #packKeys: number[] = [];
  readonly #packSizes: number[] = [];
  /** Each pack's first entry in the table (its blobs are consecutive entries, in file order). */
  readonly #packFirst: number[] = [];
  readonly #packBlobs: number[] = [];
  readonly #packIndex: number[] = [];
  /** Interned key ids and index ids (few distinct values). */
  readonly #keyIds = new Interned();
  readonly #indexIds = new Interned();

  /** @param capacity - distinct blobs its hash table has room for at first (it grows past them) */
  constructor(capacity?: number) {
    this.#table = new BlobTable(capacity);
  }

  /** Adds the packs of one index object. A pack already known is skipped. */
  addPacks(packs: readonly PackEntry[], indexId = ''): void {
    const index = this.#indexIds.of(indexId);
    for (const pack of packs) {
      if (!this.#addPack(pack.id, pack.keyId, pack.size, pack.blobs.length, index)) continue;
      const number = this.#packIds.length - 1;
      for (const blob of pack.blobs) this.#table.addHex(blob.id, { pack: number, offset: blob.offset, length: blob.length, rawLength: blob.rawLength, compression: blob.compression });
    }
  }

  /**
   * Adds the packs of one index object straight from its decrypted payload
   * (no per-blob objects). A pack already known is skipped.
   * @throws VaultFormatError when the payload is malformed (nothing is added then)
   */
  addPayload(payload: Uint8Array, indexId: string): void {
    const index = this.#indexIds.of(indexId);
    const table = this.#table;
    let number = -1;
    const sink: IndexSink = {
      pack: (id, keyId, size, blobCount) => {
        if (!this.#addPack(id, keyId, size, blobCount, index)) return false;
        number = this.#packIds.length - 1;
        return true;
      },
      blob: (bytes, idAt, offset, length, rawLength, compression) => void table.add(bytes, idAt, number, offset, length, rawLength, compression),
    };
    readIndex(payload, `index/${indexId}`, sink);
  }

  /** True when the blob is stored somewhere. */
  has(blobId: string): boolean {
    return this.#table.find(blobId) >= 0;
  }

  /** Every place the blob is stored (newest index last). */
  locate(blobId: string): readonly BlobLocation[] {
    const first = this.#table.find(blobId);
    if (first < 0) return [];
    return this.#table.entriesOf(first).map((entry) => {
      const blob = this.#blob(entry);
      return { pack: this.#pack(this.#table.fieldsOf(entry).pack), blob };
    });
  }

  /** A known pack by id. */
  pack(id: string): PackEntry | undefined {
    const number = this.#packNumbers.get(id);
    return number === undefined ? undefined : this.#pack(number);
  }

  /** Every known pack, in the order added. */
  *allPacks(): IterableIterator<PackEntry> {
    for (let number = 0; number < this.#packIds.length; number++) yield this.#pack(number);
  }

  /** The id of the index object that listed a pack. */
  indexOf(packId: string): string | undefined {
    const number = this.#packNumbers.get(packId);
    return number === undefined ? undefined : this.#indexIds.value(this.#packIndex[number]!);
  }

  /** Number of distinct blobs. */
  get blobCount(): number {
    return this.#table.distinct;
  }

  /** Registers a pack unless known; reserves room for its blobs. */
  #addPack(id: string, keyId: string, size: number, blobCount: number, index: number): boolean {
    if (this.#packNumbers.has(id)) return false;
    this.#table.reserve(blobCount);
    this.#packNumbers.set(id, this.#packIds.length);
    this.#packIds.push(id);
    this.#packKeys.push(this.#keyIds.of(keyId));
    this.#packSizes.push(size);
    this.#packFirst.push(this.#table.entries);
    this.#packBlobs.push(blobCount);
    this.#packIndex.push(index);
    return true;
  }

  #blob(entry: number): BlobEntry {
    const { offset, length, rawLength, compression } = this.#table.fieldsOf(entry);
    return { id: this.#table.idOf(entry), offset, length, rawLength, compression };
  }

  /** A pack's entry, its blobs made when first read. */
  #pack(number: number): PackEntry {
    const first = this.#packFirst[number]!;
    const make = (): BlobEntry[] => Array.from({ length: this.#packBlobs[number]! }, (_, i) => this.#blob(first + i));
    let blobs: BlobEntry[] | undefined;
    return {
      id: this.#packIds[number]!,
      keyId: this.#keyIds.value(this.#packKeys[number]!),
      size: this.#packSizes[number]!,
      get blobs(): BlobEntry[] {
        return (blobs ??= make());
      },
      set blobs(value: BlobEntry[]) {
        blobs = value;
      },
    };
  }
}

/** Strings numbered in the order first seen. */
class Interned {
  readonly #numbers = new Map<string, number>();
  readonly #values: string[] = [];

  of(value: string): number {
    let number = this.#numbers.get(value);
    if (number === undefined) {
      number = this.#values.length;
      this.#numbers.set(value, number);
      this.#values.push(value);
    }
    return number;
  }

  value(number: number): string {
    return this.#values[number]!;
  }
}
