/**
 * Which backups depend on damaged packs: every snapshot in the vault (not
 * only the run's), each with the packs it references (see references.ts).
 * A snapshot that cannot be read is skipped here; the run that covers it
 * reports it.
 */
import { FormatError } from '../../../vault/format/errors.js';
import type { Snapshot } from '../../../vault/snapshot/snapshot.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import { SnapshotNotFoundError } from '../../../vault/repository/errors.js';
import type { Vault } from '../../../vault/repository/vault.js';
import { snapshotReferences } from './references.js';

/**
 * @param vault - the vault
 * @param damaged - damaged pack ids
 * @returns backup id → the damaged packs it references (only backups with at least one)
 */
export async function damagedDependents(vault: Vault, damaged: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const index = await vault.loadIndex();
  const snapshots = await mapLimit(await vault.listSnapshotIds(), 8, async (id): Promise<Snapshot | undefined> => {
    try {
      return await vault.readSnapshot(id);
    } catch (error) {
      if (error instanceof FormatError || error instanceof SnapshotNotFoundError) return undefined;
      throw error;
    }
  });
  const out = new Map<string, string[]>();
  for (const snapshot of snapshots) {
    if (!snapshot) continue;
    const refs = await snapshotReferences(vault, index, snapshot).catch((error: unknown) => {
      if (error instanceof FormatError) return undefined; // a damaged blob list: the run that covers it reports it
      throw error;
    });
    if (!refs) continue;
    const hit = [...refs.packs.keys()].filter((id) => damaged.has(id)).sort();
    if (hit.length > 0) out.set(snapshot.backup_id, [...new Set([...(out.get(snapshot.backup_id) ?? []), ...hit])]);
  }
  return out;
}
