/**
 * The issue's end-to-end test: the `haven` process (the installed command:
 * cli/build.ts's bundle of the current sources, built once for the file)
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
import { bundledCli, type BundledCli } from './run-cli.js';

describe('haven CLI against the local API', () => {
  let cloud: LocalCloud;
  let api: LocalApiServer;
  let cli: BundledCli;
  const table = uniqueName('cli-orders');
  const target = `${table}-restored`;
  beforeAll(async () => {
    cli = await bundledCli();
    cloud = await LocalCloud.start({ name: 'cli', sourceTables: [table], restoreTables: [target] });
    api = await cloud.serveApi({ port: 0 });
    await seedTable(table, 300);
  });
  afterAll(async () => {
    await api?.close();
    await cloud?.close();
    cli?.dispose();
  });
  const haven = (...args: string[]) => cli.run([...args, '--endpoint', api.url]);

  /** A new job on the source table with one completed full backup, made through the CLI (both steps must succeed). */
  async function jobWithBackup(name: string): Promise<{ jobId: string; backupId: string }> {
    const created = await haven('jobs', 'create', '--name', name, '--type', 'full', '--source-type', 'dynamodb', '--table', table, '--schedule', 'daily', '--at', '02:00', '--timezone', 'UTC', '--no-schedule-enabled', '--keep-days', '7', '--json');
    assert.equal(created.code, 0, created.stderr);
    const jobId = (JSON.parse(created.stdout) as { job_id: string }).job_id;
    const run = await haven('jobs', 'run', jobId, '--wait', '--poll-interval', '200ms', '--timeout', '5m');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const backups = await haven('backups', 'list', '--job', jobId, '--status', 'completed', '--json');
    assert.equal(backups.code, 0, backups.stderr);
    const backupId = (JSON.parse(backups.stdout) as { items: Array<{ backup_id: string }> }).items[0]!.backup_id;
    return { jobId, backupId };
  }

  test('create, run --wait, list, get, restore --wait: the restored table equals the source', async () => {
    // Act
    // One user session, each command using what the one before printed.
    const created = await haven('jobs', 'create', '--name', 'cli orders', '--type', 'full', '--source-type', 'dynamodb', '--table', table, '--schedule', 'daily', '--at', '02:00', '--timezone', 'UTC', '--no-schedule-enabled', '--keep-days', '7', '--json');
    assert.equal(created.code, 0, created.stderr);
    const job = JSON.parse(created.stdout) as { job_id: string; job_name: string; source: { table_name: string } };
    const listed = await haven('jobs', 'list');
    const run = await haven('jobs', 'run', job.job_id, '--wait', '--poll-interval', '200ms', '--timeout', '5m');
    const backups = await haven('backups', 'list', '--job', job.job_id, '--status', 'completed', '--all', '--json');
    assert.equal(backups.code, 0, backups.stderr);
    const page = JSON.parse(backups.stdout) as { items: Array<{ backup_id: string; status: string; backup_type: string; file_size: number }>; next_cursor: string | null };
    const backup = page.items[0]!;
    const got = await haven('backups', 'get', backup.backup_id);
    const restore = await haven('restores', 'start', backup.backup_id, '--target-type', 'dynamodb', '--table', target, '--wait', '--poll-interval', '200ms', '--timeout', '5m');
    const restored = await scanAll(target);
    const restores = await haven('restores', 'list', '--backup', backup.backup_id);
    const again = await haven('restores', 'start', backup.backup_id, '--target-type', 'dynamodb', '--table', target, '--wait', '--poll-interval', '200ms');

    // Assess
    assert.match(job.job_id, /^job_/);
    assert.equal(job.source.table_name, table);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${job.job_id} +cli orders +full +dynamodb +daily +active`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /completed 100%/);
    assert.match(run.stdout, /status: +completed/);
    assert.equal(page.items.length, 1);
    assert.equal(backup.status, 'completed');
    assert.equal(backup.backup_type, 'full');
    assert.equal(page.next_cursor, null);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, new RegExp(`backup_id: +${backup.backup_id}`));
    assert.equal(restore.code, 0, restore.stdout + restore.stderr);
    assert.match(restore.stdout, /status: +completed/);
    assert.match(restore.stdout, /records: +300/);
    assert.deepEqual(restored, await scanAll(table));
    assert.equal(restores.code, 0, restores.stderr);
    assert.match(restores.stdout, /restore_\S+ +restore of backup_\S+ +backup_\S+ +completed +100%/);
    assert.equal(again.code, ExitCode.Failure, 'a restore into a non-empty table fails (fail_if_exists by default)');
    assert.match(again.stderr, /failed: RestoreConflict/);
  });

  describe('a job with one completed backup', () => {
    /** Made once through the CLI; the tests only read the backup (verifying it adds a verification, nothing else). */
    let made: { readonly jobId: string; readonly backupId: string };
    beforeAll(async () => {
      made = Object.freeze(await jobWithBackup('cli verified orders'));
    });

    test('backups verify --wait verifies the backup', async () => {
      // Prepare
      const { backupId } = made;

      // Act
      const verify = await haven('backups', 'verify', backupId, '--wait', '--poll-interval', '200ms', '--timeout', '5m');

      // Assess
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /status: +completed/);
    });

    test('jobs retention shows the plan, keeping the backup, and changes nothing', async () => {
      // Prepare
      const { jobId, backupId } = made;

      // Act
      const retention = await haven('jobs', 'retention', jobId);
      const asJson = await haven('jobs', 'retention', jobId, '--json');

      // Assess
      assert.equal(retention.code, 0, retention.stderr);
      assert.match(retention.stdout, new RegExp(`keep +${backupId} `));
      assert.match(retention.stdout, /nothing was changed/);
      const plan = JSON.parse(asJson.stdout) as { keep: Array<{ backup_id: string }>; forget: unknown[] };
      assert.deepEqual([plan.keep.map((k) => k.backup_id), plan.forget], [[backupId], []]);
    });

    test("analytics counts the job's backup", async () => {
      // Prepare
      const { jobId } = made;

      // Act
      const analytics = await haven('analytics', '--job', jobId);

      // Assess
      assert.equal(analytics.code, 0, analytics.stderr);
      assert.match(analytics.stdout, /backups +1 \(1 ok, 0 failed\)/);
    });
  });

  test('backups delete --yes deletes the backup, marking its record deleted', async () => {
    // Prepare
    const { backupId } = await jobWithBackup('cli deleted orders');

    // Act
    const deleted = await haven('backups', 'delete', backupId, '--yes');

    // Assess
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`deleted backup ${backupId}`));
    assert.ok((await cloud.catalog.getBackup(backupId)).deleted_at, 'the record is marked deleted');
  });

  test("an unknown job: the API's 404 on stderr, exit 3", async () => {
    // Act
    const missing = await haven('jobs', 'get', 'job_00000000000000000000000000');

    // Assess
    assert.equal(missing.code, ExitCode.NotFound, missing.stderr);
    assert.match(missing.stderr, /error: job_not_found \(HTTP 404\): Job not found/);
  });

  test("a job the API refuses: its 4xx naming the problem on stderr, exit 2", async () => {
    // Act
    const invalid = await haven('jobs', 'create', '--name', 'no source', '--type', 'full', '--schedule', 'daily', '--keep-days', '7');

    // Assess
    assert.equal(invalid.code, ExitCode.Usage, invalid.stderr);
    assert.match(invalid.stderr, /\(HTTP 4\d\d\)/);
    assert.match(invalid.stderr, /source/);
  });

  test('a malformed job id in a filter: exit 2', async () => {
    // Act
    const badStatus = await haven('backups', 'list', '--job', 'not-a-job-id');

    // Assess
    assert.equal(badStatus.code, ExitCode.Usage, badStatus.stderr);
  });

  test('an unreachable API: exit 6 saying so', async () => {
    // Act
    const unreachable = await cli.run(['jobs', 'list', '--endpoint', 'http://127.0.0.1:9']);

    // Assess
    assert.equal(unreachable.code, ExitCode.Unavailable);
    assert.match(unreachable.stderr, /cannot reach the API/);
  });
});
