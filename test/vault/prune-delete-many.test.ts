/**
 * The prune's sweep deletes packs with S3 DeleteObjects (`S3ObjectStore.deleteMany`),
 * up to 1,000 keys a call, on the moto server; the requests are observed
 * through the client's middleware stack, nothing is mocked.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'vitest';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { mapLimit } from '../../vault/util/concurrency.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';

test('deleteMany removes 1,200 objects in two DeleteObjects calls and no DeleteObject', async (t) => {
  // Prepare
  const bucket = `haven-delete-many-${randomUUID()}`;
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  const store = new S3ObjectStore(bucket, 'vault');
  const keys = Array.from({ length: 1200 }, (_, i) => `data/${String(i % 100).padStart(2, '0')}/pack-${i}`);
  await mapLimit(keys, 32, (key) => store.put(key, Buffer.from(key)));
  const commands: string[] = [];
  const name = `count-${randomUUID()}`;
  s3Client().middlewareStack.add((next, context) => async (args) => {
    commands.push(context.commandName ?? '');
    return next(args);
  }, { step: 'initialize', name });
  t.onTestFinished(() => void s3Client().middlewareStack.remove(name));

  // Act
  await store.deleteMany(keys);

  // Assess
  assert.deepEqual(commands.filter((c) => c.startsWith('DeleteObject')), ['DeleteObjectsCommand', 'DeleteObjectsCommand']);
  const left: string[] = [];
  for await (const info of store.list('data/')) left.push(info.key);
  assert.deepEqual(left, []);
});
