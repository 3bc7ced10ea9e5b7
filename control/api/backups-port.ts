/** {@link BackupsPort} over the workflow steps' dependencies (the vault, the catalog, Object Lock). */
import { deleteBackup } from '../retention/delete-backup.js';
import { planRetention } from '../retention/forget.js';
import type { WorkflowDeps } from '../workflows/deps.js';
import type { BackupsPort } from './ports.js';

/**
 * @param deps - the workflow dependencies, built on first use (the API reads
 *   the vault's settings only when a route needs them)
 * @returns the port
 */
export function backupsPort(deps: () => WorkflowDeps): BackupsPort {
  return {
    delete: (backupId) => deleteBackup(deps(), backupId),
    planRetention: (jobId) => planRetention(deps(), jobId),
  };
}
