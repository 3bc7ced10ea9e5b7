/**
 * Writing one restored object with its content type, user metadata and
 * content headers, through the vault's S3 writer (`vault/storage/s3-multipart.ts`):
 * a small one in one PutObject, a large one streamed into a multipart upload
 * (bounded memory, a few parts in flight, CRC32-checked, aborted on any
 * failure). With `ifAbsent` the write is conditional (`If-None-Match: *`):
 * an object already there is left untouched and the write reports false.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ObjectExistsError } from '../../vault/storage/errors.js';
import { putS3Object, uploadMultipart, type S3ObjectAttributes, type S3ObjectWrite } from '../../vault/storage/s3-multipart.js';
import { mapS3SourceError } from './errors.js';
import type { ObjectHeader } from './frame.js';

/** Where and how objects are written. */
export interface ObjectWriteContext {
  client: S3Client;
  bucket: string;
  /** Bytes per part of a multipart upload (raised when needed to fit 10,000 parts). */
  partSize: number;
  /** Parts in flight at once per upload. */
  partConcurrency: number;
}

/** One object to write. */
export interface ObjectWrite {
  /** Full key in the target bucket. */
  key: string;
  header: ObjectHeader;
  /** Write only if no object has the key. */
  ifAbsent: boolean;
}

function attributesOf(header: ObjectHeader): S3ObjectAttributes {
  return {
    ...(header.content_type !== null ? { ContentType: header.content_type } : {}),
    Metadata: header.metadata,
    ...(header.cache_control ? { CacheControl: header.cache_control } : {}),
    ...(header.content_disposition ? { ContentDisposition: header.content_disposition } : {}),
    ...(header.content_encoding ? { ContentEncoding: header.content_encoding } : {}),
    ...(header.content_language ? { ContentLanguage: header.content_language } : {}),
  };
}

function s3Write(context: ObjectWriteContext, write: ObjectWrite, body: Uint8Array | AsyncIterable<Uint8Array>): S3ObjectWrite {
  return {
    client: context.client,
    bucket: context.bucket,
    key: write.key,
    body,
    size: write.header.size,
    attributes: attributesOf(write.header),
    ifNotExists: write.ifAbsent,
    mapError: mapS3SourceError,
  };
}

/** Runs a write; a lost conditional write becomes `false`. */
async function written(write: ObjectWrite, run: Promise<void>): Promise<boolean> {
  try {
    await run;
    return true;
  } catch (error) {
    if (write.ifAbsent && error instanceof ObjectExistsError) return false;
    throw error;
  }
}

/**
 * Writes a small object from memory.
 * @returns false when `ifAbsent` and the object exists (nothing written)
 */
export function putObject(context: ObjectWriteContext, write: ObjectWrite, body: Uint8Array): Promise<boolean> {
  return written(write, putS3Object({ ...s3Write(context, write, body), body, size: body.length }));
}

/**
 * Streams a large object (exactly `write.header.size` bytes of `body`) into a
 * multipart upload and completes it; aborts the upload on any failure.
 * @returns false when `ifAbsent` and the object was already there or appeared before completion (nothing written)
 */
export function uploadObject(context: ObjectWriteContext, write: ObjectWrite, body: AsyncIterable<Uint8Array>): Promise<boolean> {
  return written(write, uploadMultipart(s3Write(context, write, body), { partSize: context.partSize, concurrency: context.partConcurrency }));
}
