/**
 * Listing the objects under a prefix in S3's order, which is the byte order
 * of the UTF-8 keys (not JavaScript's UTF-16 string order: they differ once
 * keys hold characters beyond U+FFFF), optionally within a key range.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KeyFilter } from '../key-filter.js';
import { mapS3SourceError } from './errors.js';

/** An object as listed, keyed relative to the listing prefix. */
export interface ListedObject {
  key: string;
  size: number;
}

/** Where and what to list. */
export interface ListRequest {
  client: S3Client;
  bucket: string;
  /** `''` or ending in `/`. */
  prefix: string;
  filter?: KeyFilter;
  /** Only keys after this one (relative, exclusive; `''` from the start). */
  startAfter?: string;
  /** Only keys up to this one (relative, inclusive; null or absent: to the end). */
  lastKey?: string | null;
}

/** Compares keys as S3 orders them: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The objects under `prefix` in S3's order, one ListObjectsV2 page at a time
 * as the caller iterates. The prefix's own folder marker (relative key `''`)
 * and keys the filter rejects are left out.
 */
export async function* listObjects(request: ListRequest): AsyncGenerator<ListedObject> {
  const { client, bucket, prefix } = request;
  const lastKey = request.lastKey ?? null;
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: token,
          ...(token === undefined && request.startAfter ? { StartAfter: prefix + request.startAfter } : {}),
        }),
      );
    } catch (error) {
      throw mapS3SourceError(error, { bucket, key: prefix, operation: 'ListObjectsV2' });
    }
    for (const object of page.Contents ?? []) {
      const key = object.Key?.slice(prefix.length) ?? '';
      if (lastKey !== null && compareKeys(key, lastKey) > 0) return;
      if (key === '' || (request.filter && !request.filter(key))) continue;
      yield { key, size: object.Size ?? 0 };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
