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

test('S3 errors map to typed storage errors naming the bucket and key', () => {
  const context = { bucket: 'b-1', key: 'pre/k', relativeKey: 'k', operation: 'GetObject' };
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
    const mapped = mapS3Error(error, context);
    assert.equal(mapped.constructor, expected, `${(error as Error).name}/${(error as { code?: string }).code}`);
    assert.equal(mapped.cause, error);
    if (!(mapped instanceof ObjectNotFoundError || mapped instanceof ObjectExistsError)) assert.match(mapped.message, /GetObject s3:\/\/b-1\/pre\/k/);
  }
  const notFound = mapS3Error(s3('NoSuchKey', 404), context);
  assert.ok(notFound instanceof ObjectNotFoundError);
  assert.equal(notFound.key, 'k', 'the key as the caller named it');
  const already = new StorageUnavailableError('x');
  assert.equal(mapS3Error(already, context), already);
});

test('KMS errors map to typed key errors', () => {
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
    const mapped = mapKmsError(error, 'alias/k', 'Decrypt');
    assert.equal(mapped.constructor, expected, (error as Error).name);
    assert.equal(mapped.cause, error);
    assert.match(mapped.message, /KMS Decrypt with key alias\/k/);
  }
  assert.match(mapKmsError(kms('InvalidCiphertextException', 400), 'k', 'Decrypt').message, /wrong key or encryption context/);
});

test('filesystem errors map by errno code', () => {
  const fsError = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
  const context = { key: 'k', path: '/v/k', operation: 'write' };
  assert.equal(mapFsError(fsError('ENOSPC'), context).name, 'InsufficientSpaceError');
  assert.equal(mapFsError(fsError('EDQUOT'), context).name, 'InsufficientSpaceError');
  assert.equal(mapFsError(fsError('ENOENT'), context).name, 'ObjectNotFoundError');
  assert.equal(mapFsError(fsError('EACCES'), context).name, 'StorageAccessDeniedError');
  assert.equal(mapFsError(fsError('EROFS'), context).name, 'StorageAccessDeniedError');
  assert.equal(mapFsError(fsError('EIO'), context).name, 'StorageUnavailableError');
  assert.equal(mapFsError(fsError('EWEIRD'), context).name, 'StorageError');
});
