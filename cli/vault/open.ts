/** Opens the vault a `haven vault` command names, from its URI and key options. */
import type { Command } from 'commander';
import { keyProviderResolver } from '../../vault/keys/resolve-provider.js';
import { openObjectStore } from '../../vault/storage/open-store.js';
import { Vault } from '../../vault/repository/vault.js';

/** Key options shared by the vault commands. */
export interface KeyOptions {
  keyFile?: string;
  kmsKey?: string;
}

/** Adds the key options to a vault command. */
export function keyOptions(command: Command): Command {
  return command
    .option('--key-file <path>', 'local key file (vaults created with --key-file)')
    .option('--kms-key <id>', 'KMS key id, ARN or alias (overrides the one recorded in the vault)');
}

/** Opens a vault at a `s3://` or `file://` URI (or a plain path). */
export async function openVault(uri: string, options: KeyOptions): Promise<Vault> {
  return Vault.open(openObjectStore(uri), keyProviderResolver({ ...(options.keyFile ? { keyFile: options.keyFile } : {}), ...(options.kmsKey ? { kmsKeyId: options.kmsKey } : {}) }));
}
