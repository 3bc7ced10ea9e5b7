import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { deleteResult, deniedErrors, mergeErrors, rewrittenBodyHeaders, withoutDenied } from '../../../local/iam/delete-objects.js';
import { parseDeleteObjects } from '../../../local/iam/request/s3.js';

const BODY =
  '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object><Object><Key>keep/&lt;b&gt;</Key><VersionId>v1</VersionId></Object><Object><Key>c</Key></Object></Delete>';

describe('DeleteObjects with denied keys', () => {
  /** The AccessDenied error of the one denied object of BODY, `keep/<b>` (version v1). */
  const DENIED_ERROR = '<Error><Key>keep/&lt;b&gt;</Key><VersionId>v1</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

  test('the forwarded body drops exactly the denied objects', () => {
    // Prepare
    const { objects } = parseDeleteObjects(BODY);
    const denied = new Set(['keep/<b>']);

    // Act
    const body = withoutDenied(BODY, objects, denied);

    // Assess
    assert.deepEqual(parseDeleteObjects(body).objects.map((o) => o.Key), ['a', 'c']);
  });

  test('the errors name the denied objects with the AWS code and their version', () => {
    // Prepare
    const { objects } = parseDeleteObjects(BODY);
    const denied = new Set(['keep/<b>']);

    // Act
    const errors = deniedErrors(objects, denied);

    // Assess
    assert.equal(errors, DENIED_ERROR);
  });

  test("the errors join the emulator's DeleteResult, written out in full or self-closing", () => {
    // Act
    const full = mergeErrors('<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>', DENIED_ERROR);
    const selfClosing = mergeErrors('<DeleteResult xmlns="x"/>', DENIED_ERROR);

    // Assess
    assert.equal(full, `<DeleteResult><Deleted><Key>a</Key></Deleted>${DENIED_ERROR}</DeleteResult>`);
    assert.equal(selfClosing, `<DeleteResult xmlns="x">${DENIED_ERROR}</DeleteResult>`);
  });

  test('a DeleteResult of errors alone is a whole S3 XML document', () => {
    // Act
    const result = deleteResult(DENIED_ERROR);

    // Assess
    assert.match(result, /^<\?xml[^>]*>\n<DeleteResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><Error>/);
  });

  test('the rewritten body gets its length and every checksum header recomputed (CRC32, CRC32C, SHA, MD5)', () => {
    // Prepare
    const body = Buffer.from('hello');

    // Act
    const headers = rewrittenBodyHeaders(
      { 'content-length': '99', 'content-md5': 'x', 'x-amz-checksum-crc32': 'x', 'x-amz-checksum-crc32c': 'x', 'x-amz-checksum-sha256': 'x', 'transfer-encoding': 'chunked', host: 'h' },
      body,
    );

    // Assess
    assert.deepEqual(headers, {
      host: 'h',
      'content-length': '5',
      'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==',
      'x-amz-checksum-crc32': 'NhCmhg==',
      'x-amz-checksum-crc32c': 'mnG7TA==',
      'x-amz-checksum-sha256': 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=',
    });
  });

  test('a CRC64NVME checksum of the rewritten body is dropped, with the algorithm header', () => {
    // Prepare
    const body = Buffer.from('hello');

    // Act
    const nvme = rewrittenBodyHeaders({ 'x-amz-checksum-crc64nvme': 'x', 'x-amz-sdk-checksum-algorithm': 'CRC64NVME' }, body);

    // Assess
    assert.deepEqual(nvme, { 'content-length': '5' });
  });
});
