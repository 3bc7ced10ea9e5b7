/**
 * The copy workflow on the local cloud under enforced IAM (issue 17): a job
 * with a copy vault backs up through the API; after Commit, Verify and
 * Finalize the backup workflow starts the copy workflow, which copies the
 * backup into the copy vault and records it on the backup. The second
 * backup's copy moves only the chunks the copy vault lacks; the copy vault
 * passes `check --read-data`; `haven vault restore` restores from the copy
 * vault alone after the primary's packs are deleted. A job naming an
 * unknown copy vault is refused with a 422 naming the field.
 *
 * The copy vault is in a second emulated region (`copyVaults`: its own
 * bucket and KMS key, infra/copy-vault-stack.ts).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { runRestore } from '../../cli/vault/restore-run.js';
import { DynamoDbRestoreTarget } from '../../sources/dynamodb/target.js';
import { openSnapshot } from '../../vault/restore/restorer.js';
import { s3Client } from '../../vault/aws/clients.js';
import { checkVault } from '../../vault/checker/checker.js';
import { parseStoreUri } from '../../vault/storage/open-store.js';
import type { Vault } from '../../vault/repository/vault.js';
import type { BackupCopy, ExecutionRecord } from '../../control/catalog/types.js';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import type { Execution } from '../../local/cloud/workflows.js';
import { uniqueName } from '../helpers/names.js';
import { jobBody, startApiFixture, type ApiFixture } from '../control/api/support.js';
import { BlobLists } from '../../vault/repository/partition-blobs.js';

/** The copy vault's region: not the local cloud's own. */
const REGION_B = 'eu-west-1';

/** Deletes every object under a prefix of a bucket. */
async function deleteUnder(bucket: string, prefix: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return deleted;
    await s3Client().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    deleted += keys.length;
  }
}

describe('copy workflow: a job with a copy vault', () => {
  let api: ApiFixture;
  let bucket: string;
  let copyBucket: string;
  let copyUri: string;
  let jobId: string;
  const table = uniqueName('copy-src');
  const restored = `${table}-from-copy`;
  /** The two backups and their copy executions, in order. */
  const runs: Array<{ backup: ExecutionRecord; copy: Execution }> = [];

  /** Runs a backup of the job through the workflow and waits for the copy execution it starts. */
  async function backUpAndCopy(): Promise<{ backup: ExecutionRecord; copy: Execution }> {
    // Four partitions, so one changed item leaves three of them (and their chunks) as they were.
    const backup = await api.cloud.workflows.run('backup', { job_id: jobId, custom_parameters: { segments: 4 } });
    assert.equal(backup.status, 'SUCCEEDED', `${backup.error}: ${backup.cause}`);
    const record = (await api.cloud.catalog.listExecutions({ job_id: jobId })).items[0]!;
    const copyArn = `${api.cloud.workflows.stateMachineArn('copy').replace(':stateMachine:', ':execution:')}:${record.backup_id}`;
    const copy = await api.cloud.workflows.wait(copyArn, 120_000);
    return { backup: await api.cloud.catalog.getBackup(record.backup_id), copy };
  }

  const copyVault = (): Promise<Vault> => api.cloud.deps.vault(api.cloud.deps.vaults.locate(copyUri));
  const copyOf = (record: ExecutionRecord): BackupCopy => {
    const copy = record.copies?.find((c) => c.vault_uri === copyUri);
    assert.ok(copy, `backup ${record.backup_id} records no copy in ${copyUri}: ${JSON.stringify(record.copies)}`);
    return copy;
  };

  beforeAll(async () => {
    api = await startApiFixture({ name: 'haven-copy', sourceTables: [table], restoreTables: [restored], copyVaults: [{ region: REGION_B }] });
    await seedTable(table, 200);
    bucket = api.cloud.bucket;
    copyBucket = api.cloud.copyVaults[0]!.bucket;
    copyUri = api.cloud.copyVaults[0]!.uri;
    const created = await api.call('POST', '/backup/jobs', jobBody(table, { copies: [{ vault: { bucket: copyBucket, region: REGION_B }, retention: { keep_last: 3 } }] }));
    assert.equal(created.status, 201, created.text);
    jobId = created.body.job_id;
    runs.push(await backUpAndCopy());
    await writeItems(table, [7], (i) => demoItem(i, 2));
    runs.push(await backUpAndCopy());
  }, 600_000);
  afterAll(() => api?.close());

  test('the job is stored with its copy vault normalized', async () => {
    // Act
    const res = await api.call('GET', `/backup/jobs/${jobId}`);

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.copies, [{ vault: { bucket: copyBucket, path: 'vault/', region: REGION_B }, retention: { keep_last: 3 } }]);
  });

  test('the first backup is copied and the copy is recorded completed with its counts, shown by the API', async () => {
    // Prepare
    const { backup, copy } = runs[0]!;

    // Act
    const shown = await api.call('GET', `/backup/backups/${backup.backup_id}`);

    // Assess
    assert.equal(copy.status, 'SUCCEEDED', `${copy.error}: ${copy.cause}`);
    const recorded = copyOf(backup);
    assert.equal(recorded.status, 'completed');
    assert.ok(recorded.bytes_transferred > 0 && recorded.blobs_transferred > 0, JSON.stringify(recorded));
    assert.ok(recorded.completed_at && recorded.duration_ms !== null);
    const snapshot = await (await copyVault()).readSnapshot(recorded.snapshot_id!);
    assert.equal(snapshot.backup_id, backup.backup_id);
    assert.equal(shown.status, 200, shown.text);
    assert.deepEqual(shown.body.copies, backup.copies);
    assert.deepEqual(api.cloud.denials, []);
  });

  test("the second backup's copy transfers only the chunks the copy vault lacked", async () => {
    // Prepare
    const [first, second] = runs.map((r) => r.backup) as [ExecutionRecord, ExecutionRecord];
    const primary = await api.cloud.deps.vault();
    const index = await primary.loadIndex();
    const chunks = async (record: ExecutionRecord) => {
      const snapshot = await primary.readSnapshot(record.result!.snapshot_id);
      const lists = new BlobLists(primary);
      return new Set((await Promise.all(snapshot.partitions.map((p) => lists.of(snapshot, p)))).flatMap((ids) => [...ids]));
    };
    const stored = (blobs: readonly string[]) => blobs.reduce((n, blob) => n + index.locate(blob)[0]!.blob.length, 0);
    const [before, after] = await Promise.all([chunks(first), chunks(second)]);
    const fresh = [...after].filter((blob) => !before.has(blob));

    // Act
    const copied = copyOf(second);

    // Assess
    assert.equal(copied.status, 'completed');
    assert.ok(fresh.length > 0 && fresh.length < after.size, `${fresh.length} new of ${after.size} chunks: the data must share chunks`);
    assert.equal(copied.blobs_transferred, fresh.length);
    // The new chunks' sealed bytes plus their pack's header (41 bytes a blob, sealed), never the shared ones.
    assert.ok(copied.bytes_transferred >= stored(fresh), `${copied.bytes_transferred} < ${stored(fresh)}`);
    assert.ok(copied.bytes_transferred <= stored(fresh) + fresh.length * 41 + 1024, `${copied.bytes_transferred} vs ${stored(fresh)} of new chunks`);
    assert.ok(copied.bytes_transferred < stored([...after]), 'less than a full copy');
  });

  test('the copy vault passes check --read-data', async () => {
    // Prepare
    const vault = await copyVault();

    // Act
    const report = await checkVault(vault, { readData: true });

    // Assess
    assert.deepEqual(report.issues, []);
    assert.equal((await vault.listSnapshots()).length, 2);
    assert.ok(report.packsRead > 0);
  });

  test('a job naming a copy vault in a bucket the deployment does not have is refused with a 422 naming the field', async () => {
    // Act
    const res = await api.call('POST', '/backup/jobs', jobBody(table, { copies: [{ vault: { bucket: 'not-a-haven-bucket' } }] }));

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.match(JSON.stringify(res.body.details), /copies\[0\]\.vault\.bucket/);
  });

  test("a job whose copy is its own destination vault is refused with a 422", async () => {
    // Act
    const res = await api.call('POST', '/backup/jobs', jobBody(table, { destination: { type: 'vault', bucket, path: 'copies/' }, copies: [{ vault: { bucket, path: 'copies/' } }] }));

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.match(JSON.stringify(res.body.details), /copies\[0\]\.vault.*destination vault/);
  });

  test("a job whose destination is the vault bucket in the other region backs up there, and its Maps read their item lists from the primary vault (a Distributed Map's item reader reads only its own region's buckets)", async () => {
    // Prepare
    const created = await api.call('POST', '/backup/jobs', jobBody(table, { destination: { type: 'vault', bucket: copyBucket, region: REGION_B, path: 'direct/' } }));
    assert.equal(created.status, 201, created.text);

    // Act
    const execution = await api.cloud.workflows.run('backup', { job_id: created.body.job_id, custom_parameters: { segments: 2 } });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await api.cloud.catalog.listExecutions({ job_id: created.body.job_id })).items[0]!;
    assert.equal(record.vault_uri, `s3://${copyBucket}/direct/`);
    const readers = execution.history
      .filter((e) => e.type === 'MapStateEntered')
      .map((e) => JSON.parse(e.stateEnteredEventDetails?.input ?? '{}') as { plan?: { items?: { bucket?: string } }; verify_plan?: { items?: { bucket?: string } } })
      .map((input) => input.plan?.items?.bucket ?? input.verify_plan?.items?.bucket);
    assert.equal(readers.length, 2, 'Export partitions and Verify packs');
    assert.deepEqual([...new Set(readers)], [bucket]);
    assert.deepEqual(api.cloud.denials, []);
  });

  test('the scheduled prune passes over the copy vault in the other region too, its Maps reading their item lists from the primary vault', async () => {
    // Act
    const prune = await api.cloud.workflows.run('prune', { grace_seconds: 0, dry_run: true });

    // Assess
    assert.equal(prune.status, 'SUCCEEDED', `${prune.error}: ${prune.cause}`);
    const readers = prune.history
      .filter((e) => e.type === 'MapStateEntered')
      .flatMap((e) => [...(e.stateEnteredEventDetails?.input ?? '').matchAll(/"items":\{"bucket":"([^"]+)"/g)].map((m) => m[1]));
    assert.ok(readers.length > 0, 'the prune fanned out');
    assert.deepEqual([...new Set(readers)], [bucket]);
    assert.deepEqual(api.cloud.denials, []);
  });

  // Last: it deletes the primary vault's packs.
  test("a restore from the copy vault alone (haven vault restore's runner), after the primary lost its packs, gives identical data", async () => {
    // Prepare
    const { prefix } = parseStoreUri(api.cloud.vaultUri) as { prefix: string };
    assert.ok((await deleteUnder(bucket, `${prefix}/data/`)) > 0);
    const vault = await copyVault();
    const opened = await openSnapshot(vault, copyOf(runs[1]!.backup).snapshot_id!);

    // Act
    const summary = await runRestore(vault, opened, opened.snapshot.partitions, new DynamoDbRestoreTarget({ table: restored }), {
      conflictPolicy: 'overwrite',
      prepare: { create_missing_tables: true },
      finish: { skip_constraints: false, skip_indexes: false },
      parallel: 4,
      partial: false,
    });

    // Assess
    assert.equal(summary.counts_verified, true);
    assert.deepEqual(await scanAll(restored), await scanAll(table));
  });
});
