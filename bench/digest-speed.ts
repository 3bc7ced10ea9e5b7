/**
 * Diagnostic: single-thread speed of the partition digest's candidates
 * (FORMAT.md §12.1) on this machine: 1 GiB hashed in 1 MiB updates (and
 * XXH3-128 also in 64 KiB updates, the size of a small restored blob),
 * three runs each. `node --import tsx bench/digest-speed.ts`.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { createBLAKE3, createXXHash128 } from 'hash-wasm';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const RUNS = 3;

/** Eight different 1 MiB buffers, used in turn (8 MiB), so no cache holds the whole input. */
const buffers = Array.from({ length: 8 }, () => randomFillSync(Buffer.alloc(MIB)));

/** Hashes 1 GiB in `updateBytes` pieces with `update`, then calls `finish`, three times, printing CPU s and GB/s. */
function time(name: string, updateBytes: number, update: (bytes: Uint8Array) => void, start: () => void, finish: () => void): void {
  const pieces = buffers.flatMap((b) => Array.from({ length: MIB / updateBytes }, (_, i) => b.subarray(i * updateBytes, (i + 1) * updateBytes)));
  for (let run = 0; run < RUNS; run++) {
    const began = process.cpuUsage();
    start();
    for (let i = 0; i < GIB / updateBytes; i++) update(pieces[i % pieces.length]!);
    finish();
    const used = process.cpuUsage(began);
    const seconds = (used.user + used.system) / 1e6;
    console.log(`${name.padEnd(34)} ${seconds.toFixed(3)} s/GiB  ${(GIB / 1e9 / seconds).toFixed(2)} GB/s`);
  }
}

let sha = createHash('sha256');
time('SHA-256 (node:crypto), 1 MiB', MIB, (b) => void sha.update(b), () => (sha = createHash('sha256')), () => void sha.digest());
const xxh = await createXXHash128();
time('XXH3-128 (hash-wasm), 1 MiB', MIB, (b) => void xxh.update(b), () => void xxh.init(), () => void xxh.digest());
time('XXH3-128 (hash-wasm), 64 KiB', 64 * 1024, (b) => void xxh.update(b), () => void xxh.init(), () => void xxh.digest());
let crc = 0;
time('CRC-32 (node:zlib), 1 MiB', MIB, (b) => void (crc = crc32(b, crc)), () => (crc = 0), () => undefined);
const blake3 = await createBLAKE3();
time('BLAKE3 (hash-wasm), 1 MiB', MIB, (b) => void blake3.update(b), () => void blake3.init(), () => void blake3.digest());
