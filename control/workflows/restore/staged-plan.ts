/**
 * A restore's staged plan (destination and key selection, see
 * {@link StagedRestorePlan}): written by the step that plans the fan-out
 * (restore Plan, verify's Prepare scratch), read by every step after it.
 */
import type { Vault } from '../../../vault/repository/vault.js';
import { readRequiredStaged, writeStaged } from '../../../vault/staging/staging.js';
import type { RestoreContext, StagedRef, StagedRestorePlan } from './types.js';

/** The staged name of a restore's plan in its own area. */
export const RESTORE_PLAN = 'restore-plan';
/** The staged list of a restore's partition names. */
export const RESTORE_PARTITION_LIST = 'partitions';

/**
 * Stages a restore plan.
 *
 * @param vault - the vault
 * @param ref - where (area and name)
 * @param plan - the destination and key selection
 * @returns the reference the context carries
 */
export async function stageRestorePlan(vault: Vault, ref: StagedRef, plan: StagedRestorePlan): Promise<StagedRef> {
  await writeStaged(vault, ref.area, ref.name, plan);
  return ref;
}

const cache = new WeakMap<Vault, Map<string, Promise<StagedRestorePlan>>>();
const CACHED_PLANS = 16;

/**
 * A restore's staged plan, read once per container (every partition needs it).
 *
 * @param vault - the vault
 * @param context - the restore's context
 * @returns the plan
 * @throws StagingError when it is no longer staged
 */
export function readRestorePlan(vault: Vault, context: Pick<RestoreContext, 'plan'>): Promise<StagedRestorePlan> {
  let plans = cache.get(vault);
  if (!plans) cache.set(vault, (plans = new Map()));
  const key = `${context.plan.area}/${context.plan.name}`;
  let plan = plans.get(key);
  if (!plan) {
    if (plans.size >= CACHED_PLANS) plans.delete(plans.keys().next().value!);
    plan = readRequiredStaged<StagedRestorePlan>(vault, context.plan.area, context.plan.name);
    plans.set(key, plan);
    plan.catch(() => plans.delete(key));
  }
  return plan;
}
