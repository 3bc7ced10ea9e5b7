import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { backupBytes, randomData, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';

describe('engine round trips', () => {
  let t: TempVault;
  beforeAll(async () => {
    t = await tempVault({ packSize: 4 * 1024 * 1024 });
  });
  afterAll(() => t.cleanup());

  const { min, avg, max } = DEFAULT_CHUNKER_PARAMS;
  for (const size of [0, 1, min - 1, min, min + 1, avg, max - 1, max, max + 1, 3 * max + 17]) {
    test(`restores ${size} bytes identically`, async () => {
      const data = randomData(size, size + 7);
      const id = await backupBytes(t.vault, data);
      assert.deepEqual(await restoreBytes(t.vault, id), Buffer.from(data));
    });
  }

  test('property: any size and content comes back byte for byte, under every codec', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 * max }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom('zstd', 'gzip', 'none'),
        fc.boolean(),
        async (size, seed, algorithm, compressible) => {
          const data = compressible ? Buffer.alloc(size, `row ${seed},`) : randomData(size, seed);
          const id = await backupBytes(t.vault, data, { compression: { algorithm } as never });
          assert.ok(Buffer.from(data).equals(await restoreBytes(t.vault, id)));
        },
      ),
      { numRuns: 12 },
    );
  });

  test('100 MiB round trip through several packs', async () => {
    const data = randomData(100 * 1024 * 1024, 99);
    const id = await backupBytes(t.vault, data);
    const restored = await restoreBytes(t.vault, id);
    assert.equal(restored.length, data.length);
    assert.ok(restored.equals(data));
  });
});
