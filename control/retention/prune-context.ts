/**
 * The deployment's side of a prune (`vault/prune/prune.ts`): the catalog
 * tells whether a staged backup still runs and how long each backup is kept.
 */
import type { Catalog } from '../catalog/catalog.js';
import { executionIdOf } from '../catalog/ids.js';
import { isTerminal } from '../catalog/status.js';
import type { PruneContext } from '../../vault/prune/prune.js';
import type { RetentionDeps } from './deps.js';
import { pruneLocking } from './locks.js';
import type { VaultLocation } from '../vaults/registry.js';

/**
 * A backup runs while its execution's record is not terminal; a backup id
 * without an execution, or whose record is gone, does not run.
 */
export function backupLiveness(catalog: Catalog): (backupId: string) => Promise<boolean> {
  return async (backupId) => {
    const executionId = executionIdOf(backupId);
    if (!executionId) return false;
    const record = await catalog.executions.find(executionId);
    return record !== undefined && !isTerminal(record.status);
  };
}

/**
 * What a prune of one of the deployment's vaults works with.
 *
 * @param deps - the catalog, vaults and clock
 * @param location - the vault @default the primary
 */
export async function pruneContext(deps: RetentionDeps, location: VaultLocation = deps.vaults.primary()): Promise<PruneContext> {
  const locker = deps.objectLock(location);
  return {
    vault: await deps.vault(location),
    isRunning: backupLiveness(deps.catalog),
    ...(locker ? { locking: pruneLocking(locker, deps.catalog) } : {}),
    now: () => deps.now(),
  };
}
