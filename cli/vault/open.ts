/** Opens the vault a `haven vault` command names, from its URI and key options. */
import { keyProviderResolver } from '../../vault/keys/resolve-provider.js';
import { openObjectStore } from '../../vault/storage/open-store.js';
import { Vault } from '../../vault/repository/vault.js';

/** Key options shared by the vault commands. */
export interface KeyOptions {
  keyFile?: string;
  kmsKey?: string;
}

/** Opens a vault at a `s3://` or `file://` URI (or a plain path). */
export async function openVault(uri: string, options: KeyOptions): Promise<Vault> {
  return Vault.open(openObjectStore(uri), keyProviderResolver({ ...(options.keyFile ? { keyFile: options.keyFile } : {}), ...(options.kmsKey ? { kmsKeyId: options.kmsKey } : {}) }));
}
