/**
 * The CLI's HTTP client against a canned local server (a test of the
 * client's retry, error and signing behaviour, not of AWS or the API).
 */
import { describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { ApiClient } from '../../cli/api/client.js';
import { ApiClientError, ApiUnreachableError } from '../../cli/api/errors.js';
import { ExitCode } from '../../cli/api/exit-codes.js';
import { backoffMs, retryAfterMs } from '../../cli/api/retry.js';
import { sigv4Signer } from '../../cli/api/sigv4.js';
import { cannedServer, type CannedServer, type Canned } from './canned-server.js';

const noSleep = async (): Promise<void> => {};
const retry = { retries: 3, baseMs: 1, capMs: 10 };

/** A canned server for one test that gives `answers` in turn (repeating the last), closed when the test ends. */
async function serverAnswering(t: Pick<TestContext, 'onTestFinished'>, answers: Canned[]): Promise<CannedServer> {
  const server = await cannedServer((_r, i) => answers[Math.min(i, answers.length - 1)]!);
  t.onTestFinished(() => server.close());
  return server;
}

/** A client of `server` (under `path`) that retries without sleeping. */
function clientOf(server: CannedServer, path = ''): ApiClient {
  return new ApiClient({ baseUrl: new URL(`${server.url}${path}`), retry, sleep: noSleep });
}

describe('ApiClient', () => {
  test('an error body becomes an ApiClientError with status, error, message, details and exit code', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 404, body: { error: 'job_not_found', message: 'Job not found', details: { job_id: 'job_x' } } }]);

    // Act
    const error = await clientOf(server)
      .get('/backup/jobs/job_x')
      .catch((e: unknown) => e);

    // Assess
    assert.ok(error instanceof ApiClientError);
    assert.equal(error.status, 404);
    assert.equal(error.error, 'job_not_found');
    assert.equal(error.message, 'Job not found');
    assert.deepEqual(error.details, { job_id: 'job_x' });
    assert.equal(error.exitCode, ExitCode.NotFound);
  });

  test('a 4xx is not retried', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 404, body: { error: 'job_not_found', message: 'Job not found', details: { job_id: 'job_x' } } }]);

    // Act
    await clientOf(server)
      .get('/backup/jobs/job_x')
      .catch((e: unknown) => e);

    // Assess
    assert.equal(server.requests.length, 1, '4xx is not retried');
  });

  test('GET is retried on 503 and 429 (honouring Retry-After), then succeeds', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 503, body: { error: 'service_unavailable', message: 'x' } }, { status: 429, headers: { 'retry-after': '0' }, body: {} }, { status: 200, body: { ok: true } }]);

    // Act
    const answer = await clientOf(server).get('/backup/jobs');

    // Assess
    assert.deepEqual(answer, { ok: true });
    assert.equal(server.requests.length, 3);
  });

  test('POST is never retried (not idempotent): one request, the 503 surfaces', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 503, body: { error: 'service_unavailable', message: 'down' } }, { status: 200, body: {} }]);

    // Act
    const error = await clientOf(server)
      .post('/backup/jobs/job_1/execute', {})
      .catch((e: unknown) => e);

    // Assess
    assert.ok(error instanceof ApiClientError);
    assert.equal(error.exitCode, ExitCode.Unavailable);
    assert.equal(server.requests.length, 1);
  });

  test('a dropped connection is retried for GET', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 0, destroy: true }, { status: 200, body: { jobs: [] } }]);

    // Act
    const answer = await clientOf(server).get('/backup/jobs');

    // Assess
    assert.deepEqual(answer, { jobs: [] });
  });

  test('a connection dropped on every attempt is reported as unreachable', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 0, destroy: true }]);

    // Act
    const error = await clientOf(server)
      .get('/backup/jobs')
      .catch((e: unknown) => e);

    // Assess
    assert.ok(error instanceof ApiUnreachableError);
    assert.equal(error.exitCode, ExitCode.Unavailable);
    assert.equal(server.requests.length, retry.retries + 1);
  });

  test('a stage path in the endpoint is kept', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 200, body: {} }]);

    // Act
    await clientOf(server, '/prod/').get('/backup/files');

    // Assess
    assert.equal(server.requests[0]!.url, '/prod/backup/files');
  });

  test('query values are encoded and empty ones dropped', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 200, body: {} }]);

    // Act
    await clientOf(server, '/prod/').get('/backup/files', { job_id: 'job 1', status: undefined, limit: 5, cursor: null });

    // Assess
    assert.equal(server.requests[0]!.url, '/prod/backup/files?job_id=job+1&limit=5');
  });

  test('a non-JSON error (a proxy page) still gives a readable message', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 502, body: undefined, headers: { 'content-type': 'text/html' } }]);

    // Act
    const error = await new ApiClient({ baseUrl: new URL(server.url), retry: { ...retry, retries: 0 } }).get('/x').catch((e: unknown) => e);

    // Assess
    assert.ok(error instanceof ApiClientError);
    assert.equal(error.error, 'http_502');
    assert.match(error.message, /502/);
  });

  test('a signed request carries SigV4 headers the server receives', async (t) => {
    // Prepare
    const server = await serverAnswering(t, [{ status: 200, body: {} }]);
    const signer = sigv4Signer({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' } });

    // Act
    await new ApiClient({ baseUrl: new URL(server.url), signer, retry, sleep: noSleep }).post('/backup/jobs', { job_name: 'a' });

    // Assess
    const headers = server.requests[0]!.headers;
    assert.match(String(headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    assert.match(String(headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
    assert.equal(headers['x-amz-security-token'], 'token');
  });
});

describe('backoff', () => {
  test('full jitter stays under min(cap, base·2^attempt)', () => {
    // Prepare
    const policy = { retries: 5, baseMs: 100, capMs: 1000 };

    // Act
    const delays = [backoffMs(0, policy, () => 0.999), backoffMs(3, policy, () => 0.5), backoffMs(10, policy, () => 0.999), backoffMs(2, policy, () => 0)];

    // Assess
    assert.deepEqual(delays, [99, 400, 999, 0]);
  });

  test('Retry-After as seconds or an HTTP date', () => {
    // Act
    const seconds = retryAfterMs('2');
    const date = retryAfterMs(new Date(10_000).toUTCString(), 4_000);

    // Assess
    assert.equal(seconds, 2000);
    assert.equal(date, 6_000);
  });

  test('a Retry-After that is neither seconds nor a date, or none, gives no delay', () => {
    // Act
    const unreadable = retryAfterMs('soon');
    const missing = retryAfterMs(null);

    // Assess
    assert.equal(unreadable, undefined);
    assert.equal(missing, undefined);
  });
});
