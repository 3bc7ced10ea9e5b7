/**
 * The copy workflow's record-keeping steps over the catalog in the emulator:
 * Mark copy failed records the copy failed and announces Copy Failed once,
 * leaving the backup completed; a copy vault's own retention forgets its
 * copies by its own policy, independently of the primary's. The vault is a
 * seam that records the snapshot deletes (these steps touch nothing else in
 * it; the copy itself runs on the local cloud in test/e2e/copy.test.ts).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { RecordStatus } from '../../../../control/catalog/status.js';
import type { BackupResult, ExecutionRecord } from '../../../../control/catalog/types.js';
import type { OutcomeEvent } from '../../../../control/notifications/event-types.js';
import { VaultRegistry, type VaultLocation } from '../../../../control/vaults/registry.js';
import type { WorkflowDeps } from '../../../../control/workflows/deps.js';
import { markCopyFailed } from '../../../../control/workflows/copy/mark-failed.js';
import { updateCopy } from '../../../../control/workflows/copy/record.js';
import { applyCopyRetention } from '../../../../control/workflows/copy/retention.js';
import { executionInput, freshCatalog, jobInput } from '../../catalog/table.js';

/** The deployment's vault buckets: the primary, and a copy bucket in another region (names only: these steps never open a store). */
const REGISTRY = new VaultRegistry([
  { bucket: 'haven-primary', region: 'us-east-1', defaultPrefix: 'vault/', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/primary', primary: true },
  { bucket: 'haven-copies', region: 'eu-west-1', defaultPrefix: 'vault/', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/copies', primary: false },
]);
const COPY = { vault: { bucket: 'haven-copies', path: 'vault/', region: 'eu-west-1' } };
const COPY_URI = 's3://haven-copies/vault/';

/** Deps over a fresh catalog; the vault seam records deletes, publish collects events. */
async function fixture() {
  const { catalog, clock } = await freshCatalog();
  const events: OutcomeEvent[] = [];
  const deleted: string[] = [];
  const deps = {
    catalog,
    vaults: REGISTRY,
    vault: async (location: VaultLocation) => ({ store: { delete: async (key: string) => void deleted.push(`${location.uri}${key}`) } }),
    objectLock: () => undefined,
    publish: async (event: OutcomeEvent) => void events.push(event),
    now: clock.now,
  } as unknown as WorkflowDeps;
  return { deps, catalog, clock, events, deleted };
}

/** A completed backup of the job with a completed copy in the copy vault. */
async function copiedBackup(deps: WorkflowDeps, jobId: string, n: number): Promise<ExecutionRecord> {
  const created = await deps.catalog.executions.create(executionInput(jobId));
  await deps.catalog.executions.transition(created.execution_id, RecordStatus.Running);
  const record = await deps.catalog.executions.transition(created.execution_id, RecordStatus.Completed, { result: { backup_id: created.backup_id, snapshot_id: `snap-primary-${n}` } as BackupResult });
  return updateCopy(deps, record, COPY_URI, { status: 'completed', snapshot_id: `snap-copy-${n}`, completed_at: deps.now().toISOString() });
}

test('a failed copy is recorded failed with its code and announced once; the backup stays completed', async () => {
  // Prepare
  const { deps, catalog, events } = await fixture();
  const job = await catalog.createJob(jobInput({ copies: [COPY] }));
  const backup = await copiedBackup(deps, job.job_id, 1);
  await updateCopy(deps, backup, COPY_URI, { status: 'running' });
  const error = { Error: 'CopyVerificationError', Cause: JSON.stringify({ errorType: 'Error', errorMessage: JSON.stringify({ code: 'CorruptedBackup', message: 'snapshot did not verify' }) }) };

  // Act
  await markCopyFailed(deps, { backup_id: backup.backup_id, vault_uri: COPY_URI, error });
  await markCopyFailed(deps, { backup_id: backup.backup_id, vault_uri: COPY_URI, error });

  // Assess
  const after = await catalog.getBackup(backup.backup_id);
  assert.equal(after.status, 'completed');
  assert.deepEqual(after.copies?.map((c) => [c.vault_uri, c.status, c.error?.code, c.error?.message]), [[COPY_URI, 'failed', 'CorruptedBackup', 'snapshot did not verify']]);
  assert.deepEqual(events.map((e) => [e.detailType, e.detail.vault_uri, e.detail.error_code]), [['Copy Failed', COPY_URI, 'CorruptedBackup']]);
});

test("a copy vault forgets by its own retention, leaving the primary's backups as they are", async () => {
  // Prepare
  const { deps, catalog, clock, deleted } = await fixture();
  const job = await catalog.createJob(jobInput({ retention: { keep_last: 10 }, copies: [{ ...COPY, retention: { keep_last: 1 } }] }));
  const older = await copiedBackup(deps, job.job_id, 1);
  clock.advance(60);
  const newer = await copiedBackup(deps, job.job_id, 2);

  // Act
  const out = await applyCopyRetention(deps, job.job_id);

  // Assess
  assert.deepEqual(out.map((r) => [r.vault_uri, r.kept, r.forgotten]), [[COPY_URI, 1, [older.backup_id]]]);
  assert.deepEqual(deleted, [`${COPY_URI}snapshots/snap-copy-1`]);
  const [olderAfter, newerAfter] = await Promise.all([older, newer].map((b) => catalog.getBackup(b.backup_id)));
  assert.ok(olderAfter!.copies?.[0]?.deleted_at);
  assert.equal(newerAfter!.copies?.[0]?.deleted_at, undefined);
  assert.deepEqual([olderAfter!.deleted_at ?? null, newerAfter!.deleted_at ?? null], [null, null], "the primary's records are not forgotten");
});
