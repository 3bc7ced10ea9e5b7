/**
 * The bench's synthetic data set, written to a directory in a streaming
 * fashion (a few MiB of memory whatever its size):
 *
 * - `records.jsonl` (~70%): DynamoDB-export lines from `records.ts`;
 * - `blobs.bin` (~30%): incompressible bytes (an AES-256-CTR keystream
 *   under a fixed key, so deterministic).
 *
 * `mutateRecords` then turns `records.jsonl` into its "incremental" version
 * in place: 1% of the records, in four contiguous runs starting at 10%,
 * 35%, 60% and 85% of the file, are edited without changing their length.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from './prng.js';
import { mutateLine, recordLine } from './records.js';

/** Share of the data set that is records (the rest is binary). */
export const RECORDS_SHARE = 0.7;
/** Where the four mutated runs start, as fractions of the records file. */
export const MUTATION_POINTS = [0.1, 0.35, 0.6, 0.85] as const;
/** Fraction of all records that the mutation edits (split over the runs). */
export const MUTATION_FRACTION = 0.01;

const WRITE_BATCH = 4 * 1024 * 1024;
const RECORD_SEED = 0x4861_7665; // "Have"
const MUTATION_SEED = 0x6e21_0001;

/** The files of a generated data set. */
export interface Dataset {
  dir: string;
  records: { path: string; bytes: number; count: number };
  blobs: { path: string; bytes: number };
  totalBytes: number;
}

/** What a mutation changed. */
export interface Mutation {
  records: number;
  bytes: number;
  runs: Array<{ offset: number; bytes: number; records: number }>;
}

function writeRecords(path: string, target: number): { bytes: number; count: number } {
  const fd = openSync(path, 'w');
  const rng = new Prng(RECORD_SEED);
  let bytes = 0;
  let count = 0;
  try {
    let batch: string[] = [];
    let batchLength = 0;
    while (bytes + batchLength < target) {
      const line = `${recordLine(rng, count)}\n`;
      batch.push(line);
      batchLength += line.length;
      count += 1;
      if (batchLength >= WRITE_BATCH) {
        bytes += writeSync(fd, Buffer.from(batch.join(''), 'ascii'));
        batch = [];
        batchLength = 0;
      }
    }
    if (batchLength > 0) bytes += writeSync(fd, Buffer.from(batch.join(''), 'ascii'));
  } finally {
    closeSync(fd);
  }
  return { bytes, count };
}

function writeBlobs(path: string, size: number): void {
  const key = createHash('sha256').update('haven-bench-blobs').digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(WRITE_BATCH);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      const n = Math.min(WRITE_BATCH, size - written);
      written += writeSync(fd, cipher.update(zeros.subarray(0, n)));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the data set (about `totalBytes`) into `dir`; same bytes on every run.
 * @param totalBytes - target size of both files together
 */
export function generateDataset(dir: string, totalBytes: number): Dataset {
  const recordsPath = join(dir, 'records.jsonl');
  const blobsPath = join(dir, 'blobs.bin');
  const records = writeRecords(recordsPath, Math.round(totalBytes * RECORDS_SHARE));
  const blobBytes = totalBytes - Math.round(totalBytes * RECORDS_SHARE);
  writeBlobs(blobsPath, blobBytes);
  return {
    dir,
    records: { path: recordsPath, ...records },
    blobs: { path: blobsPath, bytes: blobBytes },
    totalBytes: records.bytes + blobBytes,
  };
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, buffer, filled, length - filled, offset + filled);
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/** Edits `count` whole lines starting at the first line that begins at or after `from`; returns the run. */
function mutateRun(fd: number, from: number, count: number, rng: Prng): Mutation['runs'][number] {
  let window = Math.max(1 << 20, count * 2048);
  for (;;) {
    const buffer = readAt(fd, from === 0 ? 0 : from - 1, window + 1);
    // A line begins at `from` when the byte before it is a newline.
    const start = from === 0 ? 0 : buffer.indexOf(0x0a) + 1;
    let end = start;
    let lines = 0;
    while (lines < count) {
      const newline = buffer.indexOf(0x0a, end);
      if (newline < 0) break;
      end = newline + 1;
      lines += 1;
    }
    if (lines < count && buffer.length > window) {
      window *= 2;
      continue;
    }
    const text = buffer.toString('ascii', start, end);
    const edited = text
      .split('\n')
      .map((line) => (line.length > 0 ? mutateLine(line, rng) : line))
      .join('\n');
    if (edited.length !== text.length) throw new Error('record mutation changed a record length');
    const offset = (from === 0 ? 0 : from - 1) + start;
    writeSync(fd, Buffer.from(edited, 'ascii'), 0, edited.length, offset);
    return { offset, bytes: edited.length, records: lines };
  }
}

/**
 * Produces the incremental version of `records.jsonl` in place: 1% of the
 * records, in four equal contiguous runs at 10%, 35%, 60% and 85% of the
 * file, get new `updated_at`, `version` and `total` values of the same length.
 */
export function mutateRecords(dataset: Dataset): Mutation {
  const perRun = Math.ceil((dataset.records.count * MUTATION_FRACTION) / MUTATION_POINTS.length);
  const rng = new Prng(MUTATION_SEED);
  const fd = openSync(dataset.records.path, 'r+');
  try {
    const runs = MUTATION_POINTS.map((point) => mutateRun(fd, Math.floor(dataset.records.bytes * point), perRun, rng));
    return { records: runs.reduce((a, r) => a + r.records, 0), bytes: runs.reduce((a, r) => a + r.bytes, 0), runs };
  } finally {
    closeSync(fd);
  }
}
