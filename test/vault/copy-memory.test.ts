import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { transferMemoryBound } from '../../vault/copy/blob-transfer.js';
import { copySnapshot, type CopyResult } from '../../vault/copy/copier.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import { CopyTargetMismatchError, SameVaultError } from '../../vault/copy/errors.js';
import { FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { backupBytes, randomData, tempVault, type TempVault } from '../helpers/engine.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
/** Small reads and packs, so 40 MiB is many times what a copy may hold. */
const TUNING = { readConcurrency: 2, maxReadBytes: 2 * MiB, uploadsInFlight: 2 };

describe('a copy holds bounded memory (file vaults)', () => {
  /** A 40 MiB backup copied once while live Buffer memory is sampled: built once, only read by the tests. */
  let source: TempVault;
  let bound: number;
  let result: CopyResult;
  let peakLive: number;
  let dataLength: number;
  beforeAll(async () => {
    source = await tempVault({ packSize: 2 * MiB });
    const data = randomData(40 * MiB, 31);
    dataLength = data.length;
    const id = await backupBytes(source.vault, data);
    const target = await initCopyVault(new FileObjectStore(`${source.dir}/copy`), source.provider, source.vault);
    bound = transferMemoryBound(target, { ...TUNING, indexEvery: 32 });
    gc();
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let calls = 0;
    peakLive = 0;
    result = await copySnapshot({
      source: source.vault,
      target,
      snapshotId: id,
      tuning: TUNING,
      onProgress: () => {
        if (++calls % 8 !== 0) return;
        // Live memory, not garbage: a second collection frees the buffers the first one found dead.
        gc();
        gc();
        peakLive = Math.max(peakLive, process.memoryUsage().arrayBuffers - baseline);
      },
    });
  });
  afterAll(() => source.cleanup());

  test('the buffered blob data never exceeds the stated bound, a fraction of the snapshot', () => {
    // Assess
    assert.ok(result.packsWritten >= 15, `${result.packsWritten} packs`);
    assert.ok(result.peakBufferedBytes <= bound, `${result.peakBufferedBytes} > ${bound}`);
    assert.ok(bound < dataLength / 3, `bound ${bound} for ${dataLength} bytes`);
  });

  test('live Buffer memory during the copy stays within the bound plus 4 MiB', () => {
    // Assess
    assert.ok(peakLive > 0, 'sampled');
    assert.ok(peakLive < bound + 4 * MiB, `peak ${(peakLive / MiB).toFixed(1)} MiB, bound ${(bound / MiB).toFixed(1)} MiB`);
  });
});

describe('copy targets', () => {
  let a: TempVault;
  let b: TempVault;
  beforeAll(async () => {
    [a, b] = await Promise.all([tempVault(), tempVault()]);
    await backupBytes(a.vault, randomData(100_000, 3));
  });
  afterAll(() => {
    a.cleanup();
    b.cleanup();
  });

  test('a vault initialized on its own is refused as a target, naming --init', async () => {
    // Act
    const copying = copySnapshot({ source: a.vault, target: b.vault, snapshotId: 'latest' });

    // Assess
    await assert.rejects(copying, (error: unknown) => error instanceof CopyTargetMismatchError && /--init/.test(error.message));
  });

  test('a vault is refused as its own target', async () => {
    // Act
    const copying = copySnapshot({ source: a.vault, target: a.vault, snapshotId: 'latest' });

    // Assess
    await assert.rejects(copying, SameVaultError);
  });

  test('a copy vault has its own id and key records but the same chunk sizes and pack size', async () => {
    // Act
    const copy = await initCopyVault(new FileObjectStore(`${a.dir}/copy`), new FileKeyProvider(b.keyFile), a.vault);

    // Assess
    assert.notEqual(copy.config.id, a.vault.config.id);
    assert.notEqual(copy.keyring.current.key, a.vault.keyring.current.key);
    assert.deepEqual(copy.config.chunker, a.vault.config.chunker);
    assert.equal(copy.config.pack_size, a.vault.config.pack_size);
  });
});
