import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../../vault/aws/clients.js';
import { S3ObjectStore } from '../../../vault/storage/s3-store.js';

/** The storage class S3 reports for an object (HeadObject leaves it out for STANDARD). */
async function storageClassOf(bucket: string, key: string): Promise<string> {
  const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return head.StorageClass ?? 'STANDARD';
}

test('a store with a pack storage class writes packs in it and every other object STANDARD (moto)', async () => {
  // Prepare
  const bucket = `haven-pack-class-${randomUUID()}`;
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  const store = new S3ObjectStore(bucket, 'team-a', { packStorageClass: 'GLACIER_IR' });

  // Act
  await store.put('data/ab/ab01', new Uint8Array([1, 2, 3]));
  await store.put('snapshots/cd02', new Uint8Array([4]));
  await store.put('config', new Uint8Array([5]));

  // Assess
  assert.equal(await storageClassOf(bucket, 'team-a/data/ab/ab01'), 'GLACIER_IR');
  assert.equal(await storageClassOf(bucket, 'team-a/snapshots/cd02'), 'STANDARD');
  assert.equal(await storageClassOf(bucket, 'team-a/config'), 'STANDARD');
});
