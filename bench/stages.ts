/**
 * Per-stage throughput of Haven's backup pipeline, each stage run alone on
 * an in-memory sample of the bench data (records and binary in the data
 * set's 70/30 proportion), in the order the engine applies them:
 *
 * chunk (FastCDC) → chunk id (HMAC-SHA256) → [partition digest, XXH3-128] →
 * compress (zstd 3, async, as many in flight as the engine) → encrypt
 * (AES-256-GCM) → [pack assembly: concat + header + SHA-256 name] → store.
 *
 * Bracketed stages are not in the brief's list but run on the main thread
 * of every backup too, so they count when asking which stage limits it. A
 * last row runs the whole pipeline (`runBackup`) on the same sample.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from '../vault/backup/run-backup.js';
import { Chunker } from '../vault/chunker/fastcdc.js';
import { gearTable } from '../vault/chunker/gear.js';
import { DEFAULT_CHUNKER_PARAMS } from '../vault/chunker/params.js';
import { compressChunk, type CompressedChunk } from '../vault/compression/compress.js';
import { chunkId } from '../vault/crypto/hash.js';
import type { SealingKey } from '../vault/format/sealed-object.js';
import { createKeyFile, FileKeyProvider } from '../vault/keys/file-key-provider.js';
import { SEAL_OVERHEAD } from '../vault/crypto/aead.js';
import { sealBlob } from '../vault/pack/blob.js';
import { PackBuilder, packKey, type FinishedPack } from '../vault/pack/pack-builder.js';
import { startPartitionDigest } from '../vault/snapshot/partition-digest.js';
import { BackupType } from '../vault/snapshot/snapshot.js';
import { FileObjectStore } from '../vault/storage/fs-store.js';
import { DEFAULT_PACK_SIZE } from '../vault/repository/config.js';
import { Vault } from '../vault/repository/vault.js';
import { RECORDS_SHARE } from './dataset.js';
import type { StageResult } from './types.js';

/** Blob tasks in flight in a backup session (`BackupSessionOptions.concurrency` default). */
export const ENGINE_CONCURRENCY = 6;
/** Pack uploads a session lets run while more blobs arrive (its back-pressure allows three). */
export const ENGINE_UPLOADS = 3;
/** Input piece size, as `createReadStream(…, { highWaterMark: 1 MiB })` delivers. */
const PIECE = 1024 * 1024;
const COMPRESSION = { algorithm: 'zstd', level: 3 } as const;

/** Where the sample comes from and how big it is. */
export interface StageOptions {
  recordsPath: string;
  blobsPath: string;
  sampleBytes: number;
  /** A scratch directory for the store stage and the pipeline run. */
  workDir: string;
}

interface Sample {
  files: Uint8Array[];
  bytes: number;
}

function readHead(path: string, length: number): Uint8Array {
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    let filled = 0;
    while (filled < length) {
      const n = readSync(fd, buffer, filled, length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
  } finally {
    closeSync(fd);
  }
}

function* pieces(data: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < data.length; at += PIECE) yield data.subarray(at, Math.min(data.length, at + PIECE));
}

async function* asyncPieces(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* pieces(data);
}

function chunkAll(files: readonly Uint8Array[], gear: Uint32Array): Uint8Array[][] {
  return files.map((file) => {
    const chunker = new Chunker(gear, DEFAULT_CHUNKER_PARAMS);
    const chunks: Uint8Array[] = [];
    for (const piece of pieces(file)) chunks.push(...chunker.push(piece));
    const last = chunker.finish();
    if (last) chunks.push(last);
    return chunks;
  });
}

async function timed<T>(fn: () => T | Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}

/** Compresses every chunk with at most `limit` calls in flight, keeping order. */
async function compressAll(chunks: readonly Uint8Array[], limit: number): Promise<CompressedChunk[]> {
  const out = new Array<CompressedChunk>(chunks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const i = next++;
      out[i] = await compressChunk(chunks[i]!, COMPRESSION);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** Writes packs with at most `limit` puts in flight. */
async function storeAll(store: FileObjectStore, packs: readonly FinishedPack[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < packs.length) {
      const pack = packs[next++]!;
      await store.put(packKey(pack.entry.id), pack.bytes);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function row(stage: string, runsOn: StageResult['runsOn'], seconds: number, stageBytes: number, plaintextBytes: number, note?: string): StageResult {
  return {
    stage,
    runsOn,
    seconds,
    stageBytes,
    stageMBs: stageBytes / 1e6 / seconds,
    plaintextMBs: plaintextBytes / 1e6 / seconds,
    ...(note ? { note } : {}),
  };
}

function loadSample(options: StageOptions): Sample {
  const recordBytes = Math.round(options.sampleBytes * RECORDS_SHARE);
  const files = [readHead(options.recordsPath, recordBytes), readHead(options.blobsPath, options.sampleBytes - recordBytes)];
  return { files, bytes: files.reduce((n, f) => n + f.length, 0) };
}

async function pipelineRow(sample: Sample, workDir: string): Promise<StageResult> {
  const keyFile = join(workDir, 'stages.key');
  await createKeyFile(keyFile);
  const vault = await Vault.init(new FileObjectStore(join(workDir, 'stages-vault')), new FileKeyProvider(keyFile), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
  const request = { backupId: 'backup_stages', jobId: 'job_stages', type: BackupType.Full, source: { kind: 'bench' }, compression: COMPRESSION };
  const run = await timed(() =>
    runBackup(
      vault,
      request,
      sample.files.map((file, i) => ({ name: `sample-${i}`, source: asyncPieces(file) })),
    ),
  );
  return row('whole pipeline (runBackup, in process)', 'pipeline', run.seconds, sample.bytes, sample.bytes, `${run.value.snapshot.stats.packs_written} packs, engine defaults`);
}

/**
 * Measures each stage alone on a sample of the data set.
 * @returns one row per stage, then the whole pipeline on the same sample
 */
export async function measureStages(options: StageOptions): Promise<StageResult[]> {
  await mkdir(options.workDir, { recursive: true });
  const sample = loadSample(options);
  const gear = gearTable(randomBytes(32));
  const macKey = randomBytes(32);
  const key: SealingKey = { id: randomBytes(16), key: randomBytes(32) };
  const rows: StageResult[] = [];

  chunkAll([sample.files[0]!.subarray(0, 16 * PIECE)], gear); // warm the JIT
  const chunking = await timed(() => chunkAll(sample.files, gear));
  const chunks = chunking.value.flat();
  rows.push(row('chunking (FastCDC 64K/256K/1M, WebAssembly loop)', 'main thread', chunking.seconds, sample.bytes, sample.bytes, `${chunks.length} chunks`));

  const ids = await timed(() => chunks.map((chunk) => chunkId(macKey, chunk)));
  rows.push(row('chunk ids (HMAC-SHA256)', 'blob workers', ids.seconds, sample.bytes, sample.bytes, 'full backups; incrementals hash on the main thread'));

  const partitionHash = await timed(() =>
    Promise.all(
      chunking.value.map(async (fileChunks) => {
        const digest = await startPartitionDigest();
        for (const chunk of fileChunks) digest.update(chunk);
        return digest.hex();
      }),
    ),
  );
  rows.push(row('partition digest (XXH3-128, extra)', 'main thread', partitionHash.seconds, sample.bytes, sample.bytes, 'backupPartition hashes every byte'));

  const compressed = await timed(() => compressAll(chunks, ENGINE_CONCURRENCY));
  const compressedBytes = compressed.value.reduce((n, c) => n + c.data.length, 0);
  rows.push(
    row(`compression (zstd 3, ${ENGINE_CONCURRENCY} in flight)`, 'blob workers', compressed.seconds, sample.bytes, sample.bytes, `ratio ${(compressedBytes / sample.bytes).toFixed(3)}`),
  );
  const serial = await timed(() => compressAll(chunks, 1));
  rows.push(row('compression (zstd 3, 1 in flight)', 'blob workers', serial.seconds, sample.bytes, sample.bytes, 'for reference: one core'));

  const sealed = await timed(() => compressed.value.map((c, i) => sealBlob(key, ids.value[i]!, c.algorithm, c.data)));
  const sealedBytes = sealed.value.reduce((n, s) => n + s.length, 0);
  rows.push(row('encryption (AES-256-GCM seal)', 'blob workers', sealed.seconds, compressedBytes, sample.bytes, 'input: compressed bytes'));

  // Sized as BackupSession sizes its builders (a full pack from the start: no regrowth copies).
  const newBuilder = () => new PackBuilder(DEFAULT_PACK_SIZE + DEFAULT_CHUNKER_PARAMS.max + SEAL_OVERHEAD + 64 * 1024);
  const packed = await timed(async () => {
    const packs: FinishedPack[] = [];
    let builder = newBuilder();
    for (let i = 0; i < sealed.value.length; i++) {
      builder.add(ids.value[i]!.toString('hex'), compressed.value[i]!.algorithm, chunks[i]!.length, sealed.value[i]!);
      if (builder.size >= DEFAULT_PACK_SIZE) {
        packs.push(await builder.finish(key));
        builder = newBuilder();
      }
    }
    if (builder.count > 0) packs.push(await builder.finish(key));
    return packs;
  });
  rows.push(row('pack assembly (copy into the pack buffer, SHA-256 name on a blob worker, extra)', 'main thread', packed.seconds, sealedBytes, sample.bytes, `${packed.value.length} packs`));

  const store = new FileObjectStore(join(options.workDir, 'stages-store'));
  const stored = await timed(() => storeAll(store, packed.value, ENGINE_UPLOADS));
  rows.push(row(`store (fs store put, ${ENGINE_UPLOADS} in flight, fsync)`, 'I/O', stored.seconds, sealedBytes, sample.bytes, 'input: sealed pack bytes'));

  rows.push(await pipelineRow(sample, options.workDir));
  return rows;
}
