/** Index records: where every blob lives. Ids are lowercase hex. */

/** One blob inside a pack. `length` is the stored (sealed) length, `rawLength` the plaintext chunk length. */
export interface BlobEntry {
  id: string;
  offset: number;
  length: number;
  rawLength: number;
  compression: number;
}

/** One pack and the blobs it holds, in file order. */
export interface PackEntry {
  id: string;
  keyId: string;
  size: number;
  blobs: BlobEntry[];
}

/** Where a blob can be read from. */
export interface BlobLocation {
  pack: PackEntry;
  blob: BlobEntry;
}
