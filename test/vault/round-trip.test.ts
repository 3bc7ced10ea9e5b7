import { describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { backupBytes, randomData, restoreBytes, tempVault, type TempVault } from '../helpers/engine.js';

/** A fresh vault for one test, removed when the test ends. */
async function freshVault(t: Pick<TestContext, 'onTestFinished'>): Promise<TempVault> {
  const v = await tempVault({ packSize: 4 * 1024 * 1024 });
  t.onTestFinished(() => v.cleanup());
  return v;
}

describe('engine round trips', () => {
  const { min, avg, max } = DEFAULT_CHUNKER_PARAMS;
  for (const size of [0, 1, min - 1, min, min + 1, avg, max - 1, max, max + 1, 3 * max + 17]) {
    test(`restores ${size} bytes identically`, async (t) => {
      // Prepare
      const { vault } = await freshVault(t);
      const data = randomData(size, size + 7);
      const id = await backupBytes(vault, data);

      // Act
      const restored = await restoreBytes(vault, id);

      // Assess
      assert.deepEqual(restored, Buffer.from(data));
    });
  }

  test('property: any size and content comes back byte for byte, under every codec', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 * max }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom('zstd', 'gzip', 'none'),
        fc.boolean(),
        async (size, seed, algorithm, compressible) => {
          // Prepare
          const data = compressible ? Buffer.alloc(size, `row ${seed},`) : randomData(size, seed);

          // Act
          const id = await backupBytes(vault, data, { compression: { algorithm } as never });
          const restored = await restoreBytes(vault, id);

          // Assess
          assert.ok(Buffer.from(data).equals(restored));
        },
      ),
      { numRuns: 12 },
    );
  });

  test('100 MiB round trip through several packs', async (t) => {
    // Prepare
    const { vault } = await freshVault(t);
    const data = randomData(100 * 1024 * 1024, 99);

    // Act
    const id = await backupBytes(vault, data);
    const restored = await restoreBytes(vault, id);

    // Assess
    assert.equal(restored.length, data.length);
    assert.ok(restored.equals(data));
  });
});
