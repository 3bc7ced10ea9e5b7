/**
 * One S3 multipart upload of an in-memory body: parts of a fixed size go up
 * with bounded concurrency, each with a CRC32 checksum that S3 verifies; the
 * object appears only when the upload completes. On any failure the upload is
 * aborted, after the parts in flight have settled, so no half-written upload
 * is left behind (and nothing is billed for orphaned parts).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StorageUnavailableError } from './errors.js';
import { mapS3Error } from './s3-errors.js';

/** S3's smallest part size (except the last part). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** S3's largest number of parts per upload. */
export const MAX_PARTS = 10_000;

/** What one multipart upload needs. */
export interface MultipartUploadRequest {
  client: S3Client;
  bucket: string;
  /** Full S3 key, prefix included. */
  key: string;
  /** The key as the caller named it, for errors. */
  relativeKey: string;
  body: Uint8Array;
  /** Bytes per part; raised when needed so the body fits in 10,000 parts. */
  partSize: number;
  /** Parts in flight at once. */
  concurrency: number;
  /** Complete with `If-None-Match: *`, so an existing object is never replaced. */
  ifNotExists: boolean;
  onProgress?: ((bytesSent: number) => void) | undefined;
}

/** The part size actually used for a body: at least `requested` and S3's minimum, at most 10,000 parts. */
export function effectivePartSize(bodyLength: number, requested: number): number {
  return Math.max(requested, MIN_PART_SIZE, Math.ceil(bodyLength / MAX_PARTS));
}

function reportProgress(onProgress: ((bytesSent: number) => void) | undefined, bytesSent: number): void {
  try {
    onProgress?.(bytesSent);
  } catch {
    // Progress reporting never fails an upload.
  }
}

async function uploadParts(request: MultipartUploadRequest, uploadId: string): Promise<CompletedPart[]> {
  const { client, bucket, key, body } = request;
  const partSize = effectivePartSize(body.length, request.partSize);
  const count = Math.ceil(body.length / partSize);
  const parts: CompletedPart[] = new Array<CompletedPart>(count);
  let next = 0;
  let sent = 0;
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < count) {
      const index = next++;
      const chunk = body.subarray(index * partSize, Math.min((index + 1) * partSize, body.length));
      try {
        const out = await client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: index + 1,
            Body: chunk,
            ChecksumAlgorithm: 'CRC32',
          }),
        );
        parts[index] = { PartNumber: index + 1, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 };
        sent += chunk.length;
        reportProgress(request.onProgress, sent);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // Every worker settles before we return or throw, so an abort never races a part still in flight.
  await Promise.all(Array.from({ length: Math.min(request.concurrency, count) }, worker));
  if (failure !== undefined) throw failure.error;
  return parts;
}

/**
 * Uploads `request.body` as one multipart upload and completes it.
 * @throws the mapped storage error of the first failure (`ObjectExistsError`
 *   when `ifNotExists` is set and the object appeared meanwhile), after the
 *   upload has been aborted
 */
export async function uploadMultipart(request: MultipartUploadRequest): Promise<void> {
  const { client, bucket, key, relativeKey } = request;
  const context = (operation: string) => ({ bucket, key, relativeKey, operation });
  let uploadId: string | undefined;
  try {
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32' }));
    uploadId = created.UploadId;
  } catch (error) {
    throw mapS3Error(error, context('CreateMultipartUpload'));
  }
  if (!uploadId) throw new StorageUnavailableError(`CreateMultipartUpload s3://${bucket}/${key}: no upload id in the response`);

  let operation = 'UploadPart';
  try {
    const parts = await uploadParts(request, uploadId);
    operation = 'CompleteMultipartUpload';
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        ...(request.ifNotExists ? { IfNoneMatch: '*' } : {}),
      }),
    );
  } catch (error) {
    const mapped = mapS3Error(error, context(operation));
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch {
      // Best effort: the bucket's AbortIncompleteMultipartUpload lifecycle rule collects what an abort could not.
    }
    throw mapped;
  }
}
