import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../../local/demo/run-demo.js';

test('the demo round trip (small sizes) restores everything identically and the incremental uploads little', async () => {
  const outcome = await runDemo({ items: 2_000, bigFileBytes: 3 * 1024 * 1024 });
  assert.equal(outcome.ok, true);
  const incremental = outcome.rows.find((r) => r.what === 'table, incremental')!;
  const first = outcome.rows.find((r) => r.what === 'table, first')!;
  assert.ok(incremental.backup.result!.bytes_new < first.backup.result!.bytes_new, 'the incremental wrote less than the first backup');
  assert.equal(outcome.rows.find((r) => r.what === 'files, incremental')!.backup.result!.bytes_new, 0, 'unchanged files upload nothing');
});
