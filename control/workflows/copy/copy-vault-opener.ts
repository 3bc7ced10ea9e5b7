/**
 * Opens copy vaults: the vault at a location, created as a copy vault of the
 * source (`initCopyVault`: the source's secrets under the location's own
 * key) when the location holds none yet. Never a fresh vault: a copy vault
 * initialized on its own could not share chunk ids with its source. Memoized
 * per vault URI; a race between two first copies is settled by the config's
 * conditional write (the loser opens what the winner created).
 */
import { initCopyVault } from '../../../vault/copy/copy-vault.js';
import { VaultExistsError, VaultNotFoundError } from '../../../vault/repository/errors.js';
import { Vault } from '../../../vault/repository/vault.js';
import type { VaultLocation } from '../../vaults/registry.js';
import type { VaultConnection } from '../vault-opener.js';

/**
 * @param connect - the store and key provider of a location
 * @returns a function opening (or creating) the copy vault at a location for a source
 */
export function copyVaultsOpener(connect: (location: VaultLocation) => VaultConnection): (location: VaultLocation, source: Vault) => Promise<Vault> {
  const opened = new Map<string, Promise<Vault>>();
  const open = async (location: VaultLocation, source: Vault): Promise<Vault> => {
    const { store, provider } = connect(location);
    try {
      return await Vault.open(store, provider);
    } catch (error) {
      if (!(error instanceof VaultNotFoundError)) throw error;
      try {
        return await initCopyVault(store, provider, source);
      } catch (initError) {
        if (initError instanceof VaultExistsError) return Vault.open(store, provider);
        throw initError;
      }
    }
  };
  return (location, source) => {
    let vault = opened.get(location.uri);
    if (!vault) {
      vault = open(location, source).catch((error: unknown) => {
        opened.delete(location.uri);
        throw error;
      });
      opened.set(location.uri, vault);
    }
    return vault;
  };
}
