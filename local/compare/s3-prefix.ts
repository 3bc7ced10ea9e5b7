/** Reads an S3 prefix into a comparable form (the demo and tests compare restores with it). */
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';

/** Every object under a prefix: relative key → size, SHA-256, content type and user metadata. */
export async function describePrefix(bucket: string, prefix: string): Promise<Map<string, string>> {
  const client = s3Client();
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const key = object.Key!;
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const hash = createHash('sha256');
      for await (const chunk of body.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
      out.set(key.slice(prefix.length), JSON.stringify({ size: object.Size, sha256: hash.digest('hex'), type: head.ContentType, meta: head.Metadata }));
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}
