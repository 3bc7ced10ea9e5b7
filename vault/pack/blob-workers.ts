/**
 * Blob work on worker threads: compress + seal chunks for a backup, open +
 * decompress + verify blobs for a restore, with the blob kernel
 * (`blob-kernel.ts`) running in a shared `WorkerPool`, one worker per core.
 *
 * The pool starts with the first task. `HAVEN_WORKERS` sets its size
 * (`0` disables it; default: `os.availableParallelism()`). When no worker can run, every call here does the same
 * work on the calling thread instead (`sealChunks`) or says so
 * (`openOnWorkers` returns undefined), so behaviour never depends on
 * threads being available. Keys are handed to workers in memory only.
 */
import { isMarkedAsUntransferable } from 'node:worker_threads';
import type { CompressionConfig } from '../compression/settings.js';
import { Compression } from '../compression/codec.js';
import { compressChunk, compressionPlan } from '../compression/compress.js';
import type { SealingKey } from '../format/sealed-object.js';
import { InvalidWorkerSettingError, WorkerUnavailableError } from '../util/worker-errors.js';
import { defaultPoolSize, WorkerPool } from '../util/worker-pool.js';
import { BLOB_AAD_ID_OFFSET, BLOB_AAD_LENGTH, blobAad, sealBlob } from './blob.js';
import { SEAL_OVERHEAD } from '../crypto/aead.js';
import { chunkId, sha256Hex } from '../crypto/hash.js';
import { BLOB_KERNEL_SOURCE, type OpenItem, type OpenResult, type OpenTask, type SealOutcome, type SealTask, type Sha256Outcome, type Sha256Task } from './blob-kernel.js';

/** Environment variable with the number of blob workers; `0` disables them. */
export const WORKERS_ENV = 'HAVEN_WORKERS';

/**
 * A worker scavenges after this many bytes moved in: each MiB in leaves about
 * as much garbage (zlib and cipher outputs), so this bounds it to a few MiB per worker.
 */
const GC_EVERY_BYTES = 4 * 1024 * 1024;

/** undefined: not created yet; null: disabled. */
let shared: WorkerPool | null | undefined;

/** Most workers `HAVEN_WORKERS` may ask for. */
const MAX_WORKERS = 64;

function configuredSize(): number {
  const raw = process.env[WORKERS_ENV];
  if (raw === undefined || raw.trim() === '') return defaultPoolSize();
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 0 || size > MAX_WORKERS) {
    throw new InvalidWorkerSettingError(`${WORKERS_ENV} must be a whole number from 0 (no workers) to ${MAX_WORKERS}, got ${JSON.stringify(raw)}`);
  }
  return size;
}

/**
 * The shared blob worker pool, or undefined when blob workers are disabled.
 * @throws InvalidWorkerSettingError when `HAVEN_WORKERS` is not a number from 0 to 64
 */
export function blobPool(): WorkerPool | undefined {
  if (shared === undefined) {
    const size = configuredSize();
    shared = size > 0 ? new WorkerPool({ handler: BLOB_KERNEL_SOURCE, size, collectEveryBytes: GC_EVERY_BYTES }) : null;
  }
  return shared ?? undefined;
}

/** Starts the blob workers (if enabled) ahead of their first task. */
export function warmBlobPool(): void {
  void blobPool()?.warm();
}

/**
 * Blob tasks worth keeping in flight: enough that every worker always has
 * its next task waiting (at least `minimum`).
 */
export function blobConcurrency(minimum: number): number {
  const pool = blobPool();
  return pool ? Math.max(minimum, pool.size * 4) : minimum;
}

/**
 * Stops the shared pool's workers (idle workers never keep a process alive,
 * so this is for tests and orderly shutdowns). The next task starts a new
 * pool, reading `HAVEN_WORKERS` again.
 */
export async function closeBlobPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}

/** Bytes whose whole buffer may be moved to a worker. */
function isTransferable(bytes: Uint8Array): boolean {
  return (
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    !isMarkedAsUntransferable(bytes.buffer)
  );
}

/** A copy of `bytes` in a buffer of its own, to transfer. */
function ownCopy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** A chunk to store: its plaintext and, when known, its 32-byte id. */
export interface ChunkToSeal {
  data: Uint8Array;
  /** The chunk id; leave it out to have it computed (HMAC-SHA256 under `macKey`) alongside the sealing. */
  id?: Uint8Array;
}

/** How chunks are sealed. */
export interface SealSettings {
  key: SealingKey;
  compression: CompressionConfig;
  /** The vault's MAC key, for chunks given without an id. */
  macKey: Uint8Array;
}

/**
 * Receives one sealed chunk: its index in the request, its id, the
 * algorithm byte it was stored under, and the sealed blob, which is valid
 * only during the call (its buffer is reused): copy it, e.g. into a pack.
 */
export type SealedChunkSink = (index: number, id: Uint8Array, compression: Compression, sealed: Uint8Array) => void;

/**
 * Buffers that carry chunks to the workers and sealed blobs back, moved
 * both ways and reused, so neither thread allocates a buffer per chunk.
 * (SharedArrayBuffers would save the moves, but V8 copies to and from
 * shared memory with relaxed atomic word copies, measured at about 6% of a
 * backup's CPU.)
 */
const slots: ArrayBuffer[] = [];
/** Smallest slot: a default-sized largest chunk (1 MiB) plus the seal overhead. */
const SLOT_BYTES = 1024 * 1024 + 64;
/** Slots kept for reuse; more are dropped when they come back. */
const MAX_FREE_SLOTS = 32;

function takeSlot(bytes: number): ArrayBuffer {
  const slot = slots.pop();
  if (slot && slot.byteLength >= bytes) return slot;
  return new ArrayBuffer(Math.max(bytes, SLOT_BYTES));
}

function returnSlot(slot: ArrayBuffer): void {
  if (slots.length < MAX_FREE_SLOTS && slot.byteLength >= SLOT_BYTES) slots.push(slot);
}

/**
 * Compresses and seals chunks as blobs (FORMAT.md §7.1), computing the ids
 * not given, on a worker when one runs, else on this thread, and hands each
 * to `sink`. The chunks' bytes are copied, never moved, so the caller's
 * buffers stay intact.
 * @throws InvalidCompressionConfigError on an invalid config
 */
export async function sealChunks(settings: SealSettings, chunks: readonly ChunkToSeal[], sink: SealedChunkSink): Promise<void> {
  const pool = blobPool();
  if (pool) {
    const task = sealTask(settings, chunks);
    let outcomes: SealOutcome[] | undefined;
    try {
      // Garbage left in the worker: about one output buffer of zlib and one of the cipher per chunk.
      outcomes = await pool.run<SealOutcome[]>(
        task,
        task.items.map((item) => item.slot),
        2 * task.items.reduce((n, item) => n + item.length, 0),
      );
    } catch (error) {
      if (!(error instanceof WorkerUnavailableError)) throw error;
      for (const item of task.items) returnSlot(item.slot); // never posted, still ours
    }
    if (outcomes) {
      for (const [index, outcome] of outcomes.entries()) {
        const id = chunks[index]!.id ?? outcome.id!;
        sink(index, id, outcome.flag as Compression, new Uint8Array(outcome.slot, 0, outcome.length));
        returnSlot(outcome.slot);
      }
      return;
    }
  }
  await Promise.all(
    chunks.map(async (chunk, index) => {
      const id = chunk.id ?? chunkId(settings.macKey, chunk.data);
      const compressed = await compressChunk(chunk.data, settings.compression);
      sink(index, id, compressed.algorithm, sealBlob(settings.key, id, compressed.algorithm, compressed.data));
    }),
  );
}

const NO_ID = new Uint8Array(32);

function sealTask(settings: SealSettings, chunks: readonly ChunkToSeal[]): SealTask {
  const { key, compression } = settings;
  const plan = compressionPlan(compression, 1);
  const items = chunks.map((chunk) => {
    const slot = takeSlot(chunk.data.length + SEAL_OVERHEAD);
    new Uint8Array(slot).set(chunk.data);
    return {
      slot,
      length: chunk.data.length,
      aad: blobAad(chunk.id ?? NO_ID, key.id, Compression.None),
      ...(chunk.id ? {} : { idAt: BLOB_AAD_ID_OFFSET }),
      options: compressionPlan(compression, chunk.data.length)?.options,
    };
  });
  const macKey = chunks.some((chunk) => !chunk.id) ? { macKey: settings.macKey } : {};
  return { op: 'seal', key: key.key, method: plan?.method ?? 'none', flag: plan?.algorithm ?? Compression.None, noneFlag: Compression.None, ...macKey, items };
}

/** One blob of a ranged read to open on a worker. */
export interface BlobToOpen {
  /** Offset of the sealed blob in the read bytes. */
  at: number;
  length: number;
  /** Plaintext length the blob must restore to. */
  rawLength: number;
  method: OpenItem['method'];
  options: OpenItem['options'];
}

/**
 * Opens, decompresses and checks the blobs of one ranged read on a worker
 * (recomputing each chunk id when `macKey` is given).
 * `bytes` is moved to the worker when it owns its whole buffer (else copied),
 * so the caller must not use it after the call unless the result is undefined.
 * @param aads - the blobs' additional data side by side, `BLOB_AAD_LENGTH`
 *   bytes each in the order of `blobs` (see `writeBlobAad`); moved like `bytes`
 * @returns one outcome and one plaintext buffer (null when the blob did not
 *   open to its `rawLength`) per blob, or undefined when no worker runs (nothing was moved)
 * @throws WorkerCrashedError when the worker stopped with the task
 */
export async function openOnWorkers(
  key: SealingKey,
  macKey: Uint8Array | undefined,
  bytes: Uint8Array,
  aads: Uint8Array,
  blobs: readonly BlobToOpen[],
): Promise<OpenResult | undefined> {
  const pool = blobPool();
  if (!pool) return undefined;
  const moved = isTransferable(bytes) ? bytes : ownCopy(bytes);
  const movedAads = isTransferable(aads) ? aads : ownCopy(aads);
  const task: OpenTask = {
    op: 'open',
    key: key.key,
    ...(macKey ? { macKey, idAt: BLOB_AAD_ID_OFFSET } : {}),
    bytes: moved,
    aads: movedAads,
    aadLength: BLOB_AAD_LENGTH,
    blobs: blobs.map((blob) => ({ at: blob.at, length: blob.length, rawLength: blob.rawLength, method: blob.method, options: blob.options })),
  };
  // Garbage left in the worker: the read itself and the cipher's output of every blob (plaintexts move back).
  const garbage = moved.byteLength + blobs.reduce((n, blob) => n + blob.length, 0);
  try {
    return await pool.run<OpenResult>(task, [moved.buffer as ArrayBuffer, movedAads.buffer as ArrayBuffer], garbage);
  } catch (error) {
    if (error instanceof WorkerUnavailableError) return undefined;
    throw error;
  }
}

/**
 * SHA-256 (hex) of `bytes[0, length)`, on a worker when one runs. The
 * buffer moves to the worker and back without a copy, so use the returned
 * `bytes` afterwards, never the argument (detached when a worker hashed it).
 * @param bytes - a Uint8Array over its whole ArrayBuffer
 * @throws WorkerCrashedError when the worker stopped with the buffer
 */
export async function sha256Moving(bytes: Uint8Array<ArrayBuffer>, length: number): Promise<{ hex: string; bytes: Uint8Array<ArrayBuffer> }> {
  const pool = blobPool();
  if (pool && isTransferable(bytes)) {
    const task: Sha256Task = { op: 'sha256', bytes, length };
    try {
      const outcome = await pool.run<Sha256Outcome>(task, [bytes.buffer]);
      return { hex: outcome.hex, bytes: outcome.bytes as Uint8Array<ArrayBuffer> };
    } catch (error) {
      if (!(error instanceof WorkerUnavailableError)) throw error;
    }
  }
  return { hex: sha256Hex(bytes.subarray(0, length)), bytes };
}
