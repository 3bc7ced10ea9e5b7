/**
 * The `haven` process against a canned local HTTP server: flags → request
 * bodies, `--wait` to the end, error display and exit codes, cursor paging,
 * confirmation. This tests the CLI, not AWS or Haven's API (see
 * api-cli.test.ts for the CLI against the real local API).
 */
import { describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { ExitCode } from '../../cli/api/exit-codes.js';
import { cannedServer, type Responder } from './canned-server.js';
import { runCli } from './run-cli.js';

/**
 * A canned server answering with `respond` for one test (closed when the
 * test ends), and `haven` run against it; `server.requests` holds what it
 * received, from the test's first run on.
 */
async function cannedApi(t: Pick<TestContext, 'onTestFinished'>, respond: Responder) {
  const server = await cannedServer(respond);
  t.onTestFinished(() => server.close());
  const haven = (args: string[], input?: string) => runCli(['--endpoint', server.url, ...args], { ...(input !== undefined ? { input } : {}), env: { HAVEN_ENDPOINT: '' } });
  return { server, haven };
}

/** Pages of backups: backup_a, then (at cursor c2) backup_b. */
const twoPagesOfBackups: Responder = (r) => {
  const second = new URL(r.url, 'http://x').searchParams.get('cursor') === 'c2';
  return {
    status: 200,
    body: { files: [{ backup_id: second ? 'backup_b' : 'backup_a', job_id: 'job_1', backup_type: 'full', status: 'completed', created_at: '2024-01-15T12:32:00.000Z', file_size: 1536 }], next_cursor: second ? null : 'c2', limit: 1, offset: 0 },
  };
};

describe('haven API commands (canned server)', () => {
  test('jobs create: --file - from stdin, overridden by flags and --set; prints the created job as JSON', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, (r) => ({ status: 201, body: { job_id: 'job_1', ...(JSON.parse(r.body) as object) } }));
    const file = JSON.stringify({ job_name: 'from file', backup_type: 'full', source: { type: 'dynamodb', table_name: 'orders' }, retention: { days: 7 } });

    // Act
    const result = await haven(['jobs', 'create', '--file', '-', '--name', 'orders nightly', '--keep-weeks', '4', '--set', 'source.consistent_read=true', '--json'], file);

    // Assess
    assert.equal(result.code, 0, result.stderr);
    const sent = JSON.parse(server.requests[0]!.body) as Record<string, unknown>;
    assert.equal(server.requests[0]!.method, 'POST');
    assert.equal(server.requests[0]!.url, '/backup/jobs');
    assert.deepEqual(sent, { job_name: 'orders nightly', backup_type: 'full', source: { type: 'dynamodb', table_name: 'orders', consistent_read: true }, retention: { days: 7, weeks: 4 } });
    assert.equal((JSON.parse(result.stdout) as { job_id: string }).job_id, 'job_1');
  });

  test('a request to a loopback endpoint is not signed', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, () => ({ status: 200, body: { jobs: [], next_cursor: null } }));

    // Act
    const result = await haven(['jobs', 'list']);

    // Assess
    assert.equal(result.code, 0, result.stderr);
    assert.equal(server.requests[0]!.headers.authorization, undefined, 'a loopback endpoint is not signed');
  });

  test('--sigv4 signs a loopback request for execute-api with the default credential chain (here: environment variables)', async (t) => {
    // Prepare
    const { server } = await cannedApi(t, () => ({ status: 200, body: { jobs: [], next_cursor: null } }));

    // Act
    const result = await runCli(['jobs', 'list', '--sigv4', '--region', 'eu-central-1', '--endpoint', server.url], { env: { AWS_ACCESS_KEY_ID: 'AKIDCLITEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session', AWS_PROFILE: '' } });

    // Assess
    assert.equal(result.code, 0, result.stderr);
    const headers = server.requests[0]!.headers;
    assert.match(String(headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDCLITEST\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/);
    assert.equal(headers['x-amz-security-token'], 'session');
    assert.match(result.stdout, /no jobs/);
  });

  test('jobs run --full --wait: sends the options, polls to completed with plain progress lines, exit 0', async (t) => {
    // Prepare
    const statuses = [
      { status: 'running', progress: 40, phase: 'reading' },
      { status: 'completed', progress: 100, phase: 'completed', result: { backup_id: 'backup_1', bytes_read: 2048, file_size: 1024 } },
    ];
    let polls = 0;
    const { server, haven } = await cannedApi(t, (r) => {
      if (r.method === 'POST') return { status: 202, body: { execution_id: 'exec_1', backup_id: 'backup_1', job_id: 'job_1', status: 'queued', progress: 0 } };
      // Our run is not the job's latest yet at the first poll: the CLI then reads its backup record.
      if (r.url === '/backup/backups/backup_1') return { status: 200, body: { execution_id: 'exec_1', backup_id: 'backup_1', status: 'queued', progress: 0, phase: 'queued' } };
      if (polls++ === 0) return { status: 200, body: { job_id: 'job_1', execution_id: 'exec_0', status: 'completed', progress: 100 } };
      return { status: 200, body: { job_id: 'job_1', execution_id: 'exec_1', ...statuses[Math.min(polls - 2, 1)] } };
    });

    // Act
    const result = await haven(['jobs', 'run', 'job_1', '--full', '--skip-verification', '--wait', '--poll-interval', '10ms']);

    // Assess
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(server.requests[0]!.body), { execution_options: { force_full_backup: true, skip_verification: true } });
    assert.equal(server.requests[0]!.url, '/backup/jobs/job_1/execute');
    assert.deepEqual(
      server.requests.slice(1, 4).map((r) => r.url),
      ['/backup/jobs/job_1/status', '/backup/backups/backup_1', '/backup/jobs/job_1/status'],
    );
    assert.match(result.stderr, /backup exec_1: queued 0%\nbackup exec_1: running reading 40%\nbackup exec_1: completed 100%/);
    assert.match(result.stdout, /status: +completed/);
    assert.match(result.stdout, /backup_id: +backup_1/);
  });

  test('jobs run --wait: a failed run exits 1 and shows the recorded error', async (t) => {
    // Prepare
    const { haven } = await cannedApi(t, (r) =>
      r.method === 'POST' ? { status: 202, body: { execution_id: 'exec_2', status: 'queued' } } : { status: 200, body: { execution_id: 'exec_2', status: 'failed', progress: 30, error: { code: 'StorageUnavailable', message: 'vault bucket unreachable' } } },
    );

    // Act
    const result = await haven(['jobs', 'run', 'job_1', '--wait', '--poll-interval', '10ms']);

    // Assess
    assert.equal(result.code, ExitCode.Failure);
    assert.match(result.stderr, /error: backup exec_2 failed: StorageUnavailable: vault bucket unreachable/);
  });

  test('--wait --timeout: exit 7 while the run is still going', async (t) => {
    // Prepare
    const { haven } = await cannedApi(t, () => ({ status: 200, body: { execution_id: 'exec_3', status: 'running', progress: 10 } }));

    // Act
    const result = await haven(['jobs', 'status', 'job_1', '--wait', '--timeout', '300ms', '--poll-interval', '50ms']);

    // Assess
    assert.equal(result.code, ExitCode.Timeout);
    assert.match(result.stderr, /gave up waiting/);
  });

  test('an API 404: error code, HTTP status, message, request and details on stderr, exit 3', async (t) => {
    // Prepare
    const { haven } = await cannedApi(t, () => ({ status: 404, body: { error: 'job_not_found', message: 'Job not found', details: { job_id: 'job_nope' } } }));

    // Act
    const missing = await haven(['jobs', 'get', 'job_nope']);

    // Assess
    assert.equal(missing.code, ExitCode.NotFound);
    assert.match(missing.stderr, /error: job_not_found \(HTTP 404\): Job not found\n {2}request: GET \/backup\/jobs\/job_nope\n {2}job_id: job_nope/);
  });

  test('an API 422: the issues one per line on stderr, exit 2', async (t) => {
    // Prepare
    const { haven } = await cannedApi(t, () => ({ status: 422, body: { error: 'validation_failed', message: 'Backup validation failed', details: { issues: ['Missing required field: source', 'Invalid schedule configuration'] } } }));

    // Act
    const invalid = await haven(['jobs', 'create', '--name', 'x']);

    // Assess
    assert.equal(invalid.code, ExitCode.Usage);
    assert.match(invalid.stderr, /issues:\n {4}- Missing required field: source\n {4}- Invalid schedule configuration/);
  });

  test('an API 409: exit 4', async (t) => {
    // Prepare
    const { haven } = await cannedApi(t, () => ({ status: 409, body: { error: 'job_already_running', message: 'Job is already running', details: {} } }));

    // Act
    const conflict = await haven(['jobs', 'run', 'job_1']);

    // Assess
    assert.equal(conflict.code, ExitCode.Conflict);
  });

  test('usage errors exit 2 without a request', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, () => ({ status: 200, body: {} }));
    for (const args of [
      ['backups', 'list', '--limit', 'many'],
      ['backups', 'list', '--type', 'weekly'],
      ['jobs', 'create', '--file', '/nonexistent/job.json'],
    ]) {
      // Act
      const result = await haven(args);

      // Assess
      assert.equal(result.code, ExitCode.Usage, args.join(' '));
      assert.equal(server.requests.length, 0);
    }
  });

  test('backups list --all follows next_cursor with the filters, printing a table', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, twoPagesOfBackups);

    // Act
    const result = await haven(['backups', 'list', '--job', 'job_1', '--type', 'full', '--status', 'completed', '--from', '2024-01-01', '--to', '2024-01-31', '--limit', '1', '--all']);

    // Assess
    assert.equal(result.code, 0, result.stderr);
    assert.equal(server.requests.length, 2);
    const first = new URL(server.requests[0]!.url, server.url).searchParams;
    assert.deepEqual(Object.fromEntries(first), { job_id: 'job_1', backup_type: 'full', status: 'completed', date_from: '2024-01-01', date_to: '2024-01-31', limit: '1' });
    assert.equal(new URL(server.requests[1]!.url, server.url).searchParams.get('cursor'), 'c2');
    assert.match(result.stdout, /^BACKUP +JOB +TYPE +STATUS +CREATED +SIZE/);
    assert.match(result.stdout, /backup_a +job_1 +full +completed +2024-01-15 12:32:00 +1\.5 KiB/);
    assert.match(result.stdout, /backup_b/);
  });

  test('backups list without --all fetches one page and tells the cursor of the next', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, twoPagesOfBackups);

    // Act
    const one = await haven(['backups', 'list', '--limit', '1']);

    // Assess
    assert.equal(server.requests.length, 1, 'without --all, one page');
    assert.match(one.stderr, /--cursor c2/);
  });

  test('backups delete without a terminal and without --yes refuses: exit 2, nothing sent', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, () => ({ status: 204 }));

    // Act
    const refused = await haven(['backups', 'delete', 'backup_1']);

    // Assess
    assert.equal(refused.code, ExitCode.Usage);
    assert.match(refused.stderr, /--yes/);
    assert.equal(server.requests.length, 0);
  });

  test('backups delete --yes deletes', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, () => ({ status: 204 }));

    // Act
    const deleted = await haven(['backups', 'delete', 'backup_1', '--yes']);

    // Assess
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(server.requests[0]!.method, 'DELETE');
    assert.equal(server.requests[0]!.url, '/backup/backups/backup_1');
  });

  test('restores start: backup id, target and options become the seed request; --wait follows the restore status', async (t) => {
    // Prepare
    let polls = 0;
    const { server, haven } = await cannedApi(t, (r) =>
      r.method === 'POST'
        ? { status: 202, body: { restore_id: 'restore_1', status: 'queued', ...(JSON.parse(r.body) as object) } }
        : { status: 200, body: { restore_id: 'restore_1', ...(polls++ === 0 ? { status: 'running', progress: 50, phase: 'restoring' } : { status: 'completed', progress: 100, result: { records_restored: 42, data_size: 4096 } }) } },
    );

    // Act
    const result = await haven(['restores', 'start', 'backup_1', '--target-type', 'dynamodb', '--table', 'orders-restored', '--conflict', 'skip_existing', '--partitions', 'segment-0000,segment-0001', '--wait', '--poll-interval', '10ms']);

    // Assess
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(server.requests[0]!.body), {
      backup_id: 'backup_1',
      restore_name: 'restore of backup_1',
      destination: { type: 'dynamodb', table_name: 'orders-restored' },
      restore_options: { conflict_policy: 'skip_existing', partitions: ['segment-0000', 'segment-0001'] },
    });
    assert.equal(server.requests[1]!.url, '/backup/restores/restore_1/status');
    assert.match(result.stdout, /records: +42/);
  });

  test('analytics prints the overview and the breakdowns', async (t) => {
    // Prepare
    const { server, haven } = await cannedApi(t, () => ({
      status: 200,
      body: {
        overview: { total_jobs: 3, active_jobs: 2, total_backups: 10, successful_backups: 9, failed_backups: 1, total_restores: 2, successful_restores: 2, failed_restores: 0, total_storage_used: 1048576, average_backup_size: 1024 },
        job_breakdown: [{ job_id: 'job_1', job_name: 'orders', backups: 10, success_rate: 0.9, average_size: 1024, average_duration: 65 }],
        backup_types: [],
        time_series: [],
      },
    }));

    // Act
    const result = await haven(['analytics', '--job', 'job_1', '--from', '2024-01-01']);

    // Assess
    assert.equal(result.code, 0, result.stderr);
    assert.match(server.requests[0]!.url, /^\/backup\/analytics\?/);
    assert.match(result.stdout, /jobs +2 active of 3/);
    assert.match(result.stdout, /storage +1\.0 MiB/);
    assert.match(result.stdout, /job_1 +orders +10 +90\.0% +1\.0 KiB +1m05s/);
  });
});
