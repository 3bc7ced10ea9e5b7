/**
 * A verify run's staged objects (`staging/<run id>/…` in the vault): the
 * plan, each pack batch's result and each scratch restore batch's result. A
 * Distributed Map's children record their items' results here, never in
 * the Map's output, so the state stays the same size whatever the run's.
 */
import type { Vault } from '../../../vault/repository/vault.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import { listStaged, readRequiredStaged, readStaged, writeStaged } from '../../../vault/staging/staging.js';
import { VerificationFailedError } from '../errors.js';
import type { ScratchBatchResult, StagedBatchResult, StagedVerifyPlan } from './types.js';

const PLAN = 'plan';
const BATCH = 'batch-';
const SCRATCH = 'scratch-';
/** A scratch restore batch's result (not `scratch-plan`). */
const SCRATCH_RESULT = /^scratch-\d+$/;
/** Staged results read at once (a gathering step reads one per pack batch: thousands for a large backup). */
export const STAGED_READ_CONCURRENCY = 64;

/** `<prefix><n>`, `n` in five digits at least. */
const itemName = (prefix: string, n: number): string => `${prefix}${String(n).padStart(5, '0')}`;

/** Stages the run's plan. */
export function writeVerifyPlan(vault: Vault, runId: string, plan: StagedVerifyPlan): Promise<void> {
  return writeStaged(vault, runId, PLAN, plan);
}

/** Reads the run's plan, or undefined when Plan never staged it. */
export function findVerifyPlan(vault: Vault, runId: string): Promise<StagedVerifyPlan | undefined> {
  return readStaged<StagedVerifyPlan>(vault, runId, PLAN);
}

/** Reads the run's plan; throws when it is gone (a run whose staging was cleared). */
export async function readVerifyPlan(vault: Vault, runId: string): Promise<StagedVerifyPlan> {
  const plan = await findVerifyPlan(vault, runId);
  if (!plan) throw new VerificationFailedError(`verify run ${runId}: the staged plan is missing`);
  return plan;
}

/** Stages what pack batch `batch` found (every batch, problems or not). */
export function writeBatchResult(vault: Vault, runId: string, batch: number, result: StagedBatchResult): Promise<void> {
  return writeStaged(vault, runId, itemName(BATCH, batch), result);
}

/** What pack batch `batch` staged, or undefined when it has not been checked yet. */
export function findBatchResult(vault: Vault, runId: string, batch: number): Promise<StagedBatchResult | undefined> {
  return readStaged<StagedBatchResult>(vault, runId, itemName(BATCH, batch));
}

/** Stages what the scratch restore batch whose first partition is `first` did. */
export function writeScratchResult(vault: Vault, runId: string, first: number, result: ScratchBatchResult): Promise<void> {
  return writeStaged(vault, runId, itemName(SCRATCH, first), result);
}

/** What the scratch restore batch whose first partition is `first` staged, or undefined when it has not finished. */
export function findScratchResult(vault: Vault, runId: string, first: number): Promise<ScratchBatchResult | undefined> {
  return readStaged<ScratchBatchResult>(vault, runId, itemName(SCRATCH, first));
}

/** The results of items `0 … count-1`, in order; throws naming the first item that staged none. */
async function readAll<T>(count: number, what: string, find: (n: number) => Promise<T | undefined>): Promise<T[]> {
  const results = await mapLimit(Array.from({ length: count }, (_, n) => n), STAGED_READ_CONCURRENCY, find);
  const missing = results.findIndex((r) => r === undefined);
  if (missing >= 0) throw new VerificationFailedError(`${what} ${missing} of ${count} staged no result (was the staging area cleared?)`);
  return results as T[];
}

/** Every pack batch's result, in batch order. */
export function readBatchResults(vault: Vault, runId: string, count: number): Promise<StagedBatchResult[]> {
  return readAll(count, `verify run ${runId}: pack batch`, (n) => findBatchResult(vault, runId, n));
}

/** What every scratch restore batch staged (one object per batch: the batches' first partitions are not known here). */
export async function readScratchResults(vault: Vault, runId: string): Promise<ScratchBatchResult[]> {
  const names = (await listStaged(vault, runId)).filter((name) => SCRATCH_RESULT.test(name));
  return mapLimit(names, STAGED_READ_CONCURRENCY, (name) => readRequiredStaged<ScratchBatchResult>(vault, runId, name));
}
