/**
 * The narrow storage interface the engine writes vaults through. Keys are
 * relative, `/`-separated paths inside the vault (`config`, `data/ab/abcd…`).
 * Implementations: S3 (`s3-store.ts`) and the local filesystem (`fs-store.ts`).
 */

/** Metadata of one stored object. */
export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

/** A byte range; `end` is exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Options of a write. */
export interface PutOptions {
  /** Fail with `ObjectExistsError` instead of overwriting an existing object (atomic on S3 and the filesystem). */
  ifNotExists?: boolean;
  /** Called with the bytes sent so far, for progress reporting. */
  onProgress?: (bytesSent: number) => void;
}

/** What the engine needs from a place that keeps objects. */
export interface ObjectStore {
  /** Where the vault lives, e.g. `s3://bucket/prefix` or `file:///var/backups/vault`. */
  readonly uri: string;
  /**
   * Writes a whole object atomically: readers see either nothing or all of it.
   * Large bodies go up in parts (S3 multipart) with bounded concurrency.
   * Keeps no reference to `body` once settled: callers reuse the buffer.
   */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void>;
  /**
   * Reads a whole object, or a byte range of it. A range reaching past the
   * end of the object yields only the bytes that exist (possibly none), so
   * callers that know the expected length check it. Throws
   * `ObjectNotFoundError` when missing.
   */
  get(key: string, range?: ByteRange): Promise<Uint8Array>;
  /** Metadata of an object, or undefined when missing. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Every object whose key starts with the prefix (a plain string prefix, not
   * necessarily ending in `/`; `''` lists everything), paginated lazily, in
   * ascending byte order of the key.
   */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes an object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes many objects in few requests (S3 DeleteObjects), where the store can; missing objects are not an error. */
  deleteMany?(keys: readonly string[]): Promise<void>;
}
