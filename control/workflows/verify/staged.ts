/** A verify run's staged objects (`staging/<run id>/…` in the vault): the plan and each batch's problems. */
import type { Vault } from '../../../vault/repository/vault.js';
import type { PackProblem } from '../../verification/pack-state.js';
import { listStaged, readStaged, writeStaged } from '../../../vault/staging/staging.js';
import { VerificationFailedError } from '../errors.js';
import type { StagedVerifyPlan } from './types.js';

const PLAN = 'plan';
const BATCH = 'batch-';

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

/** Stages one batch's problems (only batches that found some). */
export function writeBatchProblems(vault: Vault, runId: string, batch: number, problems: PackProblem[]): Promise<void> {
  return writeStaged(vault, runId, `${BATCH}${String(batch).padStart(5, '0')}`, problems);
}

/** Every problem the batches staged. */
export async function readBatchProblems(vault: Vault, runId: string): Promise<PackProblem[]> {
  const names = (await listStaged(vault, runId)).filter((n) => n.startsWith(BATCH)).sort();
  const out: PackProblem[] = [];
  for (const name of names) out.push(...((await readStaged<PackProblem[]>(vault, runId, name)) ?? []));
  return out;
}
