/**
 * Writing one restored object with its content type, user metadata and
 * content headers: a small one in one PutObject, a large one streamed into a
 * multipart upload (fixed-size parts, a few in flight, CRC32-checked),
 * aborted on any failure so no half-written upload is left. With `ifAbsent`
 * the write is conditional (`If-None-Match: *`): an object already there is
 * left untouched and the write reports false.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectExistsError } from '../../vault/storage/errors.js';
import { effectivePartSize } from '../../vault/storage/s3-multipart.js';
import { rechunk } from '../rechunk.js';
import { TaskPool } from '../task-pool.js';
import { SourceError } from '../errors.js';
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

function attributesOf(header: ObjectHeader) {
  return {
    ...(header.content_type !== null ? { ContentType: header.content_type } : {}),
    Metadata: header.metadata,
    ...(header.cache_control ? { CacheControl: header.cache_control } : {}),
    ...(header.content_disposition ? { ContentDisposition: header.content_disposition } : {}),
    ...(header.content_encoding ? { ContentEncoding: header.content_encoding } : {}),
    ...(header.content_language ? { ContentLanguage: header.content_language } : {}),
  };
}

/** Maps an error; a lost conditional write becomes `false` when the write was conditional. */
function outcome(error: unknown, context: ObjectWriteContext, write: ObjectWrite, operation: string): false {
  const mapped = mapS3SourceError(error, { bucket: context.bucket, key: write.key, operation });
  if (write.ifAbsent && mapped instanceof ObjectExistsError) return false;
  throw mapped;
}

/**
 * Writes a small object from memory.
 * @returns false when `ifAbsent` and the object exists (nothing written)
 */
export async function putObject(context: ObjectWriteContext, write: ObjectWrite, body: Uint8Array): Promise<boolean> {
  try {
    await context.client.send(
      new PutObjectCommand({
        Bucket: context.bucket,
        Key: write.key,
        Body: body,
        ChecksumAlgorithm: 'CRC32',
        ...attributesOf(write.header),
        ...(write.ifAbsent ? { IfNoneMatch: '*' } : {}),
      }),
    );
    return true;
  } catch (error) {
    return outcome(error, context, write, 'PutObject');
  }
}

async function uploadParts(context: ObjectWriteContext, write: ObjectWrite, uploadId: string, body: AsyncIterable<Uint8Array>): Promise<CompletedPart[]> {
  const { client, bucket } = context;
  const parts: CompletedPart[] = [];
  const pool = new TaskPool(context.partConcurrency);
  let number = 0;
  try {
    for await (const part of rechunk(body, effectivePartSize(write.header.size, context.partSize))) {
      const PartNumber = ++number;
      await pool.submit(async () => {
        const out = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: write.key, UploadId: uploadId, PartNumber, Body: part, ChecksumAlgorithm: 'CRC32' }),
        );
        parts[PartNumber - 1] = { PartNumber, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 };
      });
    }
    await pool.drain();
  } finally {
    // Every part settles before an abort, so none lands after it.
    await pool.settle();
  }
  return parts;
}

/**
 * Streams a large object (exactly `write.header.size` bytes of `body`) into a
 * multipart upload and completes it; aborts the upload on any failure.
 * @returns false when `ifAbsent` and the object appeared before completion (upload aborted)
 */
export async function uploadObject(context: ObjectWriteContext, write: ObjectWrite, body: AsyncIterable<Uint8Array>): Promise<boolean> {
  const { client, bucket, key } = { ...context, key: write.key };
  let uploadId: string | undefined;
  try {
    const created = await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32', ...attributesOf(write.header) }),
    );
    uploadId = created.UploadId;
  } catch (error) {
    throw mapS3SourceError(error, { bucket, key, operation: 'CreateMultipartUpload' });
  }
  if (!uploadId) throw new SourceError(`CreateMultipartUpload s3://${bucket}/${key}: no upload id in the response`);
  let operation = 'UploadPart';
  try {
    const parts = await uploadParts(context, write, uploadId, body);
    operation = 'CompleteMultipartUpload';
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        ...(write.ifAbsent ? { IfNoneMatch: '*' } : {}),
      }),
    );
    return true;
  } catch (error) {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch {
      // Best effort: a bucket lifecycle rule (AbortIncompleteMultipartUpload) collects what an abort could not.
    }
    return outcome(error, context, write, operation);
  }
}
