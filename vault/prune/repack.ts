/**
 * Repacking: the used blobs of wasteful packs are copied into new packs,
 * sealed bytes as they are (a blob's authentication does not depend on its
 * pack), grouped by the key that sealed them; each source pack is checked
 * against its name first. The new packs are then listed by new index
 * objects (packs before the index that lists them).
 */
import { sha256Hex } from '../crypto/hash.js';
import { CorruptedBackupError } from '../format/errors.js';
import type { BlobEntry, PackEntry } from '../index/types.js';
import { PackBuilder, packKey } from '../pack/pack-builder.js';
import type { Vault } from '../repository/vault.js';
import { writeIndexes } from './compact.js';
import type { PruneResult } from './result.js';

/** A pack to repack: its used blobs move to new packs. */
export interface RepackItem {
  pack: PackEntry;
  used: BlobEntry[];
}

/**
 * Repacks and indexes the new packs.
 * @returns the index objects written
 */
export async function repackPacks(vault: Vault, items: readonly RepackItem[], result: PruneResult): Promise<string[]> {
  const written: PackEntry[] = [];
  const copied = new Set<string>();
  const builders = new Map<string, PackBuilder>();
  const flush = async (keyId: string) => {
    const builder = builders.get(keyId);
    if (!builder || builder.count === 0) return;
    builders.delete(keyId);
    const finished = await builder.finish(vault.keyring.get(keyId));
    await vault.store.put(packKey(finished.entry.id), finished.bytes);
    written.push(finished.entry);
    result.packs_written += 1;
    result.bytes_written += finished.bytes.length;
  };
  for (const item of items) {
    const bytes = await vault.store.get(packKey(item.pack.id));
    if (sha256Hex(bytes) !== item.pack.id) throw new CorruptedBackupError(`pack ${item.pack.id}: content does not match its name; not repacking it`, { pack: item.pack.id });
    for (const blob of item.used) {
      if (copied.has(blob.id)) continue;
      copied.add(blob.id);
      const builder = builders.get(item.pack.keyId) ?? new PackBuilder();
      builders.set(item.pack.keyId, builder);
      builder.add(blob.id, blob.compression, blob.rawLength, bytes.subarray(blob.offset, blob.offset + blob.length));
      if (builder.size >= vault.config.pack_size) await flush(item.pack.keyId);
    }
  }
  for (const keyId of [...builders.keys()]) await flush(keyId);
  return writeIndexes(vault, written);
}
