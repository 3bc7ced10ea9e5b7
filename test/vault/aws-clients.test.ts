import { test } from 'vitest';
import assert from 'node:assert/strict';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';

test('the S3 client reaches the emulator and lists its buckets', async () => {
  // Act
  const out = await s3Client().send(new ListBucketsCommand({}));

  // Assess
  assert.ok(Array.isArray(out.Buckets ?? []));
});
