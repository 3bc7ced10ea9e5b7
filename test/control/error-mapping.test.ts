import { test } from 'vitest';
import assert from 'node:assert/strict';
import { KMSServiceException } from '@aws-sdk/client-kms';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { KeyAccessError, KeyNotFoundError, KeyServiceUnavailableError } from '../../vault/keys/errors.js';
import { mapKmsError } from '../../vault/keys/kms-errors.js';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  StorageAccessDeniedError,
  StorageError,
  StorageUnavailableError,
} from '../../vault/storage/errors.js';
import { mapFsError } from '../../vault/storage/fs-errors.js';
import { mapS3Error } from '../../vault/storage/s3-errors.js';

const s3 = (name: string, status: number | undefined, fault: 'client' | 'server' = 'client') =>
  new S3ServiceException({ name, $fault: fault, $metadata: status === undefined ? {} : { httpStatusCode: status }, message: `${name} happened` });
const kms = (name: string, status: number, fault: 'client' | 'server' = 'client') =>
  new KMSServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: `${name} happened` });
const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });

const S3_CONTEXT = { bucket: 'b-1', key: 'pre/k', relativeKey: 'k', operation: 'GetObject' };

test('S3 errors map to typed storage errors naming the bucket and key', () => {
  // Prepare
  const cases: [unknown, new (...args: never[]) => Error][] = [
    [s3('NoSuchKey', 404), ObjectNotFoundError],
    [s3('NotFound', 404), ObjectNotFoundError],
    [s3('AccessDenied', 403), StorageAccessDeniedError],
    [s3('InvalidAccessKeyId', 403), StorageAccessDeniedError],
    [s3('ExpiredToken', 400), StorageAccessDeniedError],
    [s3('PreconditionFailed', 412), ObjectExistsError],
    [s3('NoSuchBucket', 404), StorageUnavailableError],
    [s3('SlowDown', 503, 'server'), StorageUnavailableError],
    [s3('InternalError', 500, 'server'), StorageUnavailableError],
    [s3('ConditionalRequestConflict', 409), StorageUnavailableError],
    [s3('RequestTimeout', 400), StorageUnavailableError],
    [networkError('ECONNREFUSED'), StorageUnavailableError],
    [networkError('ECONNRESET'), StorageUnavailableError],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), StorageUnavailableError],
    [s3('InvalidArgument', 400), StorageError],
  ];
  for (const [error, expected] of cases) {
    // Act
    const mapped = mapS3Error(error, S3_CONTEXT);

    // Assess
    assert.equal(mapped.constructor, expected, `${(error as Error).name}/${(error as { code?: string }).code}`);
    assert.equal(mapped.cause, error);
    if (!(mapped instanceof ObjectNotFoundError || mapped instanceof ObjectExistsError)) assert.match(mapped.message, /GetObject s3:\/\/b-1\/pre\/k/);
  }
});

test('a missing S3 object\'s error names the key as the caller named it', () => {
  // Prepare
  const error = s3('NoSuchKey', 404);

  // Act
  const notFound = mapS3Error(error, S3_CONTEXT);

  // Assess
  assert.ok(notFound instanceof ObjectNotFoundError);
  assert.equal(notFound.key, 'k', 'the key as the caller named it');
});

test('an error already typed passes through S3 error mapping unchanged', () => {
  // Prepare
  const already = new StorageUnavailableError('x');

  // Act
  const mapped = mapS3Error(already, S3_CONTEXT);

  // Assess
  assert.equal(mapped, already);
});

test('KMS errors map to typed key errors', () => {
  // Prepare
  const cases: [unknown, new (...args: never[]) => Error][] = [
    [kms('InvalidCiphertextException', 400), KeyAccessError],
    [kms('IncorrectKeyException', 400), KeyAccessError],
    [kms('NotFoundException', 400), KeyNotFoundError],
    [kms('DisabledException', 400), KeyAccessError],
    [kms('KMSInvalidStateException', 400), KeyAccessError],
    [kms('AccessDeniedException', 400), KeyAccessError],
    [kms('ThrottlingException', 400), KeyServiceUnavailableError],
    [kms('KMSInternalException', 500, 'server'), KeyServiceUnavailableError],
    [kms('KeyUnavailableException', 500, 'server'), KeyServiceUnavailableError],
    [kms('DependencyTimeoutException', 503, 'server'), KeyServiceUnavailableError],
    [networkError('ECONNREFUSED'), KeyServiceUnavailableError],
    [kms('ValidationException', 400), KeyAccessError],
  ];
  for (const [error, expected] of cases) {
    // Act
    const mapped = mapKmsError(error, 'alias/k', 'Decrypt');

    // Assess
    assert.equal(mapped.constructor, expected, (error as Error).name);
    assert.equal(mapped.cause, error);
    assert.match(mapped.message, /KMS Decrypt with key alias\/k/);
  }
});

test('an invalid KMS ciphertext\'s message points at a wrong key or encryption context', () => {
  // Prepare
  const error = kms('InvalidCiphertextException', 400);

  // Act
  const mapped = mapKmsError(error, 'k', 'Decrypt');

  // Assess
  assert.match(mapped.message, /wrong key or encryption context/);
});

test('filesystem errors map by errno code', () => {
  // Prepare
  const fsError = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
  const context = { key: 'k', path: '/v/k', operation: 'write' };
  const codes = ['ENOSPC', 'EDQUOT', 'ENOENT', 'EACCES', 'EROFS', 'EIO', 'EWEIRD'];

  // Act
  const names = codes.map((code) => mapFsError(fsError(code), context).name);

  // Assess
  assert.deepEqual(names, [
    'InsufficientSpaceError',
    'InsufficientSpaceError',
    'ObjectNotFoundError',
    'StorageAccessDeniedError',
    'StorageAccessDeniedError',
    'StorageUnavailableError',
    'StorageError',
  ]);
});
