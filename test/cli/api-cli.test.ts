/**
 * The issue's end-to-end test: the `haven` process (`tsx cli/haven.ts`)
 * against the local cloud's API (the template's REST API served by the
 * local API Gateway, the API function and the workflows' functions under
 * their roles, the state machines in the emulator's Step Functions): create
 * a job, run it with --wait, list backups, restore with --wait, and compare
 * the restored table; plus the error paths a user hits.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { LocalApiServer } from '../../local/cloud/api-gateway.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { ExitCode } from '../../cli/api/exit-codes.js';
import { uniqueName } from '../helpers/names.js';
import { runCli } from './run-cli.js';

describe('haven CLI against the local API', () => {
  let cloud: LocalCloud;
  let api: LocalApiServer;
  const table = uniqueName('cli-orders');
  const target = `${table}-restored`;
  beforeAll(async () => {
    cloud = await LocalCloud.start({ name: 'cli', sourceTables: [table], restoreTables: [target] });
    api = await cloud.serveApi({ port: 0 });
    await seedTable(table, 300);
  });
  afterAll(async () => {
    await api?.close();
    await cloud?.close();
  });
  const haven = (...args: string[]) => runCli([...args, '--endpoint', api.url]);
  /** The job and backup the first test creates; the verify/retention/analytics/delete test reuses them. */
  const made: { jobId?: string; backupId?: string } = {};

  test('create, run --wait, list, get, restore --wait: the restored table equals the source', async () => {
    const created = await haven('jobs', 'create', '--name', 'cli orders', '--type', 'full', '--source-type', 'dynamodb', '--table', table, '--schedule', 'daily', '--at', '02:00', '--timezone', 'UTC', '--no-schedule-enabled', '--keep-days', '7', '--json');
    assert.equal(created.code, 0, created.stderr);
    const job = JSON.parse(created.stdout) as { job_id: string; job_name: string; source: { table_name: string } };
    assert.match(job.job_id, /^job_/);
    assert.equal(job.source.table_name, table);

    const listed = await haven('jobs', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${job.job_id} +cli orders +full +dynamodb +daily +active`));

    const run = await haven('jobs', 'run', job.job_id, '--wait', '--poll-interval', '200ms', '--timeout', '5m');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /completed 100%/);
    assert.match(run.stdout, /status: +completed/);

    const backups = await haven('backups', 'list', '--job', job.job_id, '--status', 'completed', '--all', '--json');
    assert.equal(backups.code, 0, backups.stderr);
    const page = JSON.parse(backups.stdout) as { items: Array<{ backup_id: string; status: string; backup_type: string; file_size: number }>; next_cursor: string | null };
    assert.equal(page.items.length, 1);
    const backup = page.items[0]!;
    Object.assign(made, { jobId: job.job_id, backupId: backup.backup_id });
    assert.equal(backup.status, 'completed');
    assert.equal(backup.backup_type, 'full');
    assert.equal(page.next_cursor, null);

    const got = await haven('backups', 'get', backup.backup_id);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, new RegExp(`backup_id: +${backup.backup_id}`));

    const restore = await haven('restores', 'start', backup.backup_id, '--target-type', 'dynamodb', '--table', target, '--wait', '--poll-interval', '200ms', '--timeout', '5m');
    assert.equal(restore.code, 0, restore.stdout + restore.stderr);
    assert.match(restore.stdout, /status: +completed/);
    assert.match(restore.stdout, /records: +300/);
    assert.deepEqual(await scanAll(target), await scanAll(table));

    const restores = await haven('restores', 'list', '--backup', backup.backup_id);
    assert.equal(restores.code, 0, restores.stderr);
    assert.match(restores.stdout, /restore_\S+ +restore of backup_\S+ +backup_\S+ +completed +100%/);

    const again = await haven('restores', 'start', backup.backup_id, '--target-type', 'dynamodb', '--table', target, '--wait', '--poll-interval', '200ms');
    assert.equal(again.code, ExitCode.Failure, 'a restore into a non-empty table fails (fail_if_exists by default)');
    assert.match(again.stderr, /failed: RestoreConflict/);
  });

  test('backups verify --wait, jobs retention, analytics, backups delete --yes', async () => {
    const { jobId, backupId } = made;
    assert.ok(jobId && backupId, 'the first test made a backup');
    const verify = await haven('backups', 'verify', backupId, '--wait', '--poll-interval', '200ms', '--timeout', '5m');
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /status: +completed/);

    const retention = await haven('jobs', 'retention', jobId);
    assert.equal(retention.code, 0, retention.stderr);
    assert.match(retention.stdout, new RegExp(`keep +${backupId} `));
    assert.match(retention.stdout, /nothing was changed/);
    const plan = JSON.parse((await haven('jobs', 'retention', jobId, '--json')).stdout) as { keep: Array<{ backup_id: string }>; forget: unknown[] };
    assert.deepEqual([plan.keep.map((k) => k.backup_id), plan.forget], [[backupId], []]);

    const analytics = await haven('analytics', '--job', jobId);
    assert.equal(analytics.code, 0, analytics.stderr);
    assert.match(analytics.stdout, /backups +1 \(1 ok, 0 failed\)/);

    const deleted = await haven('backups', 'delete', backupId, '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`deleted backup ${backupId}`));
    assert.ok((await cloud.catalog.getBackup(backupId)).deleted_at, 'the record is marked deleted');
  });

  test("error paths: the API's error body on stderr, with the documented exit codes", async () => {
    const missing = await haven('jobs', 'get', 'job_00000000000000000000000000');
    assert.equal(missing.code, ExitCode.NotFound, missing.stderr);
    assert.match(missing.stderr, /error: job_not_found \(HTTP 404\): Job not found/);

    const invalid = await haven('jobs', 'create', '--name', 'no source', '--type', 'full', '--schedule', 'daily', '--keep-days', '7');
    assert.equal(invalid.code, ExitCode.Usage, invalid.stderr);
    assert.match(invalid.stderr, /\(HTTP 4\d\d\)/);
    assert.match(invalid.stderr, /source/);

    const badStatus = await haven('backups', 'list', '--job', 'not-a-job-id');
    assert.equal(badStatus.code, ExitCode.Usage, badStatus.stderr);

    const unreachable = await runCli(['jobs', 'list', '--endpoint', 'http://127.0.0.1:9']);
    assert.equal(unreachable.code, ExitCode.Unavailable);
    assert.match(unreachable.stderr, /cannot reach the API/);
  });
});
