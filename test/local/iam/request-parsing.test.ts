import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { RequestParseError } from '../../../local/iam/errors.js';
import { needsBody, parseRequest } from '../../../local/iam/request/parse.js';
import type { RawRequest } from '../../../local/iam/types.js';

const auth = (service: string, key = 'AKIDEXAMPLE') => `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;
const raw = (service: string, method: string, url: string, headers: Record<string, string> = {}, body = ''): RawRequest => ({
  method,
  url,
  headers: { authorization: auth(service), ...headers },
  body: Buffer.from(body),
});

describe('request parsing', () => {
  test('reads the access key, region and service from the SigV4 credential scope', () => {
    // Act
    const call = parseRequest(raw('dynamodb', 'POST', '/', { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, '{"TableName":"t"}'));

    // Assess
    assert.deepEqual(call.credential, { accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'dynamodb' });
  });

  test('reads the access key, region and service from a presigned URL', () => {
    // Act
    const presigned = parseRequest({ method: 'GET', url: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDP%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=x', headers: {}, body: Buffer.alloc(0) });

    // Assess
    assert.deepEqual([presigned.credential, presigned.operation, presigned.params], [{ accessKeyId: 'AKIDP', region: 'eu-west-1', service: 's3' }, 'GetObject', { Bucket: 'b', Key: 'k' }]);
  });

  test('an unsigned or non-SigV4 request is a RequestParseError', () => {
    for (const headers of [{}, { authorization: 'AWS AKID:sig' }, { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/bad' }]) {
      // Act
      const parse = () => parseRequest({ method: 'GET', url: '/b', headers, body: Buffer.alloc(0) });

      // Assess
      assert.throws(parse, RequestParseError, JSON.stringify(headers));
    }
  });

  test('routes S3 requests like S3 does (path-style), whatever x-id says', () => {
    // Prepare
    const cases: [string, string, Record<string, string>, string][] = [
      ['GET', '/', {}, 'ListBuckets'],
      ['HEAD', '/vault', {}, 'HeadBucket'],
      ['GET', '/vault?list-type=2&prefix=a%2F', {}, 'ListObjectsV2'],
      ['GET', '/vault', {}, 'ListObjects'],
      ['GET', '/vault?versions&prefix=x', {}, 'ListObjectVersions'],
      ['GET', '/vault?location', {}, 'GetBucketLocation'],
      ['GET', '/vault?encryption', {}, 'GetBucketEncryption'],
      ['PUT', '/vault?versioning', {}, 'PutBucketVersioning'],
      ['PUT', '/vault?object-lock', {}, 'PutObjectLockConfiguration'],
      ['PUT', '/vault', {}, 'CreateBucket'],
      ['POST', '/vault?delete', {}, 'DeleteObjects'],
      ['GET', '/vault/a/b.txt?x-id=GetObject', {}, 'GetObject'],
      ['HEAD', '/vault/a', {}, 'HeadObject'],
      ['PUT', '/vault/a?x-id=PutObject', {}, 'PutObject'],
      ['PUT', '/vault/a?x-id=CopyObject', { 'x-amz-copy-source': '/src/k' }, 'CopyObject'],
      ['POST', '/vault/a?uploads', {}, 'CreateMultipartUpload'],
      ['PUT', '/vault/a?partNumber=1&uploadId=u&x-id=UploadPart', {}, 'UploadPart'],
      ['PUT', '/vault/a?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'src/k' }, 'UploadPartCopy'],
      ['POST', '/vault/a?uploadId=u', {}, 'CompleteMultipartUpload'],
      ['DELETE', '/vault/a?uploadId=u', {}, 'AbortMultipartUpload'],
      ['GET', '/vault/a?uploadId=u', {}, 'ListParts'],
      ['DELETE', '/vault/a?x-id=DeleteObject', {}, 'DeleteObject'],
      ['GET', '/vault/a?retention', {}, 'GetObjectRetention'],
      ['GET', '/vault/a?tagging', {}, 'GetObjectTagging'],
      ['GET', '/vault?tagging', {}, 'GetBucketTagging'],
    ];
    const body = (operation: string) => (operation === 'DeleteObjects' ? '<Delete><Object><Key>k</Key></Object></Delete>' : '');
    for (const [method, url, headers, operation] of cases) {
      // Act
      const call = parseRequest(raw('s3', method, url, headers, body(operation)));

      // Assess
      assert.equal(call.operation, operation, `${method} ${url}`);
    }
  });

  test('S3 parameters: percent-decoded keys, object-lock and encryption headers', () => {
    // Act
    const put = parseRequest(
      raw('s3', 'PUT', '/vault/dir/a%20b%2Bc%3F.txt', {
        'x-amz-object-lock-mode': 'GOVERNANCE',
        'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z',
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-bypass-governance-retention': 'true',
      }),
    );

    // Assess
    assert.deepEqual(put.params, { Bucket: 'vault', Key: 'dir/a b+c?.txt', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: '2030-01-01T00:00:00Z', ServerSideEncryption: 'aws:kms', BypassGovernanceRetention: 'true' });
  });

  test('S3 parameters: the listing query, percent-decoded', () => {
    // Act
    const list = parseRequest(raw('s3', 'GET', '/vault?list-type=2&prefix=haven-verify-1%2F&max-keys=10'));

    // Assess
    assert.deepEqual(list.params, { Bucket: 'vault', Prefix: 'haven-verify-1/', MaxKeys: '10' });
  });

  test('S3 parameters: a copy source with its version', () => {
    // Act
    const copy = parseRequest(raw('s3', 'PUT', '/dst/b', { 'x-amz-copy-source': '/src/a%2Fb?versionId=v1' }));

    // Assess
    assert.deepEqual(copy.params.CopySource, { Bucket: 'src', Key: 'a/b', VersionId: 'v1' });
  });

  test('S3 bodies are read only for DeleteObjects and PutObjectRetention (other protocols always)', () => {
    // Act
    const needed = [needsBody('s3', 'PUT', '/vault/a?x-id=PutObject'), needsBody('s3', 'POST', '/vault?delete'), needsBody('s3', 'PUT', '/vault/a?retention'), needsBody('dynamodb', 'POST', '/')];

    // Assess
    assert.deepEqual(needed, [false, true, true, true]);
  });

  test('DeleteObjects keys are XML-unescaped, with their versions and Quiet', () => {
    // Prepare
    const body = '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>';

    // Act
    const call = parseRequest(raw('s3', 'POST', '/vault?delete', {}, body));

    // Assess
    const del = call.params.Delete as { Objects: { Key: string; VersionId?: string }[]; Quiet: boolean };
    assert.deepEqual(del.Objects.map(({ Key, VersionId }) => ({ Key, VersionId })), [{ Key: 'a&b', VersionId: undefined }, { Key: 'c', VersionId: 'v1' }]);
    assert.equal(del.Quiet, true);
  });

  test('a DeleteObjects body that is no Delete is a RequestParseError', () => {
    // Act
    const parse = () => parseRequest(raw('s3', 'POST', '/vault?delete', {}, '<NotDelete/>'));

    // Assess
    assert.throws(parse, RequestParseError);
  });

  test('JSON protocols: the operation from X-Amz-Target, the parameters from the body', () => {
    // Act
    const call = parseRequest(raw('kms', 'POST', '/', { 'x-amz-target': 'TrentService.GenerateDataKey' }, '{"KeyId":"alias/x","EncryptionContext":{"vault":"v"}}'));
    const sqs = parseRequest(raw('sqs', 'POST', '/', { 'x-amz-target': 'AmazonSQS.SendMessage' }, '{}'));

    // Assess
    assert.deepEqual([call.protocol, call.operation, call.params], ['json', 'GenerateDataKey', { KeyId: 'alias/x', EncryptionContext: { vault: 'v' } }]);
    assert.equal(sqs.operation, 'SendMessage');
  });

  test('JSON protocols: a body that does not parse is a RequestParseError', () => {
    // Act
    const parse = () => parseRequest(raw('states', 'POST', '/', { 'x-amz-target': 'AWSStepFunctions.StartExecution' }, '{not json'));

    // Assess
    assert.throws(parse, RequestParseError);
  });

  test('query protocol: Action and parameters from the form body', () => {
    // Act
    const call = parseRequest(raw('sns', 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, 'Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At&Message=hi'));

    // Assess
    assert.deepEqual([call.protocol, call.operation, call.params], ['query', 'Publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'hi' }]);
  });

  test('query protocol: a form body without Action is a RequestParseError', () => {
    // Act
    const parse = () => parseRequest(raw('sns', 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'TopicArn=x'));

    // Assess
    assert.throws(parse, RequestParseError);
  });

  test('REST-JSON: a Lambda invocation names the function and qualifier; its payload is not input', () => {
    // Act
    const invoke = parseRequest(raw('lambda', 'POST', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn/invocations?Qualifier=live', {}, '{"TableName":"payload, not input"}'));

    // Assess
    assert.deepEqual([invoke.protocol, invoke.operation, invoke.params], ['rest-json', 'Invoke', { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:fn', Qualifier: 'live' }]);
  });

  test('REST-JSON: Scheduler routes name the schedule, with groupName from the body or the query', () => {
    // Act
    const create = parseRequest(raw('scheduler', 'POST', '/schedules/job-1', { 'content-type': 'application/json' }, '{"GroupName":"haven","Target":{"RoleArn":"arn:aws:iam::123456789012:role/r"}}'));
    const get = parseRequest(raw('scheduler', 'GET', '/schedules/job-1?groupName=haven'));
    const list = parseRequest(raw('scheduler', 'GET', '/schedules?ScheduleGroup=haven'));

    // Assess
    assert.deepEqual([create.operation, create.params], ['CreateSchedule', { Name: 'job-1', GroupName: 'haven', Target: { RoleArn: 'arn:aws:iam::123456789012:role/r' } }]);
    assert.deepEqual(get.params, { Name: 'job-1', GroupName: 'haven' });
    assert.equal(list.operation, 'ListSchedules');
  });

  test('REST-JSON: an unknown route is a RequestParseError', () => {
    // Act
    const parse = () => parseRequest(raw('lambda', 'POST', '/2099-01-01/unknown'));

    // Assess
    assert.throws(parse, RequestParseError);
  });
});
