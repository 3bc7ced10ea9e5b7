/**
 * A waiting holder invocation (control/workflows/backup/hold-snapshot.ts,
 * `takeOver`) ends once the run's record has ended, even when nothing was
 * ever published: a PostgreSQL backup that failed before its snapshot was
 * held leaves no marker for it to see, and without the record check it
 * would wait out half its budget (session 8: e2e/postgres-failures' stack
 * could not close in time). The vault is a real one on the filesystem; the
 * catalog and the source are stand-ins that only answer what the holder
 * asks (a record's status, a job's source).
 */
import { afterAll, expect, test } from 'vitest';
import { HolderEnd, holdBackupSnapshot, HOLDER_POLL_MS, type HolderInput } from '../../../../control/workflows/backup/hold-snapshot.js';
import type { WorkflowDeps } from '../../../../control/workflows/deps.js';
import { RecordStatus } from '../../../../control/catalog/status.js';
import { BackupType } from '../../../../vault/snapshot/snapshot.js';
import { tempVault, type TempVault } from '../../../helpers/engine.js';

/** Half the budget: how long a waiter that never sees the run end waits before it returns `waiting`. */
const BUDGET_MS = 60_000;

let temp: TempVault | undefined;
afterAll(() => temp?.cleanup());

/** Deps whose catalog reports the run's record as `status`, and whose source would hold a snapshot if asked. */
function depsFor(vault: TempVault['vault'], status: () => string): { deps: WorkflowDeps; held: () => number } {
  let held = 0;
  const source = {
    holdSnapshot: async () => {
      held += 1;
      return { ref: { id: 'snap' }, alive: async () => true, close: async () => {} };
    },
  };
  const deps = {
    catalog: {
      getJob: async (jobId: string) => ({ job_id: jobId, source: { type: 'postgresql' } }),
      executions: { get: async () => ({ status: status() }) },
    },
    source: () => source,
    vaults: { vaultOf: () => ({ uri: vault.store.uri }) },
    vault: async () => vault,
    now: () => new Date(),
  } as unknown as WorkflowDeps;
  return { deps, held: () => held };
}

function waiterInput(backupId: string): HolderInput {
  const context = { execution_id: 'exec-1', backup_id: backupId, job_id: 'job-1', type: BackupType.Full, base_full: null, parent: null, compression: { algorithm: 'zstd', level: 3 }, skip_verification: false };
  return { holder: { context, custom_parameters: {}, queued: false } as unknown as HolderInput['holder'], parity: 1 };
}

test('a waiting holder whose run failed before any snapshot was published ends released within a few polls, holding nothing', async () => {
  // Prepare
  temp = await tempVault();
  const { deps, held } = depsFor(temp.vault, () => RecordStatus.Failed);
  const started = Date.now();

  // Act
  const result = await holdBackupSnapshot(deps, waiterInput('backup-failed-early'), BUDGET_MS);

  // Assess
  expect(result.ended).toBe(HolderEnd.Released);
  expect(Date.now() - started).toBeLessThan(BUDGET_MS / 2 - 10 * HOLDER_POLL_MS);
  expect(held()).toBe(0);
  expect(result.generation).toBeUndefined();
}, BUDGET_MS);
