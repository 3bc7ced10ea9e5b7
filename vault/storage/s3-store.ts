/**
 * The S3 object store: a vault is the objects under one key prefix of one
 * bucket. Writes go through `s3-multipart.ts` (one PutObject for a small
 * body, a multipart upload for a large one; conditional writes use
 * `If-None-Match: *`). Every error leaves here
 * as a typed storage error (see `s3-errors.ts`).
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3Client } from '../aws/clients.js';
import { ObjectNotFoundError, StorageUnavailableError } from './errors.js';
import { assertValidKey, assertValidPrefix, assertValidRange, isValidKey } from './object-key.js';
import type { ByteRange, ObjectInfo, ObjectStore, PutOptions } from './object-store.js';
import { httpStatusOf, mapS3Error } from './s3-errors.js';
import { writeS3Object, type S3WriteSettings } from './s3-multipart.js';
import { PACKS_PREFIX, type PackStorageClass } from './storage-class.js';

const MiB = 1024 * 1024;
/** Keys one DeleteObjects call takes at most (S3's limit). */
export const DELETE_OBJECTS_MAX = 1000;

/** How an `S3ObjectStore` writes unless told otherwise: bodies from `multipartThreshold` bytes go up in parts of `partSize`, `partConcurrency` at once. */
export const DEFAULT_S3_WRITE_SETTINGS = { multipartThreshold: 16 * MiB, partSize: 8 * MiB, partConcurrency: 4 } as const;

/** Tuning and injection points of an `S3ObjectStore`. */
export interface S3ObjectStoreOptions {
  /** The client to use; by default the shared one from `s3Client()`. */
  client?: S3Client;
  /** Bodies of at least this many bytes go up as multipart uploads (default 16 MiB). */
  multipartThreshold?: number;
  /** Bytes per part (default 8 MiB, at least 5 MiB). */
  partSize?: number;
  /** Parts in flight at once (default 4). */
  partConcurrency?: number;
  /** The storage class packs (`data/…`) are written in; every other object stays STANDARD. @default the bucket's default (STANDARD) */
  packStorageClass?: PackStorageClass;
}

/** Normalizes a store prefix: no leading `/`, and a trailing `/` unless empty. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  assertValidPrefix(`${trimmed}/`);
  return `${trimmed}/`;
}

/** An `ObjectStore` over the objects under `prefix` in an S3 bucket. */
export class S3ObjectStore implements ObjectStore {
  readonly uri: string;
  /** The key prefix every object of this store lives under: `''` or ends in `/`. */
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly writeSettings: S3WriteSettings;
  private readonly packStorageClass: PackStorageClass | undefined;
  private bucketChecked: Promise<void> | undefined;

  /**
   * @param bucket - the bucket name
   * @param prefix - key prefix of the vault inside the bucket (`''` for the whole bucket)
   */
  constructor(
    readonly bucket: string,
    prefix = '',
    options: S3ObjectStoreOptions = {},
  ) {
    this.prefix = normalizePrefix(prefix);
    this.uri = this.prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${this.prefix.slice(0, -1)}`;
    this.client = options.client ?? s3Client();
    this.packStorageClass = options.packStorageClass;
    this.writeSettings = {
      multipartThreshold: options.multipartThreshold ?? DEFAULT_S3_WRITE_SETTINGS.multipartThreshold,
      partSize: options.partSize ?? DEFAULT_S3_WRITE_SETTINGS.partSize,
      concurrency: Math.max(1, options.partConcurrency ?? DEFAULT_S3_WRITE_SETTINGS.partConcurrency),
    };
  }

  /** Writes an object: one PutObject below the multipart threshold, a multipart upload from it (see `s3-multipart.ts`). */
  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<void> {
    assertValidKey(key);
    await writeS3Object(
      {
        client: this.client,
        bucket: this.bucket,
        key: this.prefix + key,
        relativeKey: key,
        body,
        size: body.length,
        ifNotExists: options.ifNotExists ?? false,
        onProgress: options.onProgress,
        mapError: mapS3Error,
        ...(this.packStorageClass && key.startsWith(PACKS_PREFIX) ? { attributes: { StorageClass: this.packStorageClass } } : {}),
      },
      this.writeSettings,
    );
  }

  /** Reads an object or a range of it (`Range: bytes=start-(end-1)`). */
  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    assertValidKey(key);
    if (range) {
      assertValidRange(range);
      if (range.start === range.end) {
        if (!(await this.head(key))) throw new ObjectNotFoundError(key);
        return new Uint8Array(0);
      }
    }
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}),
        }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      // 416: the range starts at or past the end of the object.
      if (range && httpStatusOf(error) === 416) return new Uint8Array(0);
      throw mapS3Error(error, this.context('GetObject', key));
    }
  }

  /**
   * Metadata of an object, or undefined when it is missing. HeadObject
   * answers a bare 404 for a missing bucket too, so the first miss checks the
   * bucket once (HeadBucket) to report that as `StorageUnavailableError`.
   */
  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return { key, size: out.ContentLength ?? 0, lastModified: out.LastModified ?? new Date(0) };
    } catch (error) {
      const mapped = mapS3Error(error, this.context('HeadObject', key));
      if (!(mapped instanceof ObjectNotFoundError)) throw mapped;
      await this.checkBucket();
      return undefined;
    }
  }

  /**
   * Lists objects under `prefix` (relative to the store), one ListObjectsV2
   * page at a time as the caller iterates. Keys that are not valid object
   * keys (folder markers such as `prefix/`, `a//b`) are skipped.
   */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
        );
      } catch (error) {
        throw mapS3Error(error, { bucket: this.bucket, key: this.prefix + prefix, operation: 'ListObjectsV2' });
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length);
        if (!key || !isValidKey(key)) continue;
        yield { key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Deletes an object (S3 does not mind a missing one). */
  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    } catch (error) {
      throw mapS3Error(error, this.context('DeleteObject', key));
    }
  }

  /**
   * Deletes objects with DeleteObjects, up to 1,000 keys a call (S3 does not mind missing ones).
   * @throws the typed error of the first key S3 could not delete
   */
  async deleteMany(keys: readonly string[]): Promise<void> {
    keys.forEach(assertValidKey);
    for (let start = 0; start < keys.length; start += DELETE_OBJECTS_MAX) {
      const batch = keys.slice(start, start + DELETE_OBJECTS_MAX);
      let failed;
      try {
        const answer = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((key) => ({ Key: this.prefix + key })), Quiet: true } }));
        failed = answer.Errors?.[0];
      } catch (error) {
        throw mapS3Error(error, this.context('DeleteObjects', batch[0]!));
      }
      if (failed) {
        const key = failed.Key?.slice(this.prefix.length) ?? batch[0]!;
        throw mapS3Error(Object.assign(new Error(failed.Message ?? failed.Code ?? 'DeleteObjects failed'), { name: failed.Code ?? 'Error' }), this.context('DeleteObjects', key));
      }
    }
  }

  private context(operation: string, key: string) {
    return { bucket: this.bucket, key: this.prefix + key, relativeKey: key, operation };
  }

  private checkBucket(): Promise<void> {
    this.bucketChecked ??= this.client.send(new HeadBucketCommand({ Bucket: this.bucket })).then(
      () => undefined,
      (error: unknown) => {
        this.bucketChecked = undefined;
        if (httpStatusOf(error) === 404) {
          throw new StorageUnavailableError(`HeadBucket s3://${this.bucket}: bucket ${this.bucket} does not exist`, { cause: error });
        }
        throw mapS3Error(error, { bucket: this.bucket, operation: 'HeadBucket' });
      },
    );
    return this.bucketChecked;
  }
}
