/**
 * Which vault serves a restore or a verification: the backup's own vault
 * (its `vault_uri`, else the primary) first, then each completed copy the
 * record lists (docs/COPIES.md), in order. A vault serves when it opens, its
 * snapshot of the backup reads and authenticates, belongs to the backup,
 * and every pack the snapshot needs is present with its size (the checker's
 * structural check of that one snapshot: every index object read, one
 * listing of `data/`), checked only when there is a copy to fall back
 * to. A vault that cannot serve (an error of the vault
 * engine's storage, key, vault or format families, or a vault the
 * deployment no longer knows) is skipped with its error; any other error
 * ends the run. Damage found only when a pack's bytes are read (a pack
 * present with its size but altered) is not seen here: it fails the run
 * that reads it, as before.
 */
import { checkVault } from '../../../vault/checker/checker.js';
import { CorruptedBackupError } from '../../../vault/format/errors.js';
import type { Vault } from '../../../vault/repository/vault.js';
import type { ExecutionRecord, ServedFrom } from '../../catalog/types.js';
import type { VaultLocation } from '../../vaults/registry.js';
import type { WorkflowDeps } from '../deps.js';
import { stepFailureOf } from '../errors.js';
import { cannotServe } from '../vault-opener.js';

/** A copy as a backup record lists it (the fields fallback reads). */
interface RecordedCopy {
  vault_uri: string;
  status: string;
  snapshot_id: string | null;
  deleted_at?: string | null;
}

/** The status of a copy that holds the backup. */
const COPY_COMPLETED = 'completed';

/** A vault that serves a run, opened. */
export interface ServingVault {
  vault: Vault;
  location: VaultLocation;
  /** What the run records (`served_from`). */
  servedFrom: ServedFrom;
}

/** The vaults that hold a backup, its own first: `[vault_uri or primary, snapshot id]`, then its completed copies. */
export function vaultsHolding(deps: Pick<WorkflowDeps, 'vaults'>, backup: ExecutionRecord & { copies?: readonly RecordedCopy[] }, snapshotId: string): Array<{ uri: string; snapshotId: string; copy: boolean }> {
  const own = { uri: deps.vaults.vaultOf(backup.vault_uri).uri, snapshotId, copy: false };
  const copies = (backup.copies ?? []).filter((c) => c.status === COPY_COMPLETED && c.snapshot_id && !c.deleted_at).map((c) => ({ uri: c.vault_uri, snapshotId: c.snapshot_id!, copy: true }));
  return [own, ...copies.filter((c) => c.uri !== own.uri)];
}

/**
 * The first vault that can serve the backup's snapshot. With no completed
 * copy there is nothing to fall back to and the backup's own vault is
 * opened unchecked, as before copies existed; when no vault passes the
 * check, the own vault serves too, and the run reports its problems as it
 * would have (the copies tried are listed in `skipped`).
 *
 * @param deps - the vaults and their opener
 * @param backup - the backup record (its `vault_uri` and `copies`)
 * @param snapshotId - the snapshot id the catalog records for it in its own vault
 * @returns the vault, its location and what the run records
 * @throws any error that is not a vault's failure to serve, and the own vault's failure to open
 */
export async function servingVault(deps: Pick<WorkflowDeps, 'vaults' | 'vault'>, backup: ExecutionRecord, snapshotId: string): Promise<ServingVault> {
  const candidates = vaultsHolding(deps, backup, snapshotId);
  const skipped: ServedFrom['skipped'] = [];
  if (candidates.length > 1) {
    for (const candidate of candidates) {
      try {
        const location = deps.vaults.locate(candidate.uri);
        const vault = await deps.vault(location);
        await assertServes(vault, backup.backup_id, candidate.snapshotId);
        return { vault, location, servedFrom: { vault_uri: location.uri, snapshot_id: candidate.snapshotId, copy: candidate.copy, skipped } };
      } catch (error) {
        if (!cannotServe(error)) throw error;
        const { code, message } = stepFailureOf(error);
        skipped.push({ vault_uri: candidate.uri, error: { code, message } });
      }
    }
  }
  const own = candidates[0]!;
  const location = deps.vaults.locate(own.uri);
  return { vault: await deps.vault(location), location, servedFrom: { vault_uri: location.uri, snapshot_id: own.snapshotId, copy: false, skipped: skipped.filter((s) => s.vault_uri !== own.uri) } };
}

/** Throws unless the vault holds the backup's snapshot, authentic, with every pack it needs. */
async function assertServes(vault: Vault, backupId: string, snapshotId: string): Promise<void> {
  const snapshot = await vault.readSnapshot(snapshotId);
  if (snapshot.backup_id !== backupId) throw new CorruptedBackupError(`snapshot ${snapshotId} belongs to ${snapshot.backup_id}, not ${backupId}`, { object: `snapshots/${snapshotId}` });
  const report = await checkVault(vault, { snapshotIds: [snapshotId] });
  if (report.damagedSnapshots.includes(snapshotId)) {
    const issues = report.issues.filter((i) => i.snapshots.includes(snapshotId));
    throw new CorruptedBackupError(`snapshot ${snapshotId}: ${issues.length} problem(s), first: ${issues[0]!.message}`, { object: `snapshots/${snapshotId}` });
  }
}
