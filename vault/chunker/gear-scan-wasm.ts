/**
 * The gear-hash scan loop (`gear-scan.wat`) as WebAssembly: about 1.5 times
 * the speed of the JavaScript loop, copy into its memory included (bench
 * stage "chunking"). One instance (17 pages, about 1 MiB) serves every
 * chunker of a gear table in a thread: a scan is synchronous and carries its
 * hash in and out, so chunkers never see each other's state, and a backup of
 * many small partitions does not build (and collect) an instance for each.
 * Chunk boundaries are the same either way (the cut
 * rule is the vault format's); `test/unit/gear-scan.test.ts` checks both.
 */

/** `gear-scan.wat` assembled by wabt 1.0.37 (see the test for how it is checked). */
export const GEAR_SCAN_WASM_BASE64 =
  'AGFzbQEAAAABCAFgA39/fwF/AwIBAAUDAQARBgYBfwFBAAsHFQMGbWVtb3J5AgABaAMABHNjYW4AAApFAUMBAX8jACEDAkADQCAAIAFPDQEgA0EBdCAALQAAQQJ0KAIAaiEDIABBAWohACADIAJxDQAgAyQAIAAPCwsgAyQAQX8L';

/** Where the scanned bytes start in the instance's memory (after the 1 KiB gear table). */
const DATA_AT = 1024;
/** Bytes copied in per call: the module's 17 pages hold the table and 1 MiB. */
const WINDOW = 1024 * 1024;

interface GearScanExports {
  memory: { buffer: ArrayBuffer };
  h: { value: number };
  scan: (from: number, end: number, mask: number) => number;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs declare no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}
type WasmModule = { readonly __wasmModule: unique symbol };

const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

/** Scanners kept per gear table (a vault has one table; a few vaults may be open at once). */
const KEPT_SCANNERS = 4;
/** The kept scanners, by gear table bytes, least recently used first. */
const scanners = new Map<string, GearScanner>();

function module(): WasmModule | undefined {
  if (compiled === undefined) {
    try {
      if (!wasm) throw new Error('no WebAssembly');
      compiled = new wasm.Module(Buffer.from(GEAR_SCAN_WASM_BASE64, 'base64'));
    } catch {
      compiled = null; // no WebAssembly here: chunkers use the JavaScript loop
    }
  }
  return compiled ?? undefined;
}

/** A WebAssembly scan loop bound to one gear table. */
export class GearScanner {
  readonly #exports: GearScanExports;
  readonly #bytes: Uint8Array;

  private constructor(exports: GearScanExports, gear: Int32Array) {
    this.#exports = exports;
    this.#bytes = new Uint8Array(exports.memory.buffer);
    const table = new DataView(exports.memory.buffer, 0, DATA_AT);
    for (let i = 0; i < 256; i++) table.setInt32(i * 4, gear[i]!, true);
  }

  /** The thread's scanner for `gear` (256 entries), or undefined when WebAssembly cannot run. */
  static for(gear: Int32Array): GearScanner | undefined {
    const key = Buffer.from(gear.buffer, gear.byteOffset, gear.byteLength).toString('base64');
    const kept = scanners.get(key);
    if (kept) {
      scanners.delete(key);
      scanners.set(key, kept);
      return kept;
    }
    const created = GearScanner.#create(gear);
    if (!created) return undefined;
    scanners.set(key, created);
    if (scanners.size > KEPT_SCANNERS) scanners.delete(scanners.keys().next().value!);
    return created;
  }

  static #create(gear: Int32Array): GearScanner | undefined {
    const compiledModule = module();
    if (!compiledModule) return undefined;
    try {
      const instance = new wasm!.Instance(compiledModule, {});
      return new GearScanner(instance.exports as GearScanExports, gear);
    } catch {
      return undefined;
    }
  }

  /**
   * Rolls the hash from `hash` over data[from, end) and returns the index in
   * `data` just past the first cut (`(h & mask) == 0`) and the hash there,
   * or index -1 and the hash after the last byte.
   */
  scan(data: Uint8Array, from: number, end: number, mask: number, hash: number): { cut: number; hash: number } {
    const { h, scan } = this.#exports;
    h.value = hash;
    for (let at = from; at < end; ) {
      const n = Math.min(end - at, WINDOW);
      this.#bytes.set(data.subarray(at, at + n), DATA_AT);
      const cut = scan(DATA_AT, DATA_AT + n, mask);
      if (cut >= 0) return { cut: at + (cut - DATA_AT), hash: h.value };
      at += n;
    }
    return { cut: -1, hash: h.value };
  }
}
