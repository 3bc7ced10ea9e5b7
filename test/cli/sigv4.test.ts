/** SigV4 signing: AWS's published test vector, and the execute-api header shape. */
import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { resolveEndpoint, isLoopback, regionFromHost } from '../../cli/api/endpoint.js';
import { sigv4Signer } from '../../cli/api/sigv4.js';

// The "get-vanilla" case of AWS's Signature Version 4 test suite.
const VECTOR = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  date: new Date('2015-08-30T12:36:00Z'),
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
};

describe('sigv4Signer', () => {
  test("matches AWS's get-vanilla test vector", async () => {
    const sign = sigv4Signer({ region: 'us-east-1', service: 'service', credentials: VECTOR.credentials, now: () => VECTOR.date });
    const headers = await sign({ method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} });
    assert.equal(headers.authorization, VECTOR.authorization);
    assert.equal(headers['x-amz-date'], '20150830T123600Z');
  });

  test('signs for execute-api; the signature covers body, query and path', async () => {
    const sign = sigv4Signer({ region: 'eu-west-1', credentials: VECTOR.credentials, now: () => VECTOR.date });
    const url = new URL('https://abc.execute-api.eu-west-1.amazonaws.com/prod/backup/files?job_id=job_1');
    const base = { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
    const a = (await sign(base)).authorization!;
    assert.match(a, /Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request/);
    assert.match(a, /SignedHeaders=content-type;host;x-amz-date/);
    const signature = (h: string) => h.split('Signature=')[1];
    assert.notEqual(signature((await sign({ ...base, body: '{"a":2}' })).authorization!), signature(a));
    assert.notEqual(signature((await sign({ ...base, url: new URL(`${url.origin}/prod/backup/files?job_id=job_2`) })).authorization!), signature(a));
    assert.equal(signature((await sign(base)).authorization!), signature(a), 'deterministic for the same request and time');
  });
});

describe('endpoint resolution', () => {
  test('loopback hosts are not signed unless --sigv4; others are', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'api.localhost']) assert.equal(isLoopback(new URL(`http://${host}:3000`).hostname), true, host);
    for (const host of ['example.com', '10.0.0.1', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
    assert.equal(resolveEndpoint({}, {}).sign, false);
    assert.equal(resolveEndpoint({}, {}).url.href, 'http://127.0.0.1:3000/');
    assert.equal(resolveEndpoint({ sigv4: true }, {}).sign, true);
    assert.equal(resolveEndpoint({}, { HAVEN_ENDPOINT: 'https://api.example.com/prod/' }).sign, true);
  });

  test('region: flag, then environment, then the execute-api host', () => {
    const host = 'https://abc.execute-api.ap-southeast-2.amazonaws.com/prod';
    assert.equal(regionFromHost(new URL(host).hostname), 'ap-southeast-2');
    assert.equal(resolveEndpoint({ endpoint: host }, {}).region, 'ap-southeast-2');
    assert.equal(resolveEndpoint({ endpoint: host }, { AWS_REGION: 'eu-west-1' }).region, 'eu-west-1');
    assert.equal(resolveEndpoint({ endpoint: host, region: 'us-west-2' }, { AWS_REGION: 'eu-west-1' }).region, 'us-west-2');
    assert.equal(resolveEndpoint({ endpoint: host }, {}).url.pathname, '/prod');
  });

  test('a bad endpoint is a usage error', () => {
    assert.throws(() => resolveEndpoint({ endpoint: 'not a url' }, {}), { name: 'UsageError' });
    assert.throws(() => resolveEndpoint({ endpoint: 'ftp://x' }, {}), { name: 'UsageError' });
  });
});
