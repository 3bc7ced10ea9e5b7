/**
 * Plan: resolve the run's backups (one verification, or a sweep that gets
 * a record per backup), work out the packs their snapshots reference, pick
 * the sample when the level is `sample`, and stage the pack list in batches
 * (the staged list `batches` in `staging/<run id>/`) with the item list the
 * Check packs Distributed Map reads (the batch indexes), so the state
 * carries the list's location and count only.
 */
import { RecordStatus } from '../../catalog/status.js';
import { CorruptedBackupError, FormatError } from '../../../vault/format/errors.js';
import { readsPackData, VerificationLevel } from '../../verification/levels.js';
import { choosePackSample } from '../../verification/sample.js';
import { bucketOfUri, scratchTarget } from '../../verification/scratch.js';
import { SnapshotNotFoundError } from '../../../vault/repository/errors.js';
import type { WorkflowDeps } from '../deps.js';
import { sampleCursor } from './cursor.js';
import { snapshotReferences } from './references.js';
import { writeVerifyPlan } from './staged.js';
import { singleScope, sweepScope, type RunScope } from './targets.js';
import { servingVault } from '../restore/serving-vault.js';
import { stageRunFanOut } from '../map-items.js';
import type { Vault } from '../../../vault/repository/vault.js';
import type { VaultLocation } from '../../vaults/registry.js';
import type { PlannedPack, StagedVerifyPlan, VerifyExecution, VerifyPlanOutput, VerifyRun } from './types.js';
import { InvalidVerificationError } from '../../verification/errors.js';
import { reportTotals } from '../../catalog/progress-report.js';
import { CHECK_BATCHES_PER_CHILD, CHECK_MAX_CONCURRENCY, PACKS_PER_CHECK_BATCH } from '../backup/batching.js';

/** The staged list of a run's pack batches, and the name of the item list of their indexes. */
export const BATCH_LIST = 'batches';

/** The run id of an execution: its verification id, or `sweep-<execution name>`. */
export function runIdOf(execution: VerifyExecution): string {
  if (execution.input.verification_id) return execution.input.verification_id;
  return `sweep-${execution.execution}`;
}

/**
 * The vault a single verification reads: its backup's, or the first
 * completed copy that can serve it (restore/serving-vault.ts); the run's
 * target then names that vault's snapshot, and the record says which vault
 * served (`served_from`).
 */
async function servingVaultOf(deps: WorkflowDeps, scope: RunScope): Promise<{ vault: Vault; location: VaultLocation }> {
  const target = scope.targets[0]!;
  const served = await servingVault(deps, await deps.catalog.getBackup(target.backup_id), target.snapshot_id);
  scope.targets[0] = { ...target, snapshot_id: served.servedFrom.snapshot_id, ...(target.vault_uri || served.servedFrom.copy ? { vault_uri: served.location.uri } : {}) };
  await deps.catalog.verifications.annotate(target.verification_id, { served_from: served.servedFrom });
  return served;
}

/** The vault a sweep checks: the one it names, else the primary. */
async function sweepVaultOf(deps: WorkflowDeps, vaultUri: string | undefined): Promise<{ vault: Vault; location: VaultLocation }> {
  const location = deps.vaults.vaultOf(vaultUri);
  return { vault: await deps.vault(location), location };
}

/** Runs the verify Plan step. */
export async function planVerification(deps: WorkflowDeps, execution: VerifyExecution): Promise<VerifyPlanOutput> {
  const { input } = execution;
  const runId = runIdOf(execution);
  if (!input.verification_id && !input.sweep) throw new InvalidVerificationError('a verify run takes { verification_id } or { sweep: { level } }');
  // A run checks one vault: its verification's backup's, or the sweep's (the primary unless it names one).
  const sweepVault = deps.vaults.vaultOf(input.sweep?.vault_uri).uri;
  const scope = input.verification_id ? await singleScope(deps.catalog, input.verification_id) : await sweepScope(deps.catalog, input.sweep!, runId, (b) => deps.vaults.vaultOf(b.vault_uri).uri === sweepVault);
  const { vault, location } = input.verification_id ? await servingVaultOf(deps, scope) : await sweepVaultOf(deps, input.sweep?.vault_uri);
  const index = await vault.loadIndex();
  const referenced = new Map<string, PlannedPack>();
  const issues: StagedVerifyPlan['issues'] = [];
  let sourceType = '';
  for (const target of scope.targets) {
    try {
      const snapshot = await vault.readSnapshot(target.snapshot_id);
      if (snapshot.backup_id !== target.backup_id) throw new CorruptedBackupError(`snapshot ${target.snapshot_id} belongs to ${snapshot.backup_id}, not ${target.backup_id}`);
      sourceType = String(snapshot.source.type ?? snapshot.source.kind ?? '');
      const refs = await snapshotReferences(vault, index, snapshot);
      for (const [id, pack] of refs.packs) referenced.set(id, pack);
      if (refs.unindexed.length > 0) issues.push({ backup_id: target.backup_id, message: `${refs.unindexed.length} blobs of backup ${target.backup_id} are in no index (first: ${refs.unindexed[0]})` });
    } catch (error) {
      if (!(error instanceof FormatError || error instanceof SnapshotNotFoundError)) throw error;
      issues.push({ backup_id: target.backup_id, message: `snapshot ${target.snapshot_id} of backup ${target.backup_id}: ${error.message}` });
    }
  }

  const all = [...referenced.values()].sort((a, b) => a.id.localeCompare(b.id));
  let packs = all;
  let sample: StagedVerifyPlan['sample'] = null;
  if (scope.level === VerificationLevel.Sample) {
    const start = await sampleCursor(deps.catalog, input.verification_id ? scope.targets[0]!.backup_id : 'sweep');
    const choice = choosePackSample(all, start, { percent: scope.sample_percent, bytes: scope.sample_bytes });
    packs = choice.packs;
    sample = { start: choice.start, end: choice.end };
  }

  const size = readsPackData(scope.level) ? 'data' : 'quick';
  const perBatch = PACKS_PER_CHECK_BATCH[size];
  const slices = Array.from({ length: Math.ceil(packs.length / perBatch) }, (_, n) => packs.slice(n * perBatch, (n + 1) * perBatch));
  // One batch per staged object: a batch is already up to 500 packs.
  const { list: batches, items } = await stageRunFanOut(deps, { vault, location }, runId, BATCH_LIST, slices, 1);
  await writeVerifyPlan(vault, runId, { level: scope.level, targets: scope.targets, batch_size: perBatch, packs_total: all.length, issues, sample });

  const run: VerifyRun = { run_id: runId, level: scope.level, verification_id: input.verification_id ?? null, batches, ...(location.uri !== deps.vaults.primary().uri ? { vault_uri: location.uri } : {}) };
  // A snapshot that cannot be read is already a failure; there is nothing to restore.
  const testRestore = scope.level === VerificationLevel.TestRestore && sourceType !== '';
  if (run.verification_id) {
    const record = await deps.catalog.verifications.get(run.verification_id);
    if (record.status === RecordStatus.Running) await deps.catalog.verifications.updateProgress(run.verification_id, { progress: 5, phase: 'checking packs' });
    // Progress counts pack batches, and the packs' bytes at levels that read them (control/catalog/progress.ts).
    if (record.status === RecordStatus.Running) await reportTotals(deps.catalog.verifications, run.verification_id, { items: slices.length, bytes: size === 'data' ? packs.reduce((n, p) => n + p.size, 0) : 0 });
  }
  return {
    context: run,
    items,
    items_per_batch: CHECK_BATCHES_PER_CHILD[size],
    max_concurrency: CHECK_MAX_CONCURRENCY,
    test_restore: testRestore,
    scratch: testRestore ? scratchTarget(sourceType, run.verification_id!, deps.scratchBucket ?? bucketOfUri(location.uri)) : null,
  };
}
