import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { InvalidStoreUriError } from '../../vault/storage/errors.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { openObjectStore, parseStoreUri } from '../../vault/storage/open-store.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';

test('s3:// locations open an S3 store with the bucket and a normalized prefix', () => {
  // Act
  const store = openObjectStore('s3://my-backups/vaults/laptop/');

  // Assess
  assert.ok(store instanceof S3ObjectStore);
  assert.equal(store.bucket, 'my-backups');
  assert.equal(store.prefix, 'vaults/laptop/');
  assert.equal(store.uri, 's3://my-backups/vaults/laptop');
});

test('an s3:// location without a prefix opens the whole bucket', () => {
  // Act
  const whole = openObjectStore('s3://my.backups-1');
  const slashed = parseStoreUri('s3://bucket-x/');

  // Assess
  assert.ok(whole instanceof S3ObjectStore);
  assert.equal(whole.prefix, '');
  assert.equal(whole.uri, 's3://my.backups-1');
  assert.deepEqual(slashed, { kind: 's3', bucket: 'bucket-x', prefix: '' });
});

test('file:// URLs open a filesystem store at their decoded path', () => {
  // Act
  const fromUrl = openObjectStore('file:///var/backups/vault');
  const localhost = parseStoreUri('file://localhost/srv/v%20x');

  // Assess
  assert.ok(fromUrl instanceof FileObjectStore);
  assert.equal(fromUrl.rootDir, '/var/backups/vault');
  assert.equal(fromUrl.uri, 'file:///var/backups/vault');
  assert.deepEqual(localhost, { kind: 'file', path: '/srv/v x' });
});

test('plain paths, absolute or relative to the working directory, are filesystem locations', () => {
  // Act
  const absolute = parseStoreUri('/abs/path');
  const relative = parseStoreUri('relative/vault');
  const dotted = parseStoreUri('./v');

  // Assess
  assert.deepEqual(absolute, { kind: 'file', path: '/abs/path' });
  assert.deepEqual(relative, { kind: 'file', path: resolve('relative/vault') });
  assert.deepEqual(dotted, { kind: 'file', path: join(process.cwd(), 'v') });
});

test('invalid locations are InvalidStoreUriError', () => {
  // Prepare
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
    // Act
    const open = () => openObjectStore(uri);

    // Assess
    assert.throws(
      open,
      (error: unknown) => error instanceof InvalidStoreUriError && error.code === 'InvalidInput',
      JSON.stringify(uri),
    );
  }
});
