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
    // Prepare
    const sign = sigv4Signer({ region: 'us-east-1', service: 'service', credentials: VECTOR.credentials, now: () => VECTOR.date });

    // Act
    const headers = await sign({ method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} });

    // Assess
    assert.equal(headers.authorization, VECTOR.authorization);
    assert.equal(headers['x-amz-date'], '20150830T123600Z');
  });

  /** An execute-api signer at the vector's time, a POST to sign, and the signature out of an authorization header. */
  const executeApi = () => {
    const sign = sigv4Signer({ region: 'eu-west-1', credentials: VECTOR.credentials, now: () => VECTOR.date });
    const url = new URL('https://abc.execute-api.eu-west-1.amazonaws.com/prod/backup/files?job_id=job_1');
    const base = { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
    const signature = async (request: typeof base) => (await sign(request)).authorization!.split('Signature=')[1];
    return { sign, url, base, signature };
  };

  test('signs for execute-api in the region, covering content-type, host and date', async () => {
    // Prepare
    const { sign, base } = executeApi();

    // Act
    const authorization = (await sign(base)).authorization!;

    // Assess
    assert.match(authorization, /Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request/);
    assert.match(authorization, /SignedHeaders=content-type;host;x-amz-date/);
  });

  test('the signature covers the body and the query string', async () => {
    // Prepare
    const { url, base, signature } = executeApi();
    const original = await signature(base);

    // Act
    const otherBody = await signature({ ...base, body: '{"a":2}' });
    const otherQuery = await signature({ ...base, url: new URL(`${url.origin}/prod/backup/files?job_id=job_2`) });

    // Assess
    assert.notEqual(otherBody, original);
    assert.notEqual(otherQuery, original);
  });

  test('the signature is deterministic for the same request and time', async () => {
    // Prepare
    const { base, signature } = executeApi();

    // Act
    const first = await signature(base);
    const second = await signature(base);

    // Assess
    assert.equal(second, first, 'deterministic for the same request and time');
  });
});

describe('endpoint resolution', () => {
  test('loopback hosts are recognized, and only they', () => {
    // Prepare
    const loopback = ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'api.localhost'].map((host) => new URL(`http://${host}:3000`).hostname);
    const remote = ['example.com', '10.0.0.1', '128.0.0.1'];

    // Act
    const verdicts = [...loopback, ...remote].map((host) => isLoopback(host));

    // Assess
    assert.deepEqual(verdicts, [...loopback.map(() => true), ...remote.map(() => false)]);
  });

  test('the default endpoint is the local API on 127.0.0.1:3000, unsigned', () => {
    // Act
    const endpoint = resolveEndpoint({}, {});

    // Assess
    assert.equal(endpoint.sign, false);
    assert.equal(endpoint.url.href, 'http://127.0.0.1:3000/');
  });

  test('--sigv4 signs requests to a loopback endpoint', () => {
    // Act
    const endpoint = resolveEndpoint({ sigv4: true }, {});

    // Assess
    assert.equal(endpoint.sign, true);
  });

  test('requests to a remote endpoint (HAVEN_ENDPOINT) are signed', () => {
    // Act
    const endpoint = resolveEndpoint({}, { HAVEN_ENDPOINT: 'https://api.example.com/prod/' });

    // Assess
    assert.equal(endpoint.sign, true);
  });

  test('region: flag, then environment, then the execute-api host', () => {
    // Prepare
    const host = 'https://abc.execute-api.ap-southeast-2.amazonaws.com/prod';

    // Act
    const fromHostname = regionFromHost(new URL(host).hostname);
    const fromHost = resolveEndpoint({ endpoint: host }, {}).region;
    const fromEnvironment = resolveEndpoint({ endpoint: host }, { AWS_REGION: 'eu-west-1' }).region;
    const fromFlag = resolveEndpoint({ endpoint: host, region: 'us-west-2' }, { AWS_REGION: 'eu-west-1' }).region;

    // Assess
    assert.equal(fromHostname, 'ap-southeast-2');
    assert.equal(fromHost, 'ap-southeast-2');
    assert.equal(fromEnvironment, 'eu-west-1');
    assert.equal(fromFlag, 'us-west-2');
  });

  test("an endpoint keeps its stage's path", () => {
    // Act
    const endpoint = resolveEndpoint({ endpoint: 'https://abc.execute-api.ap-southeast-2.amazonaws.com/prod' }, {});

    // Assess
    assert.equal(endpoint.url.pathname, '/prod');
  });

  test('a bad endpoint is a usage error', () => {
    for (const endpoint of ['not a url', 'ftp://x']) {
      // Act
      const resolve = () => resolveEndpoint({ endpoint }, {});

      // Assess
      assert.throws(resolve, { name: 'UsageError' }, endpoint);
    }
  });
});
