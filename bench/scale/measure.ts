/**
 * Measures the real engine on this machine: a synthetic sample (70%
 * DynamoDB-export JSON lines, 30% incompressible bytes, as `npm run bench`'s
 * data set) backed up through `vault/backup` into a filesystem vault, first
 * full (every chunk new: chunk, hash, compress, encrypt, pack, store) and
 * then again as an incremental (every chunk already stored: chunk and hash
 * only). Throughput is reported per CPU-second of the process (worker
 * threads included), so that a shared, oversubscribed machine does not
 * understate it and it can be scaled to a Lambda's vCPU share. Then checks
 * the vault reading every pack (the backup's Verify with checksum
 * verification). Also measures
 * the heap the dedup set costs per blob (what an incremental export loads:
 * `BlobIdSet`, vault/index/blob-id-set.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { planSession } from '../../vault/backup/run-backup.js';
import { checkVault } from '../../vault/checker/checker.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import type { PackEntry } from '../../vault/index/types.js';
import { createKeyFile, FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { Vault } from '../../vault/repository/vault.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { Prng } from '../prng.js';
import { recordLine } from '../records.js';

const MiB = 1024 * 1024;

/** One timed pass over the sample. */
export interface PassMeasurement {
  wall_seconds: number;
  /** User plus system CPU of the process, worker threads included. */
  cpu_seconds: number;
  /** Plaintext MB (10^6 bytes) per CPU-second. */
  mb_per_cpu_second: number;
}

/** What `measureEngine` found. */
export interface EngineMeasurement {
  sample_bytes: number;
  /** Every chunk new. */
  full: PassMeasurement;
  /** Every chunk already stored. */
  dedup: PassMeasurement;
  /** A checksum verification of the full backup's packs (download, authenticate, decompress, hash). */
  verify: PassMeasurement;
  /** Heap bytes per blob (JS heap and array buffers) of a loaded dedup set (`BlobIdSet`, what an incremental export holds). */
  index_heap_bytes_per_blob: number;
  /** CPU-seconds per blob of loading that set (`Vault.loadBlobIds` from a filesystem store). */
  index_load_cpu_seconds_per_blob: number;
  machine: { cpus: number; node: string };
}

/** A sample of `bytes`: 70% JSON lines, 30% random bytes, deterministic lines. */
function sample(bytes: number): Buffer {
  const rng = new Prng(0x5ca1e);
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes * 0.7; i++) {
    const line = recordLine(rng, i);
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  const text = Buffer.from(lines.join(''));
  return Buffer.concat([text.subarray(0, Math.floor(bytes * 0.7)), randomBytes(bytes - Math.floor(bytes * 0.7))]);
}

async function* slices(data: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += MiB) yield data.subarray(at, at + MiB);
}

async function timedBackup(vault: Vault, data: Buffer, type: BackupType): Promise<PassMeasurement> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const planned = await planSession(vault, { backupId: `backup_scale_${type}`, jobId: 'job_scale', type, source: { kind: 'scale' }, compression: { algorithm: 'zstd', level: 3 } });
  await planned.session.backupPartition('sample', slices(data));
  const result = await planned.session.finish();
  const { commitSnapshot } = await import('../../vault/backup/run-backup.js');
  await commitSnapshot(vault, { backupId: `backup_scale_${type}`, jobId: 'job_scale', source: { kind: 'scale' } }, planned, [result]);
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { wall_seconds: wall, cpu_seconds: cpuSeconds, mb_per_cpu_second: data.length / 1e6 / cpuSeconds };
}

async function timedVerify(vault: Vault, plaintextBytes: number): Promise<PassMeasurement> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await checkVault(vault, { readData: true });
  if (!report.ok) throw new Error(`the sample vault failed its check: ${report.issues.map((i) => i.message).join('; ')}`);
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { wall_seconds: wall, cpu_seconds: cpuSeconds, mb_per_cpu_second: plaintextBytes / 1e6 / cpuSeconds };
}

/** What loading the dedup set costs, per blob. */
export interface DedupSetMeasurement {
  /** Heap bytes (JS heap and array buffers) of the loaded set: its peak, as its build orders in place. */
  heap_bytes_per_blob: number;
  /** CPU-seconds of `Vault.loadBlobIds` (read, check, decrypt, parse, build), from a filesystem store. */
  load_cpu_seconds_per_blob: number;
}

/**
 * Loads the dedup set an incremental export loads (`Vault.loadBlobIds`: a
 * `BlobIdSet`) from sealed index objects of `blobs` random blob ids (64 per
 * pack, 4,096 per index object) written to `vault`, and measures its heap
 * once loaded (the payloads dropped) and the load's CPU time.
 */
async function dedupSetCost(vault: Vault, blobs: number): Promise<DedupSetMeasurement> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const ids = randomBytes(blobs * 32);
  const indexIds: string[] = [];
  for (let first = 0; first < blobs; first += 4096) {
    const packs: PackEntry[] = [];
    for (let p = first / 64; p < Math.min(blobs, first + 4096) / 64; p++) {
      const pack: PackEntry = { id: randomBytes(32).toString('hex'), keyId: Buffer.from(vault.keyring.current.id).toString('hex'), size: 16 * MiB, blobs: [] };
      for (let b = p * 64; b < Math.min(blobs, (p + 1) * 64); b++) pack.blobs.push({ id: ids.toString('hex', b * 32, (b + 1) * 32), offset: (b % 64) * 262_144, length: 262_000, rawLength: 262_144, compression: 1 });
      packs.push(pack);
    }
    indexIds.push(await vault.writeIndex(packs));
  }
  const heap = (): number => {
    gc();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const before = heap();
  const cpu = process.cpuUsage();
  const set = await vault.loadBlobIds(indexIds);
  const used = process.cpuUsage(cpu);
  const after = heap();
  if (set.size !== blobs || !set.has(ids.toString('hex', 0, 32))) throw new Error(`the set holds ${set.size} blobs, expected ${blobs}`);
  return { heap_bytes_per_blob: (after - before) / blobs, load_cpu_seconds_per_blob: (used.user + used.system) / 1e6 / blobs };
}

/** Measures the engine over a sample of `sampleBytes` (default 256 MiB) in a temporary filesystem vault. */
export async function measureEngine(sampleBytes = 256 * MiB): Promise<EngineMeasurement> {
  const dir = await mkdtemp(join(tmpdir(), 'haven-scale-'));
  try {
    const keyFile = join(dir, 'key');
    await createKeyFile(keyFile);
    const vault = await Vault.init(new FileObjectStore(join(dir, 'vault')), new FileKeyProvider(keyFile), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
    const data = sample(sampleBytes);
    const full = await timedBackup(vault, data, BackupType.Full);
    const dedup = await timedBackup(vault, data, BackupType.Incremental);
    const verify = await timedVerify(vault, data.length);
    const set = await dedupSetCost(vault, 1 << 20);
    return {
      sample_bytes: sampleBytes,
      full,
      dedup,
      verify,
      index_heap_bytes_per_blob: set.heap_bytes_per_blob,
      index_load_cpu_seconds_per_blob: set.load_cpu_seconds_per_blob,
      machine: { cpus: cpus().length, node: process.version },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
