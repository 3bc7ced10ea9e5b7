/**
 * Picks a key provider from a key record's provider reference, so a vault
 * can be opened with nothing but store access and the key service: a
 * `kms:` reference names its KMS key; a `file:` reference needs the key file
 * the operator holds.
 */
import { KeyNotFoundError } from './errors.js';
import { FileKeyProvider } from './file-key-provider.js';
import type { KeyProvider } from './key-provider.js';
import { KmsKeyProvider } from './kms-key-provider.js';

/** What the operator supplied. */
export interface KeySources {
  /** Path of a local key file, for `file:` references. */
  keyFile?: string;
  /** A KMS key id, ARN or alias overriding the one recorded (e.g. a replica key in another region). */
  kmsKeyId?: string;
}

/** Returns a resolver from provider references to providers. */
export function keyProviderResolver(sources: KeySources = {}): (reference: string) => KeyProvider {
  const cache = new Map<string, KeyProvider>();
  return (reference) => {
    let provider = cache.get(reference);
    if (provider) return provider;
    if (reference.startsWith('kms:')) provider = new KmsKeyProvider(sources.kmsKeyId ?? reference.slice('kms:'.length));
    else if (reference.startsWith('file:') && sources.keyFile) provider = new FileKeyProvider(sources.keyFile);
    else throw new KeyNotFoundError(`vault key uses '${reference}': pass --key-file with the vault's key file`);
    cache.set(reference, provider);
    return provider;
  };
}
