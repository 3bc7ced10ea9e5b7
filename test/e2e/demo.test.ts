import { test } from 'vitest';
import assert from 'node:assert/strict';
import { runDemo } from '../../local/demo/run-demo.js';

test('the demo round trip (small sizes) restores everything identically and the unchanged files upload nothing', async () => {
  // Act
  const outcome = await runDemo({ items: 2_000, bigFileBytes: 3 * 1024 * 1024 });

  // Assess
  try {
    assert.equal(outcome.ok, true);
    assert.deepEqual(outcome.cloud.denials, [], 'the deployed functions needed no grant the template lacks');
    // Not asserted on the table at this size: its 1% update lands in every
    // chunk of a ~0.5 MiB hash-ordered export, so whether any chunk survives
    // depends on the vault's random gear table (dedup itself: test/vault/dedup.test.ts).
    assert.equal(outcome.rows.find((r) => r.what === 'files, incremental')!.backup.result!.bytes_new, 0, 'unchanged files upload nothing');
  } finally {
    await outcome.cloud.close();
  }
});
