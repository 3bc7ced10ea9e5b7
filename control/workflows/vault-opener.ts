/**
 * Opens a deployment's vaults once per process each, creating it on first use
 * (a race between two first backups is settled by the config's conditional
 * write: the loser opens what the winner created).
 */
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import type { KeyProvider } from '../../vault/keys/key-provider.js';
import type { ObjectStore } from '../../vault/storage/object-store.js';
import { FormatError } from '../../vault/format/errors.js';
import { KeyError } from '../../vault/keys/errors.js';
import { VaultError, VaultExistsError, VaultNotFoundError } from '../../vault/repository/errors.js';
import { StorageError } from '../../vault/storage/errors.js';
import { Vault } from '../../vault/repository/vault.js';
import { isPackStorageClass } from '../../vault/storage/storage-class.js';
import type { RetentionDeps } from '../retention/deps.js';
import { UnknownVaultError } from '../vaults/errors.js';
import type { VaultLocation, VaultRegistry } from '../vaults/registry.js';

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

/** What opening one vault takes: its store and the key provider of its bucket. */
export interface VaultConnection {
  store: ObjectStore;
  provider: KeyProvider;
}

/**
 * Returns a function that opens (or initializes) the vault at a location,
 * memoized per vault URI (and pack storage class); no location opens the registry's primary vault.
 *
 * @param registry - the deployment's vaults
 * @param connect - the store and key provider of a location
 */
export function vaultsOpener(registry: VaultRegistry, connect: (location: VaultLocation) => VaultConnection): (location?: VaultLocation) => Promise<Vault> {
  const openers = new Map<string, () => Promise<Vault>>();
  return (location = registry.primary()) => {
    // Packs of one vault may be written in different classes (each job's own): one opener per vault and class.
    const key = `${location.uri} ${location.storageClass ?? ''}`;
    let open = openers.get(key);
    if (!open) {
      const { store, provider } = connect(location);
      open = vaultOpener(store, provider);
      openers.set(key, open);
    }
    return open();
  };
}

/** Where a run's vault is: the `vault_uri` its context or record names, and the class packs it writes take. */
export interface VaultRef {
  /** The vault (a backup's `vault_uri`); none: the primary, as for records from before vaults were recorded. */
  vault_uri?: string | null;
  /** The class the packs a backup writes take (the job destination's `storage_class`). */
  storage_class?: string | null;
}

/**
 * Opens the vault a run works in.
 *
 * @param deps - the vaults and their opener
 * @param ref - the vault URI (and pack class) the run's context or record names
 */
export function vaultAt(deps: Pick<RetentionDeps, 'vaults' | 'vault'>, ref: VaultRef): Promise<Vault> {
  const location = deps.vaults.vaultOf(ref.vault_uri);
  return deps.vault(isPackStorageClass(ref.storage_class) ? { ...location, storageClass: ref.storage_class } : location);
}

/**
 * Whether an error means "this vault cannot serve the run" (so a copy, or
 * the run's own vault, is tried instead), rather than a fault of the run
 * itself: an error of the vault engine's storage, key, vault or format
 * families, or a vault the deployment no longer knows.
 *
 * @param error - what opening or reading the vault threw
 */
export function cannotServe(error: unknown): boolean {
  return error instanceof StorageError || error instanceof KeyError || error instanceof VaultError || error instanceof FormatError || error instanceof UnknownVaultError;
}
