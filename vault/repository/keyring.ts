/**
 * Vault keys. Each `keys/<key id>` object is a plaintext JSON record holding
 * a 32-byte data key wrapped by a key provider (KMS GenerateDataKey with the
 * encryption context `{"haven:vault": <vault id>, "haven:key": <key id>}`)
 * and the vault-wide secrets (MAC key and chunker secret) sealed under that
 * data key. Blobs and objects name the key that sealed them, so keys added on
 * rotation encrypt new data while older keys still decrypt old data.
 */
import { randomBytes } from 'node:crypto';
import { VaultFormatError } from '../format/errors.js';
import { ObjectType, openObject, sealObject, type SealingKey } from '../format/sealed-object.js';
import { KeyAccessError, KeyError } from '../keys/errors.js';
import type { EncryptionContext, KeyProvider } from '../keys/key-provider.js';

/** Contents of a `keys/<id>` object. */
export interface KeyRecord {
  format: 'haven-key';
  version: 1;
  id: string;
  created_at: string;
  provider: string;
  wrapped_key: string;
  secrets: string;
}

/** Secrets shared by every key of a vault. */
export interface VaultSecrets {
  macKey: Uint8Array;
  chunkerSecret: Uint8Array;
}

/** Picks the key provider for a key record's provider reference. */
export type KeyProviderResolver = (reference: string) => KeyProvider;

/** The encryption context a vault key is wrapped under. */
export function keyContext(vaultId: string, keyId: string): EncryptionContext {
  return { 'haven:vault': vaultId, 'haven:key': keyId };
}

/** Fresh random vault secrets. */
export function newVaultSecrets(): VaultSecrets {
  return { macKey: randomBytes(32), chunkerSecret: randomBytes(32) };
}

/** Creates a key record: a new data key from the provider, sealing the vault secrets. */
export async function createKeyRecord(vaultId: string, provider: KeyProvider, secrets: VaultSecrets): Promise<{ record: KeyRecord; key: SealingKey }> {
  const id = randomBytes(16);
  const idHex = id.toString('hex');
  const dataKey = await provider.generateDataKey(keyContext(vaultId, idHex));
  const key = { id, key: dataKey.plaintext };
  const payload = Buffer.from(JSON.stringify({ mac_key: Buffer.from(secrets.macKey).toString('base64'), chunker_secret: Buffer.from(secrets.chunkerSecret).toString('base64') }));
  const sealed = await sealObject(ObjectType.KeySecrets, payload, key);
  const record: KeyRecord = {
    format: 'haven-key',
    version: 1,
    id: idHex,
    created_at: new Date().toISOString(),
    provider: provider.reference,
    wrapped_key: Buffer.from(dataKey.wrapped).toString('base64'),
    secrets: Buffer.from(sealed).toString('base64'),
  };
  return { record, key };
}

/** Parses a key record. */
export function parseKeyRecord(bytes: Uint8Array, name: string): KeyRecord {
  let record: Partial<KeyRecord>;
  try {
    record = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<KeyRecord>;
  } catch (error) {
    throw new VaultFormatError(`key ${name} is not JSON`, { cause: error });
  }
  if (record.format !== 'haven-key' || record.version !== 1 || typeof record.id !== 'string' || !/^[0-9a-f]{32}$/.test(record.id)) {
    throw new VaultFormatError(`key ${name} is not a version 1 Haven key record`);
  }
  if (typeof record.wrapped_key !== 'string' || typeof record.secrets !== 'string' || typeof record.provider !== 'string') {
    throw new VaultFormatError(`key ${name} is missing its wrapped key or secrets`);
  }
  return record as KeyRecord;
}

/** The unwrapped keys of a vault, in memory only. */
export class Keyring {
  private readonly keys = new Map<string, SealingKey>();

  constructor(
    readonly secrets: VaultSecrets,
    readonly current: SealingKey,
    keys: readonly SealingKey[],
    /** Key records that could not be unwrapped, with the reason. */
    readonly unavailable: ReadonlyArray<{ id: string; reason: string }> = [],
  ) {
    for (const key of keys) this.keys.set(Buffer.from(key.id).toString('hex'), key);
  }

  /** The sealing key with this id. */
  get(keyId: Uint8Array | string): SealingKey {
    const hex = typeof keyId === 'string' ? keyId : Buffer.from(keyId).toString('hex');
    const key = this.keys.get(hex);
    if (!key) {
      const missing = this.unavailable.find((u) => u.id === hex);
      throw new KeyAccessError(`vault key ${hex} is not available${missing ? `: ${missing.reason}` : ' (no such key record)'}`);
    }
    return key;
  }

  /** The 32-byte AES key for a key id (for sealed objects). */
  resolve = (keyId: Uint8Array): Uint8Array => this.get(keyId).key;
}

/**
 * Unwraps every key record it can. Writes use the newest key that opened.
 * @throws KeyAccessError when no key record can be unwrapped
 */
export async function openKeyring(vaultId: string, records: readonly KeyRecord[], resolveProvider: KeyProviderResolver): Promise<Keyring> {
  const opened: Array<{ record: KeyRecord; key: SealingKey; secrets: VaultSecrets }> = [];
  const unavailable: Array<{ id: string; reason: string }> = [];
  let firstError: unknown;
  for (const record of records) {
    try {
      const plaintext = await resolveProvider(record.provider).decryptDataKey(Buffer.from(record.wrapped_key, 'base64'), keyContext(vaultId, record.id));
      const key = { id: Buffer.from(record.id, 'hex'), key: plaintext };
      const payload = await openObject(Buffer.from(record.secrets, 'base64'), ObjectType.KeySecrets, () => plaintext, `keys/${record.id}`);
      const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as { mac_key: string; chunker_secret: string };
      opened.push({ record, key, secrets: { macKey: Buffer.from(parsed.mac_key, 'base64'), chunkerSecret: Buffer.from(parsed.chunker_secret, 'base64') } });
    } catch (error) {
      firstError ??= error;
      unavailable.push({ id: record.id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  if (opened.length === 0) {
    if (firstError instanceof KeyError) throw firstError;
    throw new KeyAccessError(
      records.length === 0 ? 'the vault has no key records' : `no vault key could be unwrapped: ${unavailable[0]?.reason ?? 'unknown reason'}`,
      { cause: firstError },
    );
  }
  opened.sort((a, b) => a.record.created_at.localeCompare(b.record.created_at));
  const newest = opened[opened.length - 1]!;
  return new Keyring(
    newest.secrets,
    newest.key,
    opened.map((o) => o.key),
    unavailable,
  );
}
