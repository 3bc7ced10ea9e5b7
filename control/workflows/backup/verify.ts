/**
 * Verify (at the job's level), in three steps so that no Lambda reads a
 * large backup back alone:
 *
 * - **Plan verify** checks that every pack the snapshot references exists
 *   with its indexed size (one listing of `data/`, the vault's index
 *   objects); with checksum verification it stages the packs this backup
 *   wrote in batches in the backup's staging area, with the item list the
 *   Verify packs Distributed Map reads, and the Map's batching
 *   (`packCheckBatching`). Existence only (`checksum_verification: false`)
 *   or a backup that wrote no pack stages nothing: its outcome is final here.
 * - **Verify packs** (each Map child) downloads, hashes and authenticates
 *   its pack batches with the verify workflow's check and stages each
 *   batch's counts and problems (`checkStagedBatches`).
 * - **Record verification** gathers the staged results: a damaged pack
 *   fails the backup naming it; otherwise it returns the outcome Finalize
 *   records on the backup, and clears the staging area.
 *
 * The state carries the staged list's reference and counts, never packs.
 */
import { checkVault } from '../../../vault/checker/checker.js';
import type { StagedItemList } from '../../../vault/staging/item-list.js';
import { clearStaged } from '../../../vault/staging/staging.js';
import { VerificationLevel } from '../../verification/levels.js';
import type { WorkflowDeps } from '../deps.js';
import { VerificationFailedError } from '../errors.js';
import { checkStagedBatches } from '../verify/check-batch.js';
import { readBatchResults } from '../verify/staged.js';
import type { PlannedPack, VerifyRun } from '../verify/types.js';
import { PACKS_PER_CHECK_BATCH, packCheckBatching, type Batching } from './batching.js';
import type { BackupContext, BatchOutput, CommitOutput, VerifyOutput } from './types.js';
import { vaultAt } from '../vault-opener.js';
import { stageRunFanOut } from '../map-items.js';

/** The staged list of the packs to read back (batches of {@link PACKS_PER_CHECK_BATCH}`.data`), and of its item list. */
export const VERIFY_PACK_LIST = 'verify-packs';
/** Problems named in a failed verification's message at most. */
const NAMED = 20;

/** Output of Plan verify (the state's `verify_plan`): small whatever the backup's size. */
export interface BackupVerifyPlan extends Batching {
  /** The Verify packs Map runs: checksum verification of a backup that wrote packs. */
  read_packs: boolean;
  /** The outcome when no pack is read (skipped, or existence only): what Verify records. */
  outcome: VerifyOutput;
  /** The pack-reading run (its staging area is the backup's); null when no pack is read. */
  run: VerifyRun | null;
  /** The item list Verify packs reads (the pack batch indexes); null when no pack is read. */
  items: StagedItemList | null;
}

/** What one Verify packs child receives: its pack batch indexes, the backup (for Record check failure) and the run. */
export interface VerifyPacksInput {
  Items: number[];
  BatchInput: { context: BackupContext; run: VerifyRun };
}

/** Runs the Plan verify step. */
export async function planBackupVerification(deps: WorkflowDeps, input: { context: BackupContext; commit: CommitOutput }): Promise<BackupVerifyPlan> {
  const none = { read_packs: false, run: null, items: null, items_per_batch: 1, max_concurrency: 1 } as const;
  const job = await deps.catalog.getJob(input.context.job_id);
  if (input.context.skip_verification || job.verification?.enabled === false) {
    return { ...none, outcome: { status: 'skipped', checksum_verified: false, integrity_verified: false, packs_checked: 0 } };
  }
  const vault = await vaultAt(deps, input.context);
  const snapshotId = input.commit.snapshot_id;
  const readData = job.verification?.checksum_verification !== false;
  // Existence and size of every referenced pack; a damaged snapshot or index fails here.
  const report = await checkVault(vault, { snapshotIds: [snapshotId], readData: false });
  const snapshot = await vault.readSnapshot(snapshotId);
  const own: PlannedPack[] = [];
  for (const index of snapshot.index_ids) for (const pack of await vault.readIndex(index)) own.push({ id: pack.id, size: pack.size, index });
  const owned = new Set(own.map((p) => p.id));
  const mine = report.issues.filter((issue) => issue.snapshots.includes(snapshotId) || (issue.pack !== undefined && owned.has(issue.pack)));
  if (mine.length > 0) throw failed(input.context.backup_id, mine.map((i) => i.message));

  const outcome: VerifyOutput = { status: 'passed', checksum_verified: readData, integrity_verified: true, packs_checked: 0 };
  if (!readData || own.length === 0) return { ...none, outcome };
  const perBatch = PACKS_PER_CHECK_BATCH.data;
  const slices = Array.from({ length: Math.ceil(own.length / perBatch) }, (_, n) => own.slice(n * perBatch, (n + 1) * perBatch));
  // In index order, so a batch's packs share an index object or two (each batch reads the ones it touches); one batch per staged object, as the verify workflow stages them.
  // The item list in the primary vault when the backup's is elsewhere (as its Plan stages the export's).
  const location = deps.vaults.vaultOf(input.context.vault_uri);
  const { list, items } = await stageRunFanOut(deps, { vault, location }, input.context.backup_id, VERIFY_PACK_LIST, slices, 1);
  const run: VerifyRun = { run_id: input.context.backup_id, level: VerificationLevel.Checksum, verification_id: null, batches: list };
  const batching = packCheckBatching(slices.length, own.reduce((n, p) => n + p.size, 0));
  return { read_packs: true, outcome, run, items, ...batching };
}

/** Runs one Verify packs child: each of its pack batches not checked yet (a retried child skips what it staged). */
export async function verifyPackBatches(deps: WorkflowDeps, input: VerifyPacksInput): Promise<BatchOutput> {
  const { skipped } = await checkStagedBatches(await vaultAt(deps, input.BatchInput.context), input.BatchInput.run, input.Items);
  return { items: input.Items.length, skipped };
}

/** Runs the Record verification step: every batch's staged result, a failure naming the damaged packs, or the outcome. */
export async function recordBackupVerification(deps: WorkflowDeps, input: { context: BackupContext; verify: BackupVerifyPlan }): Promise<VerifyOutput> {
  const { run, outcome } = input.verify;
  if (!run) return outcome;
  const vault = await vaultAt(deps, input.context);
  const results = await readBatchResults(vault, run.run_id, run.batches.count);
  const problems = results.flatMap((r) => r.problems);
  if (problems.length > 0) throw failed(input.context.backup_id, problems.map((p) => (p.message.includes(p.pack) ? p.message : `pack ${p.pack}: ${p.message}`)));
  // Best effort: the outcome stands whatever happens to the staged objects (a prune sweeps what is left).
  await clearStaged(vault, run.run_id).catch(() => undefined);
  return { ...outcome, packs_checked: results.reduce((n, r) => n + r.c, 0) };
}

/** The backup's verification failure, naming its first problems. */
function failed(backupId: string, problems: readonly string[]): VerificationFailedError {
  const more = problems.length > NAMED ? `; and ${problems.length - NAMED} more` : '';
  return new VerificationFailedError(`backup ${backupId} failed verification: ${problems.slice(0, NAMED).join('; ').slice(0, 1500)}${more}`);
}
