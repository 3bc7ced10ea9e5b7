import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { deleteResult, deniedErrors, mergeErrors, rewrittenBodyHeaders, withoutDenied } from '../../../local/iam/delete-objects.js';
import { parseDeleteObjects } from '../../../local/iam/request/s3.js';

const BODY =
  '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object><Object><Key>keep/&lt;b&gt;</Key><VersionId>v1</VersionId></Object><Object><Key>c</Key></Object></Delete>';

describe('DeleteObjects with denied keys', () => {
  test('the forwarded body drops exactly the denied objects; the errors name them with AWS code and version', () => {
    const { objects } = parseDeleteObjects(BODY);
    const denied = new Set(['keep/<b>']);
    const body = withoutDenied(BODY, objects, denied);
    assert.deepEqual(parseDeleteObjects(body).objects.map((o) => o.Key), ['a', 'c']);
    const errors = deniedErrors(objects, denied);
    assert.equal(errors, '<Error><Key>keep/&lt;b&gt;</Key><VersionId>v1</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    assert.equal(mergeErrors('<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>', errors), `<DeleteResult><Deleted><Key>a</Key></Deleted>${errors}</DeleteResult>`);
    assert.equal(mergeErrors('<DeleteResult xmlns="x"/>', errors), `<DeleteResult xmlns="x">${errors}</DeleteResult>`);
    assert.match(deleteResult(errors), /^<\?xml[^>]*>\n<DeleteResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><Error>/);
  });

  test('the rewritten body gets its length and every checksum header recomputed (CRC32, CRC32C, SHA, MD5); CRC64NVME is dropped', () => {
    const body = Buffer.from('hello');
    const headers = rewrittenBodyHeaders(
      { 'content-length': '99', 'content-md5': 'x', 'x-amz-checksum-crc32': 'x', 'x-amz-checksum-crc32c': 'x', 'x-amz-checksum-sha256': 'x', 'transfer-encoding': 'chunked', host: 'h' },
      body,
    );
    assert.deepEqual(headers, {
      host: 'h',
      'content-length': '5',
      'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==',
      'x-amz-checksum-crc32': 'NhCmhg==',
      'x-amz-checksum-crc32c': 'mnG7TA==',
      'x-amz-checksum-sha256': 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=',
    });
    const nvme = rewrittenBodyHeaders({ 'x-amz-checksum-crc64nvme': 'x', 'x-amz-sdk-checksum-algorithm': 'CRC64NVME' }, body);
    assert.deepEqual(nvme, { 'content-length': '5' });
  });
});
