/**
 * Copy vaults. A copy vault has its own config id, key records, data keys
 * and KMS key (or key file), but seals the **same vault secrets** (MAC key
 * and chunker secret, FORMAT.md §4.1) as the vault it copies from, so a
 * chunk has the same id in both and a copy asks the target's index which
 * chunks it already holds without reading them from the source. See
 * docs/COPIES.md for why this is safe.
 */
import { sameBytes } from '../crypto/hash.js';
import type { KeyProvider } from '../keys/key-provider.js';
import { Vault } from '../repository/vault.js';
import type { ObjectStore } from '../storage/object-store.js';
import { CopyTargetMismatchError, SameVaultError } from './errors.js';

/**
 * Creates a copy vault of `source` in `store`: the source's chunk sizes,
 * pack size and vault secrets, under a first key record wrapped by `provider`.
 * @throws VaultExistsError when the store already holds a vault
 */
export async function initCopyVault(store: ObjectStore, provider: KeyProvider, source: Vault): Promise<Vault> {
  const { min, avg, max } = source.config.chunker;
  return Vault.init(store, provider, { chunker: { min, avg, max }, packSize: source.config.pack_size, secrets: source.keyring.secrets });
}

/** Whether `target` shares `source`'s chunk ids and chunk boundaries (same secrets and chunk sizes). */
export function sharesChunkIds(source: Vault, target: Vault): boolean {
  const a = source.keyring.secrets;
  const b = target.keyring.secrets;
  const s = source.config.chunker;
  const t = target.config.chunker;
  return sameBytes(a.macKey, b.macKey) && sameBytes(a.chunkerSecret, b.chunkerSecret) && s.min === t.min && s.avg === t.avg && s.max === t.max;
}

/**
 * Checks that `target` may receive copies from `source`.
 * @throws SameVaultError when both are one vault; CopyTargetMismatchError when the target is not a copy vault of the source
 */
export function assertCopyTarget(source: Vault, target: Vault): void {
  if (source.config.id === target.config.id) throw new SameVaultError(`${source.store.uri} and ${target.store.uri} are the same vault (${source.config.id})`);
  if (!sharesChunkIds(source, target)) {
    throw new CopyTargetMismatchError(
      `${target.store.uri} is not a copy vault of ${source.store.uri}: its chunk ids differ (it was initialized on its own); copy into a vault created as a copy (haven vault copy --init)`,
    );
  }
}
