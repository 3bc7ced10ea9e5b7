/**
 * Writing one S3 object, the one way Haven does it (the vault's object store
 * and the S3 restore target both write through here):
 *
 * - below a threshold, one PutObject;
 * - above it, a multipart upload: parts sized within S3's limits (5 MiB to
 *   5 GiB, at most 10,000), cut from an in-memory body without copying or
 *   from a stream in bounded memory (about `concurrency + 1` parts), a few
 *   in flight at once;
 * - every request carries a CRC32 checksum that S3 verifies, parts included;
 * - each request is retried by the S3 client (adaptive retries, see
 *   `aws/clients.ts`); a part's body is a buffer, so a retry resends it whole;
 * - on any failure the upload is aborted once the parts in flight have
 *   settled, so no half-written upload is left (nor billed);
 * - `ifNotExists` writes conditionally (`If-None-Match: *`); a large body is
 *   first checked with HeadObject so it is not uploaded in vain.
 *
 * Each caller maps S3's failures to its own typed errors (`mapError`).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { collectBytes, rechunk } from '../util/rechunk.js';
import { ObjectExistsError, StorageError, StorageUnavailableError } from './errors.js';
import { httpStatusOf, type S3ErrorContext } from './s3-errors.js';

const MiB = 1024 * 1024;

/** S3's multipart limits. */
export const S3_MULTIPART_LIMITS = {
  /** Smallest part (except the last). */
  minPartSize: 5 * MiB,
  /** Largest part. */
  maxPartSize: 5 * 1024 * MiB,
  /** Most parts per upload. */
  maxParts: 10_000,
} as const;

/** Turns what the S3 client threw into the caller's typed error. */
export type S3ErrorMapper = (error: unknown, context: S3ErrorContext) => Error;

/** Content type, user metadata and content headers an object is written with. */
export type S3ObjectAttributes = Pick<
  PutObjectCommandInput,
  'ContentType' | 'Metadata' | 'CacheControl' | 'ContentDisposition' | 'ContentEncoding' | 'ContentLanguage' | 'StorageClass'
>;

/** One object to write. */
export interface S3ObjectWrite {
  client: S3Client;
  bucket: string;
  /** Full S3 key. */
  key: string;
  /** The key as the caller names it (e.g. without a store's prefix), for errors; `key` by default. */
  relativeKey?: string;
  /** The bytes: in memory, or a stream of exactly `size` bytes read once. */
  body: Uint8Array | AsyncIterable<Uint8Array>;
  /** Length of `body` in bytes. */
  size: number;
  attributes?: S3ObjectAttributes;
  /** Write only if no object has the key (`If-None-Match: *`); else `ObjectExistsError` from `mapError`, or directly. */
  ifNotExists?: boolean;
  /** Called with the bytes sent so far after each request; its failures are ignored. */
  onProgress?: ((bytesSent: number) => void) | undefined;
  mapError: S3ErrorMapper;
}

/** How a multipart upload is cut and sent. */
export interface MultipartSettings {
  /** Bytes per part; raised to S3's minimum, or so the body fits in 10,000 parts. */
  partSize: number;
  /** Parts in flight at once. */
  concurrency: number;
}

/** Where the single PutObject ends and the multipart upload begins. */
export interface S3WriteSettings extends MultipartSettings {
  /** Bodies of at least this many bytes go up as multipart uploads. */
  multipartThreshold: number;
}

/**
 * The part size actually used for `size` bytes: `requested` raised to S3's
 * minimum and to what fits 10,000 parts, capped at S3's largest part.
 * @throws StorageError when `size` needs more than 10,000 parts of 5 GiB
 */
export function partSizeFor(size: number, requested: number): number {
  const { minPartSize, maxPartSize, maxParts } = S3_MULTIPART_LIMITS;
  const partSize = Math.min(maxPartSize, Math.max(requested, minPartSize, Math.ceil(size / maxParts)));
  if (Math.ceil(size / partSize) > maxParts) throw new StorageError(`an object of ${size} bytes exceeds S3's multipart limits (${maxParts} parts of at most ${maxPartSize} bytes)`);
  return partSize;
}

/**
 * Writes an object: one PutObject below `settings.multipartThreshold`, a
 * multipart upload from it.
 * @throws what `mapError` makes of the first failure
 */
export async function writeS3Object(write: S3ObjectWrite, settings: S3WriteSettings): Promise<void> {
  if (write.size >= settings.multipartThreshold) return uploadMultipart(write, settings);
  const body = write.body instanceof Uint8Array ? write.body : await collectBytes(write.body, write.size);
  return putS3Object({ ...write, body });
}

/**
 * Writes an object from memory in one PutObject.
 * @throws what `mapError` makes of the failure (`ObjectExistsError` for a lost conditional write, with the usual mapper)
 */
export async function putS3Object(write: S3ObjectWrite & { body: Uint8Array }): Promise<void> {
  const { client, bucket, key, body } = write;
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: 'CRC32', ...write.attributes, ...conditional(write) }),
    );
  } catch (error) {
    throw write.mapError(error, contextOf(write, 'PutObject'));
  }
  reportProgress(write, body.length);
}

/**
 * Sends `write.body` as one multipart upload and completes it; the object
 * appears only then. Aborts the upload on any failure.
 * @throws ObjectExistsError when `ifNotExists` and the object is already there (nothing sent);
 *   what `mapError` makes of the first S3 failure, or the body's own error, after the abort
 */
export async function uploadMultipart(write: S3ObjectWrite, settings: MultipartSettings): Promise<void> {
  const { client, bucket, key } = write;
  const partSize = partSizeFor(write.size, settings.partSize);
  if (write.ifNotExists && (await exists(write))) throw new ObjectExistsError(write.relativeKey ?? key);
  let uploadId: string | undefined;
  try {
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32', ...write.attributes }));
    uploadId = created.UploadId;
  } catch (error) {
    throw write.mapError(error, contextOf(write, 'CreateMultipartUpload'));
  }
  if (!uploadId) throw new StorageUnavailableError(`CreateMultipartUpload s3://${bucket}/${key}: no upload id in the response`);

  try {
    const parts = await uploadParts(write, uploadId, partSize, Math.max(1, settings.concurrency));
    try {
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...conditional(write) }),
      );
    } catch (error) {
      throw write.mapError(error, contextOf(write, 'CompleteMultipartUpload'));
    }
  } catch (error) {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch {
      // Best effort: the bucket's AbortIncompleteMultipartUpload lifecycle rule collects what an abort could not.
    }
    throw error;
  }
}

/** The body's parts, numbered from 1: views of an in-memory body, fresh buffers cut from a stream. */
async function* partsOf(body: Uint8Array | AsyncIterable<Uint8Array>, partSize: number): AsyncGenerator<{ number: number; bytes: Uint8Array }> {
  let number = 0;
  if (body instanceof Uint8Array) {
    for (let offset = 0; offset < body.length; offset += partSize) yield { number: ++number, bytes: body.subarray(offset, offset + partSize) };
    return;
  }
  for await (const bytes of rechunk(body, partSize)) yield { number: ++number, bytes };
}

/**
 * Sends the parts with `concurrency` workers pulling from one generator (an
 * async generator hands out its items one call at a time, in order). Every
 * worker settles before this returns or throws, so an abort never races a
 * part still in flight.
 * @throws the body's own error as it is, or what `mapError` makes of a failed UploadPart
 */
async function uploadParts(write: S3ObjectWrite, uploadId: string, partSize: number, concurrency: number): Promise<CompletedPart[]> {
  const { client, bucket, key } = write;
  const parts: CompletedPart[] = [];
  const source = partsOf(write.body, partSize);
  let sent = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      let next: IteratorResult<{ number: number; bytes: Uint8Array }>;
      try {
        next = await source.next();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (next.done || failure !== undefined) return;
      const { number, bytes } = next.value;
      try {
        const out = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: number, Body: bytes, ChecksumAlgorithm: 'CRC32' }),
        );
        parts[number - 1] = { PartNumber: number, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 };
      } catch (error) {
        failure ??= { error: write.mapError(error, contextOf(write, 'UploadPart')) };
        return;
      }
      sent += bytes.length;
      reportProgress(write, sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await source.return(undefined);
  if (failure !== undefined) throw failure.error;
  if (sent !== write.size) throw new StorageError(`UploadPart s3://${bucket}/${key}: the body held ${sent} bytes, not the ${write.size} announced`);
  return parts;
}

async function exists(write: S3ObjectWrite): Promise<boolean> {
  try {
    await write.client.send(new HeadObjectCommand({ Bucket: write.bucket, Key: write.key }));
    return true;
  } catch (error) {
    if (httpStatusOf(error) === 404) return false;
    throw write.mapError(error, contextOf(write, 'HeadObject'));
  }
}

function conditional(write: S3ObjectWrite): { IfNoneMatch?: string } {
  return write.ifNotExists ? { IfNoneMatch: '*' } : {};
}

function contextOf(write: S3ObjectWrite, operation: string): S3ErrorContext {
  return { bucket: write.bucket, key: write.key, relativeKey: write.relativeKey ?? write.key, operation };
}

function reportProgress(write: S3ObjectWrite, bytesSent: number): void {
  try {
    write.onProgress?.(bytesSent);
  } catch {
    // Progress reporting never fails a write.
  }
}
