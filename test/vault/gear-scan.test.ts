/**
 * The WebAssembly scan loop: its committed bytes are `gear-scan.wat`
 * assembled, and chunkers cut at exactly the same bytes with it as with the
 * JavaScript loop (the cut rule is part of the vault format).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import wabtInit from 'wabt';
import { Chunker, DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/fastcdc.js';
import { gearTable } from '../../vault/chunker/gear.js';
import { GEAR_SCAN_WASM_BASE64, GearScanner } from '../../vault/chunker/gear-scan-wasm.js';
import type { ChunkerParams } from '../../vault/chunker/params.js';

const WAT = fileURLToPath(new URL('../../vault/chunker/gear-scan.wat', import.meta.url));

function lengths(data: Uint8Array, gear: Uint32Array, params: ChunkerParams, scan: 'js' | 'wasm', piece: number): number[] {
  const chunker = new Chunker(gear, params, { scan });
  const out: number[] = [];
  for (let at = 0; at < data.length; at += piece) for (const chunk of chunker.push(data.subarray(at, at + piece))) out.push(chunk.length);
  const last = chunker.finish();
  if (last) out.push(last.length);
  return out;
}

describe('gear scan in WebAssembly', () => {
  it('the committed module is gear-scan.wat assembled by wabt', async () => {
    // Prepare
    const wabt = await wabtInit();

    // Act
    const { buffer } = wabt.parseWat('gear-scan.wat', readFileSync(WAT, 'utf8')).toBinary({});
    const assembled = Buffer.from(buffer).toString('base64');

    // Assess
    assert.equal(GEAR_SCAN_WASM_BASE64, assembled, `gear-scan.wat changed: set GEAR_SCAN_WASM_BASE64 to\n${assembled}`);
  });

  it('runs here (so the chunker tests exercise it)', () => {
    // Act
    const scanner = GearScanner.for(new Int32Array(256));

    // Assess
    assert.ok(scanner);
  });

  it('cuts where the JavaScript loop cuts with small sizes: any data, any piece sizes (property)', () => {
    // Prepare
    const small: ChunkerParams = { min: 256, avg: 1024, max: 4096 };
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 40_000 }),
        fc.integer({ min: 1, max: 9000 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (data, piece, secret) => {
          // Prepare
          const gear = gearTable(secret);

          // Act
          const wasm = lengths(data, gear, small, 'wasm', piece);

          // Assess
          assert.deepEqual(wasm, lengths(data, gear, small, 'js', piece));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('cuts where the JavaScript loop cuts with the default sizes, over records then random bytes', () => {
    // Prepare
    const gear = gearTable(randomBytes(32));
    const text = Buffer.from(Array.from({ length: 60_000 }, (_, i) => `{"id":${i},"name":"n${(i * 7919) % 1000}"}\n`).join(''));
    const data = Buffer.concat([text, randomBytes(3 * 1024 * 1024)]);

    // Act
    const wasm = lengths(data, gear, DEFAULT_CHUNKER_PARAMS, 'wasm', 1 << 20);

    // Assess
    assert.deepEqual(wasm, lengths(data, gear, DEFAULT_CHUNKER_PARAMS, 'js', 1 << 20));
  });

  it('scans ranges longer than its 1 MiB window', () => {
    // Prepare
    // avg 4 MiB: the large-mask scan of one chunk runs over several windows.
    const params: ChunkerParams = { min: 64 * 1024, avg: 4 * 1024 * 1024, max: 16 * 1024 * 1024 };
    const gear = gearTable(randomBytes(32));
    const data = randomBytes(12 * 1024 * 1024);

    // Act
    const wasm = lengths(data, gear, params, 'wasm', 5 * 1024 * 1024);

    // Assess
    assert.deepEqual(wasm, lengths(data, gear, params, 'js', 5 * 1024 * 1024));
    assert.ok(wasm.some((n) => n > 1024 * 1024 + 64 * 1024), 'some chunk spans more than one window');
  });

  it('serves every chunker of one gear table from one instance', () => {
    // Prepare
    const gear = Int32Array.from(gearTable(randomBytes(32)));

    // Act
    const first = GearScanner.for(gear);
    const second = GearScanner.for(Int32Array.from(gear));

    // Assess
    assert.ok(first);
    assert.equal(second, first);
  });

  it('cuts each of two interleaved chunkers of one table where each cuts alone (the shared instance keeps no chunker\'s state)', () => {
    // Prepare
    const params: ChunkerParams = { min: 256, avg: 1024, max: 4096 };
    const gear = gearTable(randomBytes(32));
    const [a, b] = [randomBytes(200_000), randomBytes(200_000)];
    const [left, right] = [new Chunker(gear, params), new Chunker(gear, params)];
    const cuts: [number[], number[]] = [[], []];

    // Act
    for (let at = 0; at < a.length; at += 777) {
      for (const chunk of left.push(a.subarray(at, at + 777))) cuts[0].push(chunk.length);
      for (const chunk of right.push(b.subarray(at, at + 777))) cuts[1].push(chunk.length);
    }
    for (const [i, chunker] of [left, right].entries()) {
      const last = chunker.finish();
      if (last) cuts[i]!.push(last.length);
    }

    // Assess
    assert.deepEqual(cuts, [lengths(a, gear, params, 'js', 777), lengths(b, gear, params, 'js', 777)]);
  });
});
