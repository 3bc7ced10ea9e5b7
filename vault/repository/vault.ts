/**
 * A vault: config, keys, packs, index objects and snapshots in one object
 * store. Opening a vault needs only the store and access to the key provider
 * named in its key records; no catalog or deployed stack.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../crypto/hash.js';
import { CorruptedBackupError } from '../format/errors.js';
import { ObjectType, openObject, sealObject } from '../format/sealed-object.js';
import { decodeIndex, encodeIndex } from '../index/index-codec.js';
import { MasterIndex } from '../index/master-index.js';
import { BlobIdSetBuilder, type BlobIdSet } from '../index/blob-id-set.js';
import type { PackEntry } from '../index/types.js';
import type { KeyProvider } from '../keys/key-provider.js';
import { parseSnapshot, type Snapshot } from '../snapshot/snapshot.js';
import { decodeBlobList, encodeBlobList, type BlobIds } from '../snapshot/blob-list.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import { FORMAT_VERSION } from '../format/version.js';
import { CHUNKER_ALGORITHM, DEFAULT_PACK_SIZE, parseConfig, type VaultConfig } from './config.js';
import { blobListKey, VaultPrefix } from '../format/layout.js';
import { AmbiguousSnapshotIdError, SnapshotNotFoundError, VaultExistsError, VaultNotFoundError } from './errors.js';
import { createKeyRecord, newVaultSecrets, openKeyring, parseKeyRecord, type KeyProviderResolver, type KeyRecord, type Keyring, type VaultSecrets } from './keyring.js';

/** Chunker sizes recorded at init. */
export interface ChunkerSizes {
  min: number;
  avg: number;
  max: number;
}

/** Options of `Vault.init`. */
export interface VaultInitOptions {
  chunker: ChunkerSizes;
  packSize?: number;
  /** The vault secrets (MAC key, chunker secret) to seal; fresh ones by default. A copy vault takes its source's, so chunk ids agree (`vault/copy/copy-vault.ts`). */
  secrets?: VaultSecrets;
}

/** A snapshot with the id (object name) it is stored under. */
export interface StoredSnapshot {
  id: string;
  snapshot: Snapshot;
}

/** Index and key objects a vault reads at once. */
export const READ_CONCURRENCY = 8;

function providerResolver(keys: KeyProvider | KeyProviderResolver): KeyProviderResolver {
  return typeof keys === 'function' ? keys : () => keys;
}

/** An open vault. */
export class Vault {
  private constructor(
    readonly store: ObjectStore,
    readonly config: VaultConfig,
    readonly keyring: Keyring,
  ) {}

  /**
   * Creates a vault: config, then the first key record.
   * @throws VaultExistsError when the store already holds a vault config
   */
  static async init(store: ObjectStore, provider: KeyProvider, options: VaultInitOptions): Promise<Vault> {
    if (await store.head('config')) throw new VaultExistsError(`${store.uri} already holds a vault`);
    const config: VaultConfig = {
      format: 'haven-vault',
      version: FORMAT_VERSION,
      id: randomBytes(16).toString('hex'),
      created_at: new Date().toISOString(),
      chunker: { algorithm: CHUNKER_ALGORITHM, ...options.chunker },
      pack_size: options.packSize ?? DEFAULT_PACK_SIZE,
      cipher: 'aes-256-gcm',
      mac: 'hmac-sha256',
    };
    const { record } = await createKeyRecord(config.id, provider, options.secrets ?? newVaultSecrets());
    await store.put(`keys/${record.id}`, Buffer.from(JSON.stringify(record, null, 2)), { ifNotExists: true });
    await store.put('config', Buffer.from(JSON.stringify(config, null, 2)), { ifNotExists: true });
    return Vault.open(store, provider);
  }

  /**
   * Opens a vault, unwrapping its keys.
   * @param keys - one provider for every key record, or a resolver from the record's provider reference
   * @throws VaultNotFoundError, VaultFormatError, KeyAccessError
   */
  static async open(store: ObjectStore, keys: KeyProvider | KeyProviderResolver): Promise<Vault> {
    let configBytes: Uint8Array;
    try {
      configBytes = await store.get('config');
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new VaultNotFoundError(`no vault at ${store.uri} (no config object)`, { cause: error });
      throw error;
    }
    const config = parseConfig(configBytes);
    const records = await Vault.readKeyRecords(store);
    const keyring = await openKeyring(config.id, records, providerResolver(keys));
    return new Vault(store, config, keyring);
  }

  private static async readKeyRecords(store: ObjectStore): Promise<KeyRecord[]> {
    const names: string[] = [];
    for await (const info of store.list('keys/')) names.push(info.key);
    return mapLimit(names, READ_CONCURRENCY, async (name) => parseKeyRecord(await store.get(name), name));
  }

  /** Adds a key (rotation): new data comes out sealed under it; old keys still decrypt. */
  async addKey(provider: KeyProvider): Promise<string> {
    const { record } = await createKeyRecord(this.config.id, provider, this.keyring.secrets);
    await this.store.put(`keys/${record.id}`, Buffer.from(JSON.stringify(record, null, 2)), { ifNotExists: true });
    return record.id;
  }

  /** Writes an index object listing packs already stored; returns its id. */
  async writeIndex(packs: readonly PackEntry[]): Promise<string> {
    const bytes = await sealObject(ObjectType.Index, encodeIndex(packs), this.keyring.current);
    const id = sha256Hex(bytes);
    await this.store.put(`index/${id}`, bytes);
    return id;
  }

  /** Reads and decrypts one index object. */
  async readIndex(id: string): Promise<PackEntry[]> {
    return decodeIndex(await this.openIndex(id), `index/${id}`);
  }

  /** Reads, checks and decrypts one index object: its payload (`index-codec.ts`). */
  private async openIndex(id: string): Promise<Uint8Array> {
    const name = `index/${id}`;
    const bytes = await this.store.get(name);
    if (sha256Hex(bytes) !== id) throw new CorruptedBackupError(`${name}: content does not match its name`, { object: name });
    return openObject(bytes, ObjectType.Index, this.keyring.resolve, name);
  }

  /** Ids of every index object. */
  async listIndexIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const info of this.store.list('index/')) ids.push(info.key.slice('index/'.length));
    return ids;
  }

  /**
   * Loads and merges every index object (or only the given ones), in their
   * order: each payload goes straight into the compact index as soon as
   * those before it have, and is dropped (no per-blob objects, no list of
   * every decoded index held at once).
   */
  async loadIndex(ids?: readonly string[]): Promise<MasterIndex> {
    const index = new MasterIndex();
    await this.eachIndexPayload(ids, (payload, id) => index.addPayload(payload, id));
    return index;
  }

  /**
   * Loads the blob ids of every index object (or only the given ones): the
   * same objects, read and authenticated as {@link loadIndex} reads them,
   * into a compact set for dedup (`vault/index/blob-id-set.ts`), no blob locations.
   */
  async loadBlobIds(ids?: readonly string[]): Promise<BlobIdSet> {
    const builder = new BlobIdSetBuilder();
    await this.eachIndexPayload(ids, (payload, id) => builder.addPayload(payload, id));
    return builder.build();
  }

  /**
   * Reads, checks and decrypts index objects (`READ_CONCURRENCY` at once)
   * and hands each payload to `take` in the ids' order, as soon as those
   * before it have been taken; no payload is kept after.
   */
  private async eachIndexPayload(ids: readonly string[] | undefined, take: (payload: Uint8Array, id: string) => void): Promise<void> {
    const chosen = ids ?? (await this.listIndexIds());
    const ready = new Map<number, Uint8Array>();
    let next = 0;
    await mapLimit(chosen, READ_CONCURRENCY, async (id, i) => {
      ready.set(i, await this.openIndex(id));
      for (let payload = ready.get(next); payload; payload = ready.get(next)) {
        ready.delete(next);
        take(payload, chosen[next++]!);
      }
    });
  }

  /**
   * Writes a blob-list object holding the ordered chunk ids of a batch's
   * partitions (FORMAT.md §9.2), after the packs and index objects that
   * hold those blobs; returns its id.
   */
  async writeBlobList(parts: ReadonlyArray<readonly string[]>): Promise<string> {
    const bytes = await sealObject(ObjectType.BlobList, encodeBlobList(parts), this.keyring.current, true);
    const id = sha256Hex(bytes);
    await this.store.put(blobListKey(id), bytes);
    return id;
  }

  /**
   * Reads and decrypts one blob-list object: its partitions' ids, in order.
   * @throws ObjectNotFoundError when it is not stored, CorruptedBackupError when it was altered
   */
  async readBlobList(id: string): Promise<BlobIds[]> {
    const name = blobListKey(id);
    const bytes = await this.store.get(name);
    if (sha256Hex(bytes) !== id) throw new CorruptedBackupError(`${name}: content does not match its name`, { object: name });
    return decodeBlobList(await openObject(bytes, ObjectType.BlobList, this.keyring.resolve, name), name);
  }

  /** Ids of every blob-list object. */
  async listBlobListIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const info of this.store.list(VaultPrefix.lists)) ids.push(info.key.slice(VaultPrefix.lists.length));
    return ids;
  }

  /** Seals and writes a snapshot: the commit point of a backup. Returns its id. */
  async writeSnapshot(snapshot: Snapshot): Promise<string> {
    const bytes = await sealObject(ObjectType.Snapshot, Buffer.from(JSON.stringify(snapshot)), this.keyring.current, true);
    const id = sha256Hex(bytes);
    await this.store.put(`snapshots/${id}`, bytes);
    return id;
  }

  /** Reads one snapshot by its full id, verifying name and authentication. */
  async readSnapshot(id: string): Promise<Snapshot> {
    const name = `snapshots/${id}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.store.get(name);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new SnapshotNotFoundError(`no snapshot ${id}`, { cause: error });
      throw error;
    }
    if (sha256Hex(bytes) !== id) throw new CorruptedBackupError(`${name}: content does not match its name`, { object: name });
    return parseSnapshot(await openObject(bytes, ObjectType.Snapshot, this.keyring.resolve, name), name);
  }

  /** Ids of every snapshot. */
  async listSnapshotIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const info of this.store.list('snapshots/')) ids.push(info.key.slice('snapshots/'.length));
    return ids;
  }

  /** Every snapshot, oldest first. */
  async listSnapshots(): Promise<StoredSnapshot[]> {
    const ids = await this.listSnapshotIds();
    const all = await mapLimit(ids, READ_CONCURRENCY, async (id) => ({ id, snapshot: await this.readSnapshot(id) }));
    return all.sort((a, b) => a.snapshot.created_at.localeCompare(b.snapshot.created_at));
  }

  /**
   * Resolves a snapshot id, a unique prefix of one (at least 4 hex digits), or `latest`.
   * @throws SnapshotNotFoundError, AmbiguousSnapshotIdError
   */
  async resolveSnapshotId(idOrPrefix: string): Promise<string> {
    if (idOrPrefix === 'latest') {
      const all = await this.listSnapshots();
      const last = all[all.length - 1];
      if (!last) throw new SnapshotNotFoundError('the vault has no snapshots');
      return last.id;
    }
    if (!/^[0-9a-f]{4,64}$/.test(idOrPrefix)) throw new SnapshotNotFoundError(`'${idOrPrefix}' is not a snapshot id (4 to 64 hex digits, or 'latest')`);
    const matches = (await this.listSnapshotIds()).filter((id) => id.startsWith(idOrPrefix));
    if (matches.length === 0) throw new SnapshotNotFoundError(`no snapshot matches ${idOrPrefix}`);
    if (matches.length > 1) throw new AmbiguousSnapshotIdError(`${idOrPrefix} matches ${matches.length} snapshots; give more digits`);
    return matches[0]!;
  }
}
