/**
 * Opens a deployment's vault once per process, creating it on first use
 * (a race between two first backups is settled by the config's conditional
 * write: the loser opens what the winner created).
 */
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import type { KeyProvider } from '../../vault/keys/key-provider.js';
import type { ObjectStore } from '../../vault/storage/object-store.js';
import { VaultExistsError, VaultNotFoundError } from '../../vault/repository/errors.js';
import { Vault } from '../../vault/repository/vault.js';

/** Returns a function that opens (or initializes) the vault, memoized. */
export function vaultOpener(store: ObjectStore, provider: KeyProvider): () => Promise<Vault> {
  let opening: Promise<Vault> | undefined;
  const open = async (): Promise<Vault> => {
    try {
      return await Vault.open(store, provider);
    } catch (error) {
      if (!(error instanceof VaultNotFoundError)) throw error;
      try {
        return await Vault.init(store, provider, { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
      } catch (initError) {
        if (initError instanceof VaultExistsError) return Vault.open(store, provider);
        throw initError;
      }
    }
  };
  return () => {
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
}
