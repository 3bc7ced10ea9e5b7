import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { InvalidStoreUriError } from '../../vault/storage/errors.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { openObjectStore, parseStoreUri } from '../../vault/storage/open-store.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';

test('s3:// locations open an S3 store with the bucket and a normalized prefix', () => {
  const store = openObjectStore('s3://my-backups/vaults/laptop/');
  assert.ok(store instanceof S3ObjectStore);
  assert.equal(store.bucket, 'my-backups');
  assert.equal(store.prefix, 'vaults/laptop/');
  assert.equal(store.uri, 's3://my-backups/vaults/laptop');

  const whole = openObjectStore('s3://my.backups-1');
  assert.ok(whole instanceof S3ObjectStore);
  assert.equal(whole.prefix, '');
  assert.equal(whole.uri, 's3://my.backups-1');
  assert.deepEqual(parseStoreUri('s3://bucket-x/'), { kind: 's3', bucket: 'bucket-x', prefix: '' });
});

test('file:// URLs and plain paths open a filesystem store', () => {
  const fromUrl = openObjectStore('file:///var/backups/vault');
  assert.ok(fromUrl instanceof FileObjectStore);
  assert.equal(fromUrl.rootDir, '/var/backups/vault');
  assert.equal(fromUrl.uri, 'file:///var/backups/vault');
  assert.deepEqual(parseStoreUri('file://localhost/srv/v%20x'), { kind: 'file', path: '/srv/v x' });
  assert.deepEqual(parseStoreUri('/abs/path'), { kind: 'file', path: '/abs/path' });
  assert.deepEqual(parseStoreUri('relative/vault'), { kind: 'file', path: resolve('relative/vault') });
  assert.deepEqual(parseStoreUri('./v'), { kind: 'file', path: join(process.cwd(), 'v') });
});

test('invalid locations are InvalidStoreUriError', () => {
  const bad = [
    '',
    '   ',
    's3://',
    's3:/bucket',
    's3://UpperCase',
    's3://ab',
    's3://bucket_with_underscore/x',
    's3://bucket..dots',
    's3://bucket/a/../b',
    's3://bucket/a//b',
    's3://bucket/p?x=1',
    'gs://bucket/p',
    'https://example.com/vault',
    'file://remote-host/share',
    'file:relative/path',
    'file:///a/b?query',
  ];
  for (const uri of bad) {
    assert.throws(
      () => openObjectStore(uri),
      (error: unknown) => error instanceof InvalidStoreUriError && error.code === 'InvalidInput',
      JSON.stringify(uri),
    );
  }
});
