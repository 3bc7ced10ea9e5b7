/**
 * The `haven` process against a canned local HTTP server: flags → request
 * bodies, `--wait` to the end, error display and exit codes, cursor paging,
 * confirmation. This tests the CLI, not AWS or Haven's API (see
 * api-cli.test.ts for the CLI against the real local API).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { ExitCode } from '../../cli/api/exit-codes.js';
import { cannedServer, type CannedServer, type Responder } from './canned-server.js';
import { runCli } from './run-cli.js';

describe('haven API commands (canned server)', () => {
  let server: CannedServer;
  let respond: Responder;
  beforeAll(async () => {
    server = await cannedServer((r, i) => respond(r, i));
  });
  afterAll(() => server.close());
  const haven = (args: string[], input?: string) => {
    server.requests.length = 0;
    return runCli(['--endpoint', server.url, ...args], { ...(input !== undefined ? { input } : {}), env: { HAVEN_ENDPOINT: '' } });
  };

  test('jobs create: --file - from stdin, overridden by flags and --set; prints the created job as JSON', async () => {
    respond = (r) => ({ status: 201, body: { job_id: 'job_1', ...(JSON.parse(r.body) as object) } });
    const file = JSON.stringify({ job_name: 'from file', backup_type: 'full', source: { type: 'dynamodb', table_name: 'orders' }, retention: { days: 7 } });
    const result = await haven(['jobs', 'create', '--file', '-', '--name', 'orders nightly', '--keep-weeks', '4', '--set', 'source.consistent_read=true', '--json'], file);
    assert.equal(result.code, 0, result.stderr);
    const sent = JSON.parse(server.requests[0]!.body) as Record<string, unknown>;
    assert.equal(server.requests[0]!.method, 'POST');
    assert.equal(server.requests[0]!.url, '/backup/jobs');
    assert.deepEqual(sent, { job_name: 'orders nightly', backup_type: 'full', source: { type: 'dynamodb', table_name: 'orders', consistent_read: true }, retention: { days: 7, weeks: 4 } });
    assert.equal((JSON.parse(result.stdout) as { job_id: string }).job_id, 'job_1');
    assert.equal(server.requests[0]!.headers.authorization, undefined, 'a loopback endpoint is not signed');
  });

  test('--sigv4 signs a loopback request for execute-api with the default credential chain (here: environment variables)', async () => {
    respond = () => ({ status: 200, body: { jobs: [], next_cursor: null } });
    server.requests.length = 0;
    const result = await runCli(['jobs', 'list', '--sigv4', '--region', 'eu-central-1', '--endpoint', server.url], { env: { AWS_ACCESS_KEY_ID: 'AKIDCLITEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session', AWS_PROFILE: '' } });
    assert.equal(result.code, 0, result.stderr);
    const headers = server.requests[0]!.headers;
    assert.match(String(headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDCLITEST\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/);
    assert.equal(headers['x-amz-security-token'], 'session');
    assert.match(result.stdout, /no jobs/);
  });

  test('jobs run --full --wait: sends the options, polls to completed with plain progress lines, exit 0', async () => {
    const statuses = [
      { status: 'running', progress: 40, phase: 'reading' },
      { status: 'completed', progress: 100, phase: 'completed', result: { backup_id: 'backup_1', bytes_read: 2048, file_size: 1024 } },
    ];
    let polls = 0;
    respond = (r) => {
      if (r.method === 'POST') return { status: 202, body: { execution_id: 'exec_1', backup_id: 'backup_1', job_id: 'job_1', status: 'queued', progress: 0 } };
      // Our run is not the job's latest yet at the first poll: the CLI then reads its backup record.
      if (r.url === '/backup/backups/backup_1') return { status: 200, body: { execution_id: 'exec_1', backup_id: 'backup_1', status: 'queued', progress: 0, phase: 'queued' } };
      if (polls++ === 0) return { status: 200, body: { job_id: 'job_1', execution_id: 'exec_0', status: 'completed', progress: 100 } };
      return { status: 200, body: { job_id: 'job_1', execution_id: 'exec_1', ...statuses[Math.min(polls - 2, 1)] } };
    };
    const result = await haven(['jobs', 'run', 'job_1', '--full', '--skip-verification', '--wait', '--poll-interval', '10ms']);
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

  test('jobs run --wait: a failed run exits 1 and shows the recorded error', async () => {
    respond = (r) => (r.method === 'POST' ? { status: 202, body: { execution_id: 'exec_2', status: 'queued' } } : { status: 200, body: { execution_id: 'exec_2', status: 'failed', progress: 30, error: { code: 'StorageUnavailable', message: 'vault bucket unreachable' } } });
    const result = await haven(['jobs', 'run', 'job_1', '--wait', '--poll-interval', '10ms']);
    assert.equal(result.code, ExitCode.Failure);
    assert.match(result.stderr, /error: backup exec_2 failed: StorageUnavailable: vault bucket unreachable/);
  });

  test('--wait --timeout: exit 7 while the run is still going', async () => {
    respond = () => ({ status: 200, body: { execution_id: 'exec_3', status: 'running', progress: 10 } });
    const result = await haven(['jobs', 'status', 'job_1', '--wait', '--timeout', '300ms', '--poll-interval', '50ms']);
    assert.equal(result.code, ExitCode.Timeout);
    assert.match(result.stderr, /gave up waiting/);
  });

  test('API errors: error code, HTTP status, message and details on stderr; exit 3 for 404, 2 for 422, 4 for 409', async () => {
    respond = () => ({ status: 404, body: { error: 'job_not_found', message: 'Job not found', details: { job_id: 'job_nope' } } });
    const missing = await haven(['jobs', 'get', 'job_nope']);
    assert.equal(missing.code, ExitCode.NotFound);
    assert.match(missing.stderr, /error: job_not_found \(HTTP 404\): Job not found\n {2}request: GET \/backup\/jobs\/job_nope\n {2}job_id: job_nope/);

    respond = () => ({ status: 422, body: { error: 'validation_failed', message: 'Backup validation failed', details: { issues: ['Missing required field: source', 'Invalid schedule configuration'] } } });
    const invalid = await haven(['jobs', 'create', '--name', 'x']);
    assert.equal(invalid.code, ExitCode.Usage);
    assert.match(invalid.stderr, /issues:\n {4}- Missing required field: source\n {4}- Invalid schedule configuration/);

    respond = () => ({ status: 409, body: { error: 'job_already_running', message: 'Job is already running', details: {} } });
    assert.equal((await haven(['jobs', 'run', 'job_1'])).code, ExitCode.Conflict);
  });

  test('usage errors exit 2 without a request', async () => {
    respond = () => ({ status: 200, body: {} });
    assert.equal((await haven(['backups', 'list', '--limit', 'many'])).code, ExitCode.Usage);
    assert.equal((await haven(['backups', 'list', '--type', 'weekly'])).code, ExitCode.Usage);
    assert.equal((await haven(['jobs', 'create', '--file', '/nonexistent/job.json'])).code, ExitCode.Usage);
    assert.equal(server.requests.length, 0);
  });

  test('backups list --all follows next_cursor with the filters; a table by default', async () => {
    respond = (r) => {
      const url = new URL(r.url, server.url);
      const second = url.searchParams.get('cursor') === 'c2';
      return {
        status: 200,
        body: { files: [{ backup_id: second ? 'backup_b' : 'backup_a', job_id: 'job_1', backup_type: 'full', status: 'completed', created_at: '2024-01-15T12:32:00.000Z', file_size: 1536 }], next_cursor: second ? null : 'c2', limit: 1, offset: 0 },
      };
    };
    const result = await haven(['backups', 'list', '--job', 'job_1', '--type', 'full', '--status', 'completed', '--from', '2024-01-01', '--to', '2024-01-31', '--limit', '1', '--all']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(server.requests.length, 2);
    const first = new URL(server.requests[0]!.url, server.url).searchParams;
    assert.deepEqual(Object.fromEntries(first), { job_id: 'job_1', backup_type: 'full', status: 'completed', date_from: '2024-01-01', date_to: '2024-01-31', limit: '1' });
    assert.equal(new URL(server.requests[1]!.url, server.url).searchParams.get('cursor'), 'c2');
    assert.match(result.stdout, /^BACKUP +JOB +TYPE +STATUS +CREATED +SIZE/);
    assert.match(result.stdout, /backup_a +job_1 +full +completed +2024-01-15 12:32:00 +1\.5 KiB/);
    assert.match(result.stdout, /backup_b/);

    const one = await haven(['backups', 'list', '--limit', '1']);
    assert.equal(server.requests.length, 1, 'without --all, one page');
    assert.match(one.stderr, /--cursor c2/);
  });

  test('backups delete asks first: without a terminal and without --yes it refuses (exit 2, nothing sent); --yes deletes', async () => {
    respond = () => ({ status: 204 });
    const refused = await haven(['backups', 'delete', 'backup_1']);
    assert.equal(refused.code, ExitCode.Usage);
    assert.match(refused.stderr, /--yes/);
    assert.equal(server.requests.length, 0);
    const deleted = await haven(['backups', 'delete', 'backup_1', '--yes']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(server.requests[0]!.method, 'DELETE');
    assert.equal(server.requests[0]!.url, '/backup/backups/backup_1');
  });

  test('restores start: backup id, target and options become the seed request; --wait follows the restore status', async () => {
    let polls = 0;
    respond = (r) =>
      r.method === 'POST'
        ? { status: 202, body: { restore_id: 'restore_1', status: 'queued', ...(JSON.parse(r.body) as object) } }
        : { status: 200, body: { restore_id: 'restore_1', ...(polls++ === 0 ? { status: 'running', progress: 50, phase: 'restoring' } : { status: 'completed', progress: 100, result: { records_restored: 42, data_size: 4096 } }) } };
    const result = await haven(['restores', 'start', 'backup_1', '--target-type', 'dynamodb', '--table', 'orders-restored', '--conflict', 'skip_existing', '--partitions', 'segment-0000,segment-0001', '--wait', '--poll-interval', '10ms']);
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

  test('analytics prints the overview and the breakdowns', async () => {
    respond = () => ({
      status: 200,
      body: {
        overview: { total_jobs: 3, active_jobs: 2, total_backups: 10, successful_backups: 9, failed_backups: 1, total_restores: 2, successful_restores: 2, failed_restores: 0, total_storage_used: 1048576, average_backup_size: 1024 },
        job_breakdown: [{ job_id: 'job_1', job_name: 'orders', backups: 10, success_rate: 0.9, average_size: 1024, average_duration: 65 }],
        backup_types: [],
        time_series: [],
      },
    });
    const result = await haven(['analytics', '--job', 'job_1', '--from', '2024-01-01']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(server.requests[0]!.url, /^\/backup\/analytics\?/);
    assert.match(result.stdout, /jobs +2 active of 3/);
    assert.match(result.stdout, /storage +1\.0 MiB/);
    assert.match(result.stdout, /job_1 +orders +10 +90\.0% +1\.0 KiB +1m05s/);
  });
});
