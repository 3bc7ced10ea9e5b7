/**
 * Micro-benchmark of the dedup index (`vault/index/master-index.ts`): loads
 * N index payloads of M random blobs (64 per pack) into a MasterIndex and
 * reports heap bytes per blob (heap plus array buffers, after GC), the
 * load time, and `has` lookups per second (half known, half unknown ids).
 *
 *   node --expose-gc --import tsx bench/index-memory.ts [N=100] [M=10000] [payload|packs]
 *
 * `payload` loads each payload straight into the index (as `Vault.loadIndex`
 * can); `packs` decodes it into PackEntry objects first (`addPacks`).
 */
import { randomBytes } from 'node:crypto';
import { decodeIndex, encodeIndex } from '../vault/index/index-codec.js';
import { MasterIndex } from '../vault/index/master-index.js';
import type { PackEntry } from '../vault/index/types.js';

const [objects = 100, blobsPerObject = 10_000] = process.argv.slice(2, 4).map(Number);
const mode = process.argv[4] ?? 'payload';
const BLOBS_PER_PACK = 64;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const payloads: Buffer[] = [];
const known: string[] = [];
for (let i = 0; i < objects; i++) {
  const packs: PackEntry[] = [];
  for (let p = 0; p < blobsPerObject / BLOBS_PER_PACK; p++) {
    const pack: PackEntry = { id: randomBytes(32).toString('hex'), keyId: 'ab'.repeat(16), size: 16 << 20, blobs: [] };
    for (let b = 0; b < BLOBS_PER_PACK; b++) pack.blobs.push({ id: randomBytes(32).toString('hex'), offset: b * 262_144, length: 262_000, rawLength: 262_144, compression: 1 });
    packs.push(pack);
    if (known.length < 200_000) known.push(pack.blobs[0]!.id);
  }
  payloads.push(encodeIndex(packs));
}
const unknown = Array.from({ length: known.length }, () => randomBytes(32).toString('hex'));

const heap = (): number => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const before = heap();
const started = performance.now();
const index = new MasterIndex();
payloads.forEach((payload, i) => (mode === 'packs' ? index.addPacks(decodeIndex(payload, `i${i}`), `i${i}`) : index.addPayload(payload, `i${i}`)));
const loadMs = performance.now() - started;
const bytesPerBlob = (heap() - before) / index.blobCount;

const probes = [...known, ...unknown];
let hits = 0;
const rounds = 5;
const probing = performance.now();
for (let r = 0; r < rounds; r++) for (const id of probes) if (index.has(id)) hits++;
const hasPerSecond = (probes.length * rounds) / ((performance.now() - probing) / 1000);
if (hits !== known.length * rounds) throw new Error(`found ${hits / rounds} of ${known.length} known blobs`);
console.log(JSON.stringify({ mode, blobs: index.blobCount, bytes_per_blob: Math.round(bytesPerBlob * 10) / 10, load_ms: Math.round(loadMs), has_per_second: Math.round(hasPerSecond) }));
