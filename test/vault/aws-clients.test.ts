import { test } from 'vitest';
import assert from 'node:assert/strict';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';

test('smoke', async () => {
  const out = await s3Client().send(new ListBucketsCommand({}));
  assert.ok(Array.isArray(out.Buckets ?? []));
});
