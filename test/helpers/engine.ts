/** Shared fixtures for engine tests: temp vaults and deterministic data. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyFile, FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { Vault } from '../../vault/repository/vault.js';
import { runBackup, type BackupRequest } from '../../vault/backup/run-backup.js';
import { restorePartition, openSnapshot } from '../../vault/restore/restorer.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';

/** A vault in a fresh temp directory with its own key file. */
export interface TempVault {
  dir: string;
  storeDir: string;
  keyFile: string;
  store: FileObjectStore;
  provider: FileKeyProvider;
  vault: Vault;
  cleanup(): void;
}

/** Creates a vault on the local filesystem. */
export async function tempVault(options: { packSize?: number } = {}): Promise<TempVault> {
  const dir = mkdtempSync(join(tmpdir(), 'haven-vault-'));
  const keyFile = join(dir, 'vault.key');
  await createKeyFile(keyFile);
  const storeDir = join(dir, 'vault');
  const store = new FileObjectStore(storeDir);
  const provider = new FileKeyProvider(keyFile);
  const vault = await Vault.init(store, provider, { chunker: { ...DEFAULT_CHUNKER_PARAMS }, ...(options.packSize ? { packSize: options.packSize } : {}) });
  return { dir, storeDir, keyFile, store, provider, vault, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random bytes (xorshift), fast enough for 100 MiB. */
export function randomData(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, Math.floor(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < size; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) & 0xff;
  return out;
}

/** Yields a buffer in pieces of the given size. */
export async function* pieces(data: Uint8Array, size = 1 << 20): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, Math.min(data.length, at + size));
}

/** Concatenates an async stream. */
export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

/** A backup request with test defaults. */
export function request(overrides: Partial<BackupRequest> = {}): BackupRequest {
  return {
    backupId: `backup_${Math.random().toString(36).slice(2)}`,
    jobId: 'job_test',
    type: BackupType.Incremental,
    source: { kind: 'test' },
    compression: { algorithm: 'zstd', level: 3 },
    ...overrides,
  };
}

/** Backs up one buffer as partition `data` and returns the snapshot id. */
export async function backupBytes(vault: Vault, data: Uint8Array, overrides: Partial<BackupRequest> = {}): Promise<string> {
  const stored = await runBackup(vault, request(overrides), [{ name: 'data', source: pieces(data) }]);
  return stored.id;
}

/** Restores partition `data` of a snapshot into memory. */
export async function restoreBytes(vault: Vault, snapshotRef: string, partition = 'data'): Promise<Buffer> {
  const opened = await openSnapshot(vault, snapshotRef);
  return collect(restorePartition(vault, opened.index, opened.snapshot, partition));
}

/** JSON-lines records like a table export: `count` records, deterministic. */
export function jsonLines(count: number, edit: (i: number) => boolean = () => false): Uint8Array {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const version = edit(i) ? 2 : 1;
    lines.push(
      JSON.stringify({ pk: { S: `customer#${i.toString().padStart(8, '0')}` }, version: { N: String(version) }, name: { S: `Customer ${(i * 2654435761) % 100_000}` }, balance: { N: ((i * 7919) % 1_000_000 / 100).toFixed(2) }, tags: { SS: ['a', `t${i % 17}`] }, note: { S: `note ${(i * 40503) % 99991} ${'x'.repeat(i % 23)}` } }),
    );
  }
  return Buffer.from(lines.join('\n') + '\n');
}
