/**
 * Reading one listed object for export: its header (from the first GET, or a
 * HEAD for an empty object) and its bytes in ranged GETs of a bounded size.
 * The first range is read eagerly (so several small objects can be fetched
 * ahead); the rest stream lazily as the consumer pulls, each range pinned to
 * the first response's ETag (`If-Match`), so an object overwritten mid-export
 * fails loudly instead of mixing two versions.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError } from '../../vault/storage/errors.js';
import { httpStatusOf } from '../../vault/storage/s3-errors.js';
import { SourceError, SourceUnavailableError } from '../errors.js';
import { mapS3SourceError } from './errors.js';
import type { ObjectHeader } from './frame.js';
import type { ListedObject } from './listing.js';

/** Where objects are read from, and how much one GET may read. */
export interface ObjectReadContext {
  client: S3Client;
  bucket: string;
  /** The source prefix (`''` or ending in `/`). */
  prefix: string;
  /** Bytes per ranged GET. */
  rangeSize: number;
}

/** An object ready to be written out: its header, and its bytes (the first range already read, the rest on demand). */
export interface FetchedObject {
  header: ObjectHeader;
  /** Exactly `header.size` bytes; iterate once. */
  body: AsyncIterable<Uint8Array>;
}

type ObjectResponse = GetObjectCommandOutput | HeadObjectCommandOutput;

function headerOf(key: string, size: number, out: ObjectResponse): ObjectHeader {
  return {
    key,
    size,
    etag: (out.ETag ?? '').replace(/^"|"$/g, ''),
    content_type: out.ContentType ?? null,
    metadata: { ...out.Metadata },
    last_modified: (out.LastModified ?? new Date(0)).toISOString(),
    ...(out.CacheControl ? { cache_control: out.CacheControl } : {}),
    ...(out.ContentDisposition ? { content_disposition: out.ContentDisposition } : {}),
    ...(out.ContentEncoding ? { content_encoding: out.ContentEncoding } : {}),
    ...(out.ContentLanguage ? { content_language: out.ContentLanguage } : {}),
  };
}

/** The object's total size from a ranged response (`Content-Range: bytes 0-9/1234`). */
function totalSize(out: GetObjectCommandOutput): number {
  const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
  return total === undefined ? (out.ContentLength ?? 0) : Number(total);
}

async function* bodyChunks(out: GetObjectCommandOutput): AsyncGenerator<Uint8Array> {
  const body = out.Body;
  if (!body) return;
  if (Symbol.asyncIterator in body) {
    for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
  } else yield await body.transformToByteArray();
}

class ObjectReader {
  private readonly fullKey: string;

  constructor(
    private readonly context: ObjectReadContext,
    private readonly key: string,
  ) {
    this.fullKey = context.prefix + key;
  }

  private fail(error: unknown, operation: string): Error {
    if (httpStatusOf(error) === 412) {
      return new SourceUnavailableError(`s3://${this.context.bucket}/${this.fullKey} changed while it was being exported; export the partition again`, {
        cause: error,
      });
    }
    return mapS3SourceError(error, { bucket: this.context.bucket, key: this.fullKey, relativeKey: this.key, operation });
  }

  async head(): Promise<HeadObjectCommandOutput> {
    try {
      return await this.context.client.send(new HeadObjectCommand({ Bucket: this.context.bucket, Key: this.fullKey }));
    } catch (error) {
      throw this.fail(error, 'HeadObject');
    }
  }

  /** A ranged GET; undefined when the range starts past the end (416: the object is empty). */
  async get(start: number, length: number, etag?: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.context.client.send(
        new GetObjectCommand({ Bucket: this.context.bucket, Key: this.fullKey, Range: `bytes=${start}-${start + length - 1}`, IfMatch: etag }),
      );
    } catch (error) {
      if (httpStatusOf(error) === 416) return undefined;
      throw this.fail(error, 'GetObject');
    }
  }

  /** Exactly `length` bytes from `start`, streamed. */
  async *range(start: number, length: number, etag: string): AsyncGenerator<Uint8Array> {
    const out = await this.get(start, length, etag);
    let received = 0;
    try {
      for await (const chunk of out ? bodyChunks(out) : []) {
        received += chunk.length;
        if (received > length) break;
        yield chunk;
      }
    } catch (error) {
      throw this.fail(error, 'GetObject');
    }
    if (received !== length) throw new SourceError(`GetObject s3://${this.context.bucket}/${this.fullKey}: expected ${length} bytes at ${start}, got ${received}`);
  }

  /** The header and first range of the object; undefined when it was deleted since it was listed. */
  async fetch(listedSize: number): Promise<FetchedObject | undefined> {
    const { rangeSize } = this.context;
    let header: ObjectHeader;
    let first: Uint8Array = new Uint8Array(0);
    try {
      // An object listed as empty has no first range; one emptied since listing answers 416.
      const out = listedSize > 0 ? await this.get(0, rangeSize) : undefined;
      if (out) {
        header = headerOf(this.key, totalSize(out), out);
        first = out.Body ? await out.Body.transformToByteArray() : first;
        const expected = Math.min(header.size, rangeSize);
        if (first.length !== expected) throw new SourceError(`GetObject s3://${this.context.bucket}/${this.fullKey}: expected ${expected} bytes, got ${first.length}`);
      } else {
        const head = await this.head();
        header = headerOf(this.key, head.ContentLength ?? 0, head);
      }
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
    return { header, body: this.body({ first }, header.size, header.etag) };
  }

  /** `held.first`, then the bytes after it up to `size`, one ranged GET after the other, each pinned to `etag`. */
  private async *body(held: { first?: Uint8Array }, size: number, etag: string): AsyncGenerator<Uint8Array> {
    const { rangeSize } = this.context;
    const start = held.first?.length ?? 0;
    if (held.first && held.first.length > 0) yield held.first;
    // Not held while the rest streams.
    held.first = undefined;
    for (let offset = start; offset < size; offset += rangeSize) yield* this.range(offset, Math.min(rangeSize, size - offset), `"${etag}"`);
  }
}

/**
 * Starts reading a listed object: its header and first `rangeSize` bytes now,
 * the rest on demand. Undefined when the object was deleted since it was listed.
 */
export function fetchObject(context: ObjectReadContext, object: ListedObject): Promise<FetchedObject | undefined> {
  return new ObjectReader(context, object.key).fetch(object.size);
}
