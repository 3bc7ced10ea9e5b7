/**
 * The CLI's HTTP client against a canned local server (a test of the
 * client's retry, error and signing behaviour, not of AWS or the API).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { ApiClient } from '../../cli/api/client.js';
import { ApiClientError, ApiUnreachableError } from '../../cli/api/errors.js';
import { ExitCode } from '../../cli/api/exit-codes.js';
import { backoffMs, retryAfterMs } from '../../cli/api/retry.js';
import { sigv4Signer } from '../../cli/api/sigv4.js';
import { cannedServer, type CannedServer, type Canned } from './canned-server.js';

const noSleep = async (): Promise<void> => {};
const retry = { retries: 3, baseMs: 1, capMs: 10 };

describe('ApiClient', () => {
  let answers: Canned[];
  let server: CannedServer;
  beforeAll(async () => {
    server = await cannedServer((_r, i) => answers[Math.min(i, answers.length - 1)]!);
  });
  afterAll(() => server.close());

  function client(path = ''): ApiClient {
    server.requests.length = 0;
    return new ApiClient({ baseUrl: new URL(`${server.url}${path}`), retry, sleep: noSleep });
  }

  test('an error body becomes an ApiClientError with status, error, message, details and exit code', async () => {
    answers = [{ status: 404, body: { error: 'job_not_found', message: 'Job not found', details: { job_id: 'job_x' } } }];
    const error = await client()
      .get('/backup/jobs/job_x')
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiClientError);
    assert.equal(error.status, 404);
    assert.equal(error.error, 'job_not_found');
    assert.equal(error.message, 'Job not found');
    assert.deepEqual(error.details, { job_id: 'job_x' });
    assert.equal(error.exitCode, ExitCode.NotFound);
    assert.equal(server.requests.length, 1, '4xx is not retried');
  });

  test('GET is retried on 503 and 429 (honouring Retry-After), then succeeds', async () => {
    answers = [{ status: 503, body: { error: 'service_unavailable', message: 'x' } }, { status: 429, headers: { 'retry-after': '0' }, body: {} }, { status: 200, body: { ok: true } }];
    assert.deepEqual(await client().get('/backup/jobs'), { ok: true });
    assert.equal(server.requests.length, 3);
  });

  test('POST is never retried (not idempotent): one request, the 503 surfaces', async () => {
    answers = [{ status: 503, body: { error: 'service_unavailable', message: 'down' } }, { status: 200, body: {} }];
    const error = await client()
      .post('/backup/jobs/job_1/execute', {})
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiClientError);
    assert.equal(error.exitCode, ExitCode.Unavailable);
    assert.equal(server.requests.length, 1);
  });

  test('a dropped connection is retried for GET and reported as unreachable when it persists', async () => {
    answers = [{ status: 0, destroy: true }, { status: 200, body: { jobs: [] } }];
    assert.deepEqual(await client().get('/backup/jobs'), { jobs: [] });
    answers = [{ status: 0, destroy: true }];
    const error = await client()
      .get('/backup/jobs')
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiUnreachableError);
    assert.equal(error.exitCode, ExitCode.Unavailable);
    assert.equal(server.requests.length, retry.retries + 1);
  });

  test('a stage path in the endpoint is kept; query values are encoded and empty ones dropped', async () => {
    answers = [{ status: 200, body: {} }];
    await client('/prod/').get('/backup/files', { job_id: 'job 1', status: undefined, limit: 5, cursor: null });
    assert.equal(server.requests[0]!.url, '/prod/backup/files?job_id=job+1&limit=5');
  });

  test('a non-JSON error (a proxy page) still gives a readable message', async () => {
    answers = [{ status: 502, body: undefined, headers: { 'content-type': 'text/html' } }];
    const error = await new ApiClient({ baseUrl: new URL(server.url), retry: { ...retry, retries: 0 } }).get('/x').catch((e: unknown) => e);
    assert.ok(error instanceof ApiClientError);
    assert.equal(error.error, 'http_502');
    assert.match(error.message, /502/);
  });

  test('a signed request carries SigV4 headers the server receives', async () => {
    answers = [{ status: 200, body: {} }];
    server.requests.length = 0;
    const signer = sigv4Signer({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' } });
    await new ApiClient({ baseUrl: new URL(server.url), signer, retry, sleep: noSleep }).post('/backup/jobs', { job_name: 'a' });
    const headers = server.requests[0]!.headers;
    assert.match(String(headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    assert.match(String(headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
    assert.equal(headers['x-amz-security-token'], 'token');
  });
});

describe('backoff', () => {
  test('full jitter stays under min(cap, base·2^attempt)', () => {
    const policy = { retries: 5, baseMs: 100, capMs: 1000 };
    assert.equal(backoffMs(0, policy, () => 0.999), 99);
    assert.equal(backoffMs(3, policy, () => 0.5), 400);
    assert.equal(backoffMs(10, policy, () => 0.999), 999);
    assert.equal(backoffMs(2, policy, () => 0), 0);
  });

  test('Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(null), undefined);
  });
});
